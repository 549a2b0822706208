"""The profile's open actions and timeline: /people/<id>/"""

import datetime as dt
import re

import pytest
from django.utils import timezone
from pytest_django.asserts import assertInHTML

from conversations.models import ActionStatus, ConversationStatus, FollowUpKind, Owner
from conversations.timeline import EVENTS_PER_PAGE, person_timeline
from tests.factories import (
    AgreedActionFactory,
    ConversationFactory,
    FollowUpFactory,
    PersonFactory,
    PersonInLifeFactory,
    ProfileEntryFactory,
    UserFactory,
    WhatMattersFactory,
)

# Every query the profile page makes, with a full record: sign-in (session,
# user, teams), the person, the audit entry, what matters (and how many
# earlier versions), profile entries, people in their life, open actions,
# positive-risk decisions, wellbeing answers, the timeline's page (its
# conversations and actions come with it), one read of the follow-ups on the
# page, and the groups in the community directory they are connected to. (The
# session is saved at most once a minute, so not on these pages.)
PROFILE_QUERIES = 14


@pytest.fixture
def person(alice, wigan):
    return PersonFactory(given_name="Margaret", family_name="Hughes", team=wigan, created_by=alice)


def ago(**kwargs) -> dt.datetime:
    return timezone.now() - dt.timedelta(**kwargs)


def profile(client, person, **params) -> str:
    response = client.get(f"/people/{person.pk}/", params)
    assert response.status_code == 200
    return response.content.decode()


def section_of(html: str, heading_id: str) -> str:
    """The <section> of the page whose heading has this id."""
    start = html.rindex("<section", 0, html.index(f'id="{heading_id}"'))
    return html[start : html.index("</section>", start) + len("</section>")]


def timeline_html(html: str) -> str:
    return section_of(html, "timeline")


# --- Open actions -----------------------------------------------------------


def test_open_actions_are_listed_overdue_first_with_an_overdue_tag(alice_client, alice, person):
    today = timezone.localdate()
    conversation = ConversationFactory(person=person)
    AgreedActionFactory(
        conversation=conversation, what="Due next week", due=today + dt.timedelta(7)
    )
    overdue = AgreedActionFactory(
        conversation=conversation, what="Ring the landlord", due=today - dt.timedelta(3)
    )
    AgreedActionFactory(conversation=conversation, what="Due today", due=today)
    AgreedActionFactory(
        conversation=conversation, what="Already done", status=ActionStatus.DONE, due=today
    )

    html = profile(alice_client, person)
    section = section_of(html, "open-actions-heading")
    assert "Open actions (3)" in section
    assert section.index("Ring the landlord") < section.index("Due today")
    assert section.index("Due today") < section.index("Due next week")
    assert "Already done" not in section
    assert section.count("Overdue</strong>") == 1
    assertInHTML(
        f'<a class="govuk-link" href="/actions/{overdue.pk}/">Ring the landlord</a>', section
    )
    assertInHTML('<strong class="govuk-tag govuk-tag--red">Overdue</strong>', section)
    assert section.index("Overdue</strong>") < section.index("Due today")
    assert "Alice Worker" in section


def test_open_actions_say_who_will_do_them(alice_client, person):
    conversation = ConversationFactory(person=person)
    AgreedActionFactory(
        conversation=conversation, owner_type=Owner.PERSON, owner_user=None, what="Walk daily"
    )
    AgreedActionFactory(
        conversation=conversation,
        owner_type=Owner.COMMUNITY,
        owner_user=None,
        owner_name="Knit and Natter",
        what="Go to the group",
    )
    html = profile(alice_client, person)
    assert "Margaret Hughes (themself)" in html
    assert "Knit and Natter (community group)" in html


def test_a_person_with_no_open_actions_is_told_so(alice_client, person):
    assert "No open actions." in profile(alice_client, person)


def test_another_persons_open_actions_are_not_listed(alice_client, alice, person):
    other = PersonFactory(team=person.team, created_by=alice)
    AgreedActionFactory(conversation=ConversationFactory(person=other), what="Someone else's")
    assert "Someone else&#x27;s" not in profile(alice_client, person)


