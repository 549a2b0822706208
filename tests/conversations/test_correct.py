"""Finishing a draft, correcting a conversation, and reading it back."""

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
import textstat
from bs4 import BeautifulSoup
from django.conf import settings
from django.template.loader import get_template
from django.utils import timezone

from conversations.models import AgreedAction, Conversation, FollowUp
from deal.models import AuditEvent
from tests.conversations.pages import FORM, page_with_actions
from tests.factories import (
    AgreedActionFactory,
    ConversationFactory,
    PersonFactory,
    ProfileEntryFactory,
    ThemeFactory,
    UserFactory,
)


@pytest.fixture
def person(alice, wigan):
    return PersonFactory(given_name="Margaret", family_name="Hughes", team=wigan, created_by=alice)


@pytest.fixture
def recorded(app, alice, person):
    """A conversation recorded through the page, with one action."""
    week = timezone.localdate() + dt.timedelta(days=7)
    page = page_with_actions(
        app,
        person,
        {"what": "Ring the GP", "who": "staff", "due": week, "staff": alice},
        notes="First notes",
    )
    assert page.forms[FORM].submit("complete").status_code == 302
    return Conversation.objects.get()


class FormReader(HTMLParser):
    """What a browser would send back from a page's form, unchanged."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._textarea = self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.data.setdefault(name, []).append(a.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data.setdefault(name, []).append("")
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.data.setdefault(self._select, []).append(a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][-1] += data


def edit_data(client, conversation, **overrides):
    """The edit page's form, as the browser would send it back."""
    reader = FormReader()
    reader.feed(client.get(f"/conversations/{conversation.pk}/edit/").content.decode())
    data = {name: values if len(values) > 1 else values[0] for name, values in reader.data.items()}
    data.pop("csrfmiddlewaretoken", None)
    data["complete"] = "1"
    data.update(overrides)
    return data


def open_edit(app, conversation):
    return app.get(f"/conversations/{conversation.pk}/edit/").forms[FORM]


def test_correcting_keeps_every_change_and_shows_it(app, alice, recorded):
    form = open_edit(app, recorded)
    form["notes"], form["place"] = "Corrected notes", "phone"
    response = form.submit("complete")
    assert response.status_code == 302, response.text[:3000]
    recorded.refresh_from_db()
    assert recorded.notes == "Corrected notes"
    assert recorded.place == "phone"
    assert recorded.version == 2
    page = response.follow().text
    assert "Your corrections have been saved" in page
    assert "Corrected" in page
    assert "First notes → Corrected notes" in page
    assert "At their home → Phone call" in page
    assert AuditEvent.objects.filter(action="change", object_id=str(recorded.pk)).exists()


def test_a_correction_to_the_themes_and_who_was_there_is_shown_by_name(app, alice, bob, recorded):
    """The lists of choices changed by a correction are named, before and
    after, in one entry by whoever corrected it, even when the correction
    changed nothing else (their rows are then the save's only ones)."""
    money, housing = ThemeFactory(name="Money"), ThemeFactory(name="Housing")
    recorded.themes.set([money])
    form = open_edit(app, recorded)
    for box in form.fields["themes"]:
        box.checked = box._value in (str(money.pk), str(housing.pk))
    for box in form.fields["staff_present"]:
        box.checked = box._value in (str(alice.pk), str(bob.pk))
    response = form.submit("complete")
    assert response.status_code == 302, response.text[:3000]
    changes = response.follow().html.find("h2", string="Changes").find_next("div")
    entries = [
        " ".join(item.get_text(" ").split()).replace(" :", ":")
        for item in changes.select(".moj-timeline__item")
    ]
    # Newest first, and Alice's correction one entry with both lists in it,
    # apart from the earlier change made outside any request.
    assert entries[0].startswith("Corrected by Alice Worker")
    assert "Themes: Money → Housing, Money" in entries[0]
    assert "Staff present: Alice Worker → Alice Worker, Bob Manager" in entries[0]
    assert entries[1].startswith("Corrected by the system")
    assert "Themes: (none) → Money" in entries[1]