def test_profile_offers_to_record_a_conversation(alice_client, person):
    html = profile(alice_client, person)
    assert f'href="/people/{person.pk}/conversations/new/"' in html
    assert "Record a conversation" in html
    # Near the top: before what matters to them.
    assert html.index("Record a conversation") < html.index("What matters to them")


# --- Timeline ---------------------------------------------------------------


def test_timeline_is_newest_first_across_conversations_actions_and_follow_ups(
    alice_client, alice, person
):
    first = ConversationFactory(person=person, happened_at=ago(days=10))
    action = AgreedActionFactory(conversation=first, what="Ring the credit union")
    action.created_at = ago(days=9)
    action.save()
    note = FollowUpFactory(action=action, note="Left a message", at=ago(days=5))
    second = ConversationFactory(
        person=person, happened_at=ago(days=3), kind="follow_up", status="draft"
    )
    status = FollowUpFactory(
        action=action,
        kind=FollowUpKind.STATUS,
        from_status="open",
        to_status="done",
        note="",
        at=ago(hours=2),
    )

    events = person_timeline(person).events
    assert [(e.kind, e.item.pk) for e in events] == [
        ("follow_up", status.pk),
        ("conversation", second.pk),
        ("follow_up", note.pk),
        ("action", action.pk),
        ("conversation", first.pk),
    ]
    assert [e.title for e in events] == [
        "Action marked done",
        "Follow-up, at their home",
        "Follow-up note",
        "Action agreed",
        "First conversation, at their home",
    ]

    html = timeline_html(profile(alice_client, person))
    assert 'class="moj-timeline"' in html
    assert html.count('class="moj-timeline__item"') == 5
    positions = [
        html.index("Action marked done"),
        html.index(f'href="/conversations/{second.pk}/"'),
        html.index("Left a message"),
        html.index("Action agreed"),
        html.index(f'href="/conversations/{first.pk}/"'),
    ]
    assert positions == sorted(positions)


def test_timeline_shows_who_when_and_the_status_of_each_conversation(alice_client, alice, person):
    happened = timezone.make_aware(dt.datetime(2025, 3, 4, 14, 30))
    ConversationFactory(person=person, happened_at=happened, kind="crisis", place="phone")
    ConversationFactory(
        person=person, happened_at=happened - dt.timedelta(days=1), status=ConversationStatus.DRAFT
    )
    html = timeline_html(profile(alice_client, person))
    assertInHTML('<p class="moj-timeline__byline">by Alice Worker</p>', html, count=2)
    assertInHTML('<time datetime="2025-03-04T14:30:00+00:00">4 March 2025 at 2:30pm</time>', html)
    assert "Crisis support, phone call" in html
    assertInHTML('<strong class="govuk-tag govuk-tag--grey">Draft</strong>', html)


def test_timeline_shows_what_was_agreed_who_will_do_it_and_when(alice_client, alice, person):
    action = AgreedActionFactory(
        conversation=ConversationFactory(person=person),
        what="Refer to Citizens Advice",
        due=dt.date(2030, 5, 1),
    )
    html = timeline_html(profile(alice_client, person))
    assertInHTML(
        f'<a class="govuk-link" href="/actions/{action.pk}/">Refer to Citizens Advice</a>', html
    )
    assert "Who will do it: Alice Worker" in html
    assert "Due by 1 May 2030" in html


def test_an_action_entry_names_who_agreed_it_who_does_it_and_who_is_responsible(
    alice_client, alice, bob, person
):
    """Three members of staff on one entry, each by their own name, and one
    with no name by their email; an action the person does themself names
    them."""
    dora = UserFactory(full_name="", email="dora@example.org", teams=[person.team])
    conversation = ConversationFactory(person=person, recorded_by=alice)
    AgreedActionFactory(
        conversation=conversation,
        created_by=alice,
        owner_user=bob,
        responsible=dora,
        what="Ring the credit union",
        due=dt.date(2030, 6, 2),
    )
    AgreedActionFactory(
        conversation=conversation,
        owner_type=Owner.PERSON,
        owner_user=None,
        responsible=bob,
        what="Walk to the library",
    )
    html = timeline_html(profile(alice_client, person))
    assert "Who will do it: Bob Manager<br>Responsible: dora@example.org<br>Due by 2 June 2030" in (
        html
    )
    assert f"Who will do it: {person.display_name} (themself)<br>Responsible: Bob Manager" in html
    assertInHTML('<p class="moj-timeline__byline">by Alice Worker</p>', html, count=3)
    assert "2 actions agreed" in html


def test_timeline_shows_reassignments_corrections_and_why_an_action_was_not_done(
    alice_client, alice, bob, person
):
    action = AgreedActionFactory(conversation=ConversationFactory(person=person))
    FollowUpFactory(action=action, kind=FollowUpKind.REASSIGNED, note="From Alice to Bob", by=bob)
    FollowUpFactory(action=action, kind=FollowUpKind.CHANGED, note="Corrected: Due by")
    FollowUpFactory(
        action=action,
        kind=FollowUpKind.STATUS,
        from_status="open",
        to_status="not_done",
        note="They moved away",
    )
    html = timeline_html(profile(alice_client, person))
    for text in [
        "Action handed on",
        "From Alice to Bob",
        "by Bob Manager",
        "Action corrected",
        "Corrected: Due by",
        "Action marked not done",
        "Why: They moved away",
    ]:
        assert text in html, text


def older_link(html: str) -> str:
    return re.search(r'href="(\?[^"]*timeline_before=[^"]+)" rel="next"', html)[1].replace(
        "&amp;", "&"
    )


def newer_link(html: str) -> str:
    return re.search(r'href="(\?[^"]*timeline_after=[^"]+)" rel="prev"', html)[1].replace(
        "&amp;", "&"
    )


def follow(client, person, link: str) -> str:
    response = client.get(f"/people/{person.pk}/{link.split('#')[0]}")
    assert response.status_code == 200
    return response.content.decode()


def test_timeline_is_paged_twenty_at_a_time(alice_client, alice, person):
    # 15 conversations, each with an action that has been followed up once:
    # 45 events, so 3 pages.
    for day in range(15):
        conversation = ConversationFactory(person=person, happened_at=ago(days=100 - day))
        action = AgreedActionFactory(conversation=conversation, what=f"Action {day}")
        FollowUpFactory(action=action, at=ago(days=50 - day))

    first = person_timeline(person)
    second = person_timeline(person, before=first.older)
    third = person_timeline(person, before=second.older)
    pages = [first, second, third]
    assert [len(t.events) for t in pages] == [EVENTS_PER_PAGE, EVENTS_PER_PAGE, 5]
    assert third.older is None and first.newer is None
    everything = [(e.kind, e.item.pk) for t in pages for e in t.events]
    assert len(set(everything)) == 45
    times = [e.at for t in pages for e in t.events]
    assert times == sorted(times, reverse=True)
    # And back again, newer, page by page: the same pages.
    back = person_timeline(person, after=third.newer)
    assert [e.item.pk for e in back.events] == [e.item.pk for e in second.events]
    top = person_timeline(person, after=back.newer)
    assert [e.item.pk for e in top.events] == [e.item.pk for e in first.events]
    assert top.newer is None

    # Through the page's own links.
    html = profile(alice_client, person)
    assert "Newer<" not in timeline_html(html)
    page_2 = timeline_html(follow(alice_client, person, older_link(html)))
    assert page_2.count('class="moj-timeline__item"') == EVENTS_PER_PAGE
    page_3 = timeline_html(follow(alice_client, person, older_link(page_2)))
    assert page_3.count('class="moj-timeline__item"') == 5
    assert "Older<" not in page_3
    again = timeline_html(follow(alice_client, person, newer_link(page_3)))
    assert again == page_2


def test_events_at_the_same_moment_are_neither_lost_nor_repeated_between_pages(alice, person):
    # A conversation, its action and the action's follow-up all at one moment,
    # 30 times over: pages must split between equal times without a gap.
    moment = ago(days=3)
    for _ in range(30):
        action = AgreedActionFactory(
            conversation=ConversationFactory(person=person, happened_at=moment),
            created_at=moment,
        )
        FollowUpFactory(action=action, at=moment)
    seen, timeline = [], person_timeline(person)
    while True:
        seen += [(e.kind, e.item.pk) for e in timeline.events]
        if not timeline.older:
            break
        timeline = person_timeline(person, before=timeline.older)
    assert len(seen) == len(set(seen)) == 90