def test_two_people_editing_the_later_save_is_refused_and_both_versions_shown(
    app, app_for, alice, bob, recorded
):
    alices = open_edit(app, recorded)
    bobs = open_edit(app_for(bob), recorded)  # Bob, at his own computer
    bobs["notes"] = "Bob's notes"
    assert bobs.submit("complete").status_code == 302
    alices["notes"] = "Alice's notes"
    response = alices.submit("complete")
    assert response.status_code == 200
    assert "Someone else saved this conversation" in response.text
    assert "Bob&#x27;s notes" in response.text  # theirs
    assert "Alice&#x27;s notes" in response.text  # hers, still in the form
    recorded.refresh_from_db()
    assert recorded.notes == "Bob's notes"
    # Having seen both, saving again is her deliberate choice.
    assert response.forms[FORM].submit("complete").status_code == 302
    recorded.refresh_from_db()
    assert recorded.notes == "Alice's notes"


def test_correcting_an_action_is_kept_in_its_trail(app, recorded):
    form = open_edit(app, recorded)
    form["saved-0-what"] = "Ring the GP surgery about a hearing test"
    assert form.submit("complete").status_code == 302
    action = AgreedAction.objects.get()
    assert action.what == "Ring the GP surgery about a hearing test"
    assert FollowUp.objects.get(action=action).note == (
        "Corrected: What will happen from “Ring the GP” to "
        "“Ring the GP surgery about a hearing test”"
    )
    assert action.history.count() == 2


def test_correcting_a_due_date_keeps_both_dates_in_the_trail(app, recorded):
    action = AgreedAction.objects.get()
    before = action.due
    form = open_edit(app, recorded)
    later = before + dt.timedelta(days=3)
    form["saved-0-due_0"], form["saved-0-due_1"], form["saved-0-due_2"] = (
        str(later.day),
        str(later.month),
        str(later.year),
    )
    assert form.submit("complete").status_code == 302
    assert FollowUp.objects.get(action=action).note == (
        f"Corrected: Due by from {before:%-d %B %Y} to {later:%-d %B %Y}"
    )


def test_finishing_a_draft_completes_it(app, alice, person):
    draft = ConversationFactory(person=person, recorded_by=alice, status="draft", place="", kind="")
    form = open_edit(app, draft)
    form["place"], form["kind"] = "home", "follow_up"
    response = form.submit("complete")
    assert response.status_code == 302
    assert "The conversation has been recorded" in response.follow().text
    draft.refresh_from_db()
    assert not draft.is_draft
    assert draft.completed_at is not None


def test_an_altered_page_cannot_make_a_completed_conversation_a_draft_again(alice_client, recorded):
    """The page offers no draft button for a completed one: a hand-made post."""
    data = edit_data(alice_client, recorded)
    del data["complete"]
    data["draft"] = "1"
    alice_client.post(f"/conversations/{recorded.pk}/edit/", data)
    recorded.refresh_from_db()
    assert not recorded.is_draft


def test_another_team_cannot_open_or_change_a_conversation(client, carol, recorded):
    client.force_login(carol)
    for path in ("", "edit/", "summary/"):
        assert client.get(f"/conversations/{recorded.pk}/{path}").status_code == 404
    assert client.post(f"/conversations/{recorded.pk}/edit/", {}).status_code == 404
    assert AuditEvent.objects.filter(action="denied", user=carol).count() == 4


def test_conversation_page_shows_what_was_said_and_agreed(alice_client, recorded):
    html = alice_client.get(recorded.get_absolute_url()).content.decode()
    for text in ["Getting back to my allotment", "Ring the GP", "Alice Worker", "First notes"]:
        assert text in html
    assert AuditEvent.objects.filter(action="view", object_id=str(recorded.pk)).exists()


def test_changes_name_who_recorded_it_and_a_change_nobody_made_is_the_systems(
    alice_client, alice, person
):
    """A conversation made outside a request (the demo data, a command)
    still names its recorder in Changes; a change with no member of staff
    behind it (retention's anonymising, say) is the system's, not "someone
    no longer here"."""
    conversation = ConversationFactory(person=person, recorded_by=alice)
    page = BeautifulSoup(alice_client.get(conversation.get_absolute_url()).content, "html.parser")
    bylines = [p.get_text(strip=True) for p in page.select(".moj-timeline__byline")]
    assert bylines == ["by Alice Worker"]
    changed = Conversation.objects.get(pk=conversation.pk)
    changed.notes = "Tidied by a command"
    changed.save()
    page = BeautifulSoup(alice_client.get(conversation.get_absolute_url()).content, "html.parser")
    bylines = [p.get_text(strip=True) for p in page.select(".moj-timeline__byline")]
    assert bylines == ["by the system", "by Alice Worker"]