def test_timeline_page_links_keep_the_rest_of_the_address(alice_client, alice, person):
    for _ in range(EVENTS_PER_PAGE + 1):
        ConversationFactory(person=person)
    html = timeline_html(profile(alice_client, person, tab="x"))
    assert "tab=x" in older_link(html)
    page_2 = follow(alice_client, person, older_link(html))
    assert "tab=x" in newer_link(timeline_html(page_2))
    assert "timeline_before" not in newer_link(timeline_html(page_2))


@pytest.mark.parametrize(
    "asked",
    [
        {"timeline_before": "abc"},
        {"timeline_after": "99"},
        {"timeline_page": "2"},
        {"timeline_before": "20261301T000000000000_1_5"},
        {"timeline_before": "20260101T000000000000_7_5"},
        {"timeline_after": "20260101T000000000000_1_" + "9" * 40},
        {"timeline_before": ""},
    ],
)
def test_a_timeline_link_that_is_not_one_shows_the_newest_page(alice_client, alice, person, asked):
    for _ in range(EVENTS_PER_PAGE + 1):
        ConversationFactory(person=person)
    newest = person_timeline(person)
    keys = {k.removeprefix("timeline_"): v for k, v in asked.items() if k != "timeline_page"}
    assert person_timeline(person, **keys).events[0].item == newest.events[0].item
    html = profile(alice_client, person, **asked)
    assert timeline_html(html).count('class="moj-timeline__item"') == EVENTS_PER_PAGE


def test_another_persons_events_never_appear_on_the_timeline(alice_client, alice, person):
    other = PersonFactory(team=person.team, created_by=alice)
    theirs = AgreedActionFactory(
        conversation=ConversationFactory(person=other), what="Their action"
    )
    FollowUpFactory(action=theirs, note="Their note")
    mine = ConversationFactory(person=person)

    events = person_timeline(person).events
    assert [(e.kind, e.item.pk) for e in events] == [("conversation", mine.pk)]
    html = profile(alice_client, person)
    assert "Their action" not in html and "Their note" not in html
    assert f"/conversations/{theirs.conversation_id}/" not in html


def test_a_person_with_no_conversations_has_an_empty_timeline(alice_client, person):
    html = timeline_html(profile(alice_client, person))
    assert "No conversations recorded yet." in html
    assert "moj-timeline__item" not in html
    assert "govuk-pagination" not in html


def test_what_staff_typed_is_shown_as_text_not_run_as_html(alice_client, alice, person):
    action = AgreedActionFactory(
        conversation=ConversationFactory(person=person, what_matters="<b>Family</b> & friends"),
        what='<img src=x onerror="alert(1)">',
        owner_type="partner",
        owner_name="<i>Age UK</i>",
    )
    FollowUpFactory(action=action, note="<script>alert('note')</script>")
    alice.full_name = "<u>Alice</u>"
    alice.save()
    html = timeline_html(profile(alice_client, person))
    assert "<script>alert(" not in html
    assert "&lt;script&gt;alert(&#x27;note&#x27;)&lt;/script&gt;" in html
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    assert "&lt;b&gt;Family&lt;/b&gt; &amp; friends" in html
    assert "&lt;i&gt;Age UK&lt;/i&gt;" in html
    assert "<b>" not in html and "<i>" not in html and "<u>" not in html


# --- Queries ----------------------------------------------------------------


@pytest.mark.parametrize("rows", [5, 50])
def test_profile_query_count_does_not_grow_with_conversations_actions_and_follow_ups(
    alice_client, alice, person, rows, django_assert_max_num_queries
):
    WhatMattersFactory.create_batch(rows, person=person, recorded_by=alice)
    ProfileEntryFactory.create_batch(rows, person=person, kind="strength", recorded_by=alice)
    PersonInLifeFactory.create_batch(rows, person=person, recorded_by=alice)
    today = timezone.localdate()
    for n in range(rows):
        # A conversation a day, its action and a follow-up of it, so that
        # every page of the timeline has all three kinds of event.
        happened_at = ago(days=n, hours=2)
        conversation = ConversationFactory(
            person=person,
            happened_at=happened_at,
            life_satisfaction=n % 11,
            anxiety=(n + 3) % 11,
            status=ConversationStatus.COMPLETE if n % 5 else ConversationStatus.DRAFT,
        )
        action = AgreedActionFactory(
            conversation=conversation,
            created_at=happened_at + dt.timedelta(minutes=30),
            owner_type=Owner.PERSON if n % 2 else Owner.STAFF,
            owner_user=None if n % 2 else alice,
            due=today + dt.timedelta(days=n - rows // 2),
        )
        FollowUpFactory(action=action, at=happened_at + dt.timedelta(hours=1))

    # A worker already at work: this session's idle clock was renewed less
    # than a minute ago.
    profile(alice_client, person)
    link = ""
    for _page in (1, 2) if rows > 10 else (1,):
        with django_assert_max_num_queries(PROFILE_QUERIES):
            html = follow(alice_client, person, link)
        link = older_link(html) if rows > 10 else ""
        timeline = timeline_html(html)
        for kind in ('href="/conversations/', "Action agreed", "Follow-up note"):
            assert kind in timeline, kind
        assert "app-wellbeing-chart" in html
        assert "Overdue</strong>" in html


# --- Meaningful entries ---------------------------------------------------------


def test_a_conversation_entry_says_what_kind_what_matters_and_how_many_actions(
    alice_client, alice, person
):
    conversation = ConversationFactory(
        person=person,
        kind="good_life",
        place="phone",
        what_matters="Getting back to chapel choir, and not going into a home, whatever happens",
    )
    AgreedActionFactory.create_batch(2, conversation=conversation)
    html = timeline_html(profile(alice_client, person))
    assert "Building a good life, phone call" in html
    assert "What matters: “Getting back to chapel choir, and not going into a home," in html
    assert "2 actions agreed" in html


def test_one_follow_up_save_is_one_timeline_entry(alice, person):
    from conversations import services
    from deal.audit import Actor

    action = AgreedActionFactory(conversation=ConversationFactory(person=person))
    services.action_follow_up(
        actor=Actor(user=alice),
        action=action,
        expected_version=action.version,
        status="done",
        note="She went along on Thursday",
    )
    follow_ups = [e for e in person_timeline(person).events if e.kind == "follow_up"]
    assert len(follow_ups) == 1
    assert follow_ups[0].title == "Action marked done"
    assert follow_ups[0].details == ("Note: She went along on Thursday",)


def test_finishing_a_draft_is_logged_as_completed(app, alice, person):
    from tests.conversations.pages import FORM, fill_conversation, open_record_page

    page = open_record_page(app, person)
    fill_conversation(page.forms[FORM], place="", kind="").submit("draft", index=1)
    draft = person.conversations.get()
    edit = app.get(f"/conversations/{draft.pk}/edit/")
    form = edit.forms[FORM]
    form["place"], form["kind"] = "phone", "follow_up"
    shown = form.submit("complete").follow()
    titles = [h.text.strip() for h in shown.html.select(".moj-timeline__title")]
    assert titles == ["Completed", "Started as a draft"]
    assert "Draft → Complete" not in shown.text


def test_each_entrys_title_and_who_are_apart_as_read(alice_client, alice, person):
    """The title and "by …" sit on one line (MOJ Frontend draws both
    inline), so they need the space between them a reader sees."""
    from bs4 import BeautifulSoup

    action = AgreedActionFactory(conversation=ConversationFactory(person=person, recorded_by=alice))
    FollowUpFactory(action=action, note="Rang them")
    soup = BeautifulSoup(timeline_html(profile(alice_client, person)), "html.parser")
    headers = soup.select(".moj-timeline__header")
    assert len(headers) == 3
    for header in headers:
        title = header.select_one(".moj-timeline__title").get_text(strip=True)
        assert re.search(rf"{re.escape(title)}\s+by \S", header.get_text()), header.get_text()