def test_summary_for_the_person_is_plain_and_has_no_navigation(alice_client, alice, person):
    conversation = ConversationFactory(person=person, recorded_by=alice, what_matters="My dog")
    AgreedActionFactory(
        conversation=conversation, what="Walk to the park", owner_type="person", owner_user=None
    )
    html = alice_client.get(f"/conversations/{conversation.pk}/summary/").content.decode()
    for heading in [
        "What you told us matters to you",
        "What you are good at and enjoy",
        "What we agreed",
        "Who to contact",
    ]:
        assert heading in html
    assert "My dog" in html
    assert "Walk to the park" in html
    assert ">You<" in html
    assert "govuk-service-navigation" not in html


def test_the_summary_gives_the_teams_name_and_phone_number(app, alice, wigan, person):
    wigan.contact_phone = "01942 404 404"
    wigan.contact_email = "central.team@wigan.example.gov.uk"
    wigan.save()
    conversation = ConversationFactory(person=person, recorded_by=alice)
    page = app.get(f"/conversations/{conversation.pk}/summary/")
    contact = page.html.find("h2", string="Who to contact").find_next("ul").text
    assert "Phone the team: 01942 404 404" in contact
    assert "Email the team: central.team@wigan.example.gov.uk" in contact
    assert "Wigan Central team" in page.text


def test_the_summary_does_not_say_team_twice(app, alice, wigan, person):
    wigan.name = "Wigan Central Community Team"
    wigan.save()
    conversation = ConversationFactory(person=person, recorded_by=alice)
    page = app.get(f"/conversations/{conversation.pk}/summary/")
    assert "from the Wigan Central Community Team." in page.text
    assert "Team team" not in page.text


def test_summary_wording_is_plain_english():
    """The template's own words score 70 or more for reading ease."""
    source = get_template("conversations/summary.html").template.source
    text = re.sub(r"{%.*?%}|{{.*?}}|<[^>]+>", " ", source, flags=re.S)
    text = re.sub(r"\s+", " ", text)
    score = textstat.flesch_reading_ease(text)
    assert score >= 70, (score, text)


@pytest.mark.parametrize("rows", [5, 50])
def test_conversation_pages_query_count_is_flat(
    alice_client, alice, person, rows, django_assert_max_num_queries
):
    conversation = ConversationFactory(person=person, recorded_by=alice)
    conversation.themes.set(ThemeFactory.create_batch(3))
    AgreedActionFactory.create_batch(rows, conversation=conversation)
    for n in range(rows // 5):
        conversation.notes = f"change {n}"
        conversation.save()
    for path in ("", "summary/", "edit/"):
        with django_assert_max_num_queries(25 if path == "edit/" else 18):
            response = alice_client.get(f"/conversations/{conversation.pk}/{path}")
        assert response.status_code == 200


def test_the_correction_page_reads_what_was_chosen_with_what_it_offers(
    alice_client, alice, bob, person, django_assert_max_num_queries
):
    """Who was there, the themes and the entries noticed are read with the
    lists that offer them, not again for what is ticked: at most 12 round
    trips with the session and the audit entry, and each choice still ticked."""
    conversation = ConversationFactory(person=person, recorded_by=alice)
    themes = ThemeFactory.create_batch(3)
    conversation.themes.set(themes[:2])
    conversation.staff_present.set([bob])
    noticed = ProfileEntryFactory(person=person, kind="strength", text="Kind to neighbours")
    ProfileEntryFactory(person=person, kind="need", text="A warm coat")
    conversation.profile_entries.set([noticed])
    alice_client.get("/")  # the session's first request writes it
    with django_assert_max_num_queries(12):
        page = alice_client.get(f"/conversations/{conversation.pk}/edit/")
    html = page.content.decode()
    soup = BeautifulSoup(html, "html.parser")

    def ticked(name):
        return {box["value"] for box in soup.select(f'input[name="{name}"][checked]')}

    assert ticked("themes") == {str(t.pk) for t in themes[:2]}
    assert ticked("staff_present") == {str(bob.pk)}
    assert ticked("noticed") == {str(noticed.pk)}
    assert not ticked("needs_raised")


def test_a_correction_keeps_choices_no_longer_offered_and_refuses_what_never_was(
    client, alice, bob, wigan, person, recorded
):
    """An entry archived, a theme switched off and a colleague who left since
    stay chosen and can be sent back; another person's entry, a theme off
    before and a leaver who was not there are refused."""
    kept_entry = ProfileEntryFactory(person=person, kind="strength", text="Kind to neighbours")
    kept_theme, old_theme = ThemeFactory(name="Money"), ThemeFactory(name="Old theme")
    gone = UserFactory(full_name="Gone Colleague", teams=[wigan])
    recorded.profile_entries.set([kept_entry])
    recorded.themes.set([kept_theme])
    recorded.staff_present.set([alice, gone])
    ProfileEntryFactory._meta.model.objects.filter(pk=kept_entry.pk).update(
        archived_at=timezone.now()
    )
    ThemeFactory._meta.model.objects.filter(pk__in=[kept_theme.pk, old_theme.pk]).update(
        is_active=False
    )
    UserFactory._meta.model.objects.filter(pk=gone.pk).update(is_active=False)
    left_before = UserFactory(full_name="Left Before", teams=[wigan], is_active=False)
    theirs = ProfileEntryFactory(person=PersonFactory(team=wigan), kind="strength")
    client.force_login(alice)
    data = edit_data(client, recorded, notes="Corrected notes")
    assert data["noticed"] == str(kept_entry.pk)
    assert data["themes"] == str(kept_theme.pk)
    assert set(data["staff_present"]) == {str(alice.pk), str(gone.pk)}
    assert client.post(f"/conversations/{recorded.pk}/edit/", data).status_code == 302
    recorded.refresh_from_db()
    assert recorded.notes == "Corrected notes"
    assert list(recorded.profile_entries.all()) == [kept_entry]
    assert list(recorded.themes.all()) == [kept_theme]
    assert set(recorded.staff_present.all()) == {alice, gone}
    for name, value in (
        ("noticed", theirs.pk),
        ("themes", old_theme.pk),
        ("staff_present", left_before.pk),
    ):
        sent = edit_data(client, recorded, **{name: str(value)})
        response = client.post(f"/conversations/{recorded.pk}/edit/", sent)
        assert response.status_code == 200, name
        assert "from the list" in response.content.decode(), name


def test_settings_has_a_session_timeout_the_page_knows(alice_client):
    html = alice_client.get("/").content.decode()
    # The whole idle timeout, give or take the second the clock may turn
    # between renewing the session and drawing the page on a slow machine.
    seconds = int(re.search(r'data-session-seconds="(\d+)"', html).group(1))
    assert settings.SESSION_COOKIE_AGE - 1 <= seconds <= settings.SESSION_COOKIE_AGE
    assert 'id="session-timeout"' in html


def test_keep_alive_needs_a_signed_in_post(client, alice_client):
    assert alice_client.post("/accounts/keep-alive/").status_code == 200
    assert alice_client.get("/accounts/keep-alive/").status_code == 405


def test_an_altered_page_gets_an_error_not_a_crash(client, alice, recorded, conversation):
    """Someone else's action id is ignored (each saved line is the action it
    was drawn for), and a mangled hidden field is refused politely."""
    client.force_login(alice)
    other_action = AgreedActionFactory(conversation=conversation)
    before = other_action.what
    data = edit_data(client, recorded)
    data["saved-0-id"] = str(other_action.pk)
    data["saved-0-what"] = "Corrected here"
    response = client.post(f"/conversations/{recorded.pk}/edit/", data)
    assert response.status_code == 302
    other_action.refresh_from_db()
    assert other_action.conversation == conversation
    assert other_action.what == before
    assert recorded.actions.get().what == "Corrected here"
    data = edit_data(client, recorded, version="banana")
    response = client.post(f"/conversations/{recorded.pk}/edit/", data)
    assert response.status_code == 200
    assert "The page was out of date" in response.content.decode()


def test_correcting_offers_a_spare_line_for_a_new_action(alice_client, recorded):
    html = alice_client.get(f"/conversations/{recorded.pk}/edit/").content.decode()
    assert 'name="saved-0-what"' in html
    assert 'name="actions-0-what"' in html


def test_after_saving_the_next_useful_step_is_the_primary_button(app, recorded, person):
    page = app.get(recorded.get_absolute_url())
    primary = page.html.select(".govuk-button-group .govuk-button")[0]
    assert primary.text.strip() == "Go to Margaret Hughes’s profile" or primary["href"] == (
        person.get_absolute_url()
    )
    assert "govuk-button--secondary" not in primary["class"]
    correct = page.html.find("a", string="Correct this conversation")
    assert "govuk-button" not in correct.get("class", [])
    another = page.click(description="Record another conversation")
    assert another.status_code == 302
