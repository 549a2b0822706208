"""Restricted records: a record open only to named staff; the rest of the team
sees that it exists and gives a reason to open it ("break glass")."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from deal.audit import Actor
from deal.hand_on import hand_on
from deal.models import AuditEvent, Role
from people import services
from people.models import BREAK_GLASS_HOURS, BreakGlass, Person, TransferRequest
from tests.factories import (
    AgreedActionFactory,
    ConversationFactory,
    PersonFactory,
    PersonInLifeFactory,
    RiskDecisionFactory,
    UserFactory,
)
from tests.pages import assert_error_summary_links_resolve, error_messages

REASON = "They rang the duty line and need help with their rent today"


@pytest.fixture
def records(restricted, alice):
    """One of each of Peggy's records, each a route to her data."""
    conversation = ConversationFactory(person=restricted, recorded_by=alice)
    action = AgreedActionFactory(conversation=conversation)
    decision = RiskDecisionFactory(person=restricted, proposed_by=alice)
    connection = PersonInLifeFactory(person=restricted)
    return {
        "conversation": conversation,
        "action": action,
        "decision": decision,
        "connection": connection,
    }


ROUTES = [
    "/people/{p}/",
    "/people/{p}/edit/",
    "/people/{p}/what-matters/",
    "/people/{p}/strengths/new/",
    "/people/{p}/interests/new/",
    "/people/{p}/people-in-their-life/new/",
    "/people/{p}/people-in-their-life/{connection}/",
    "/people/{p}/restriction/",
    "/people/{p}/conversations/new/",
    "/conversations/{conversation}/",
    "/conversations/{conversation}/edit/",
    "/conversations/{conversation}/summary/",
    "/actions/{action}/",
    "/risks/{decision}/",
    "/risks/propose/{p}/",
]


def _url(route: str, person: Person, records: dict) -> str:
    return route.format(p=person.pk, **{k: v.pk for k, v in records.items()})


@pytest.mark.parametrize("route", ROUTES)
def test_a_team_member_not_named_is_asked_for_a_reason_on_every_route(
    route, app_for, erin, restricted, records
):
    url = _url(route, restricted, records)
    page = app_for(erin).get(url, status=403)
    assert page.html.h1.get_text(" ", strip=True).endswith("This record is restricted")
    text = page.html.main.get_text(" ", strip=True)
    assert "Only Alice Worker can open Margaret Hughes’s record" in text
    # Nothing of the case is on the page.
    assert "Her daughter works in the team" not in text
    assert records["conversation"].notes[:20] not in text if records["conversation"].notes else True
    assert page.forms["break-glass-form"]["next"].value.startswith(url.split("?")[0])
    denied = AuditEvent.objects.filter(user=erin, action="denied", about_person=restricted.pk)
    assert denied.count() == 1
    assert not AuditEvent.objects.filter(user=erin, action="view").exists()


@pytest.mark.parametrize("route", ROUTES)
def test_another_team_gets_the_same_404_as_ever(route, app_for, carol, restricted, records):
    app_for(carol).get(_url(route, restricted, records), status=404)


@pytest.mark.parametrize("route", ["/people/{p}/", "/conversations/{conversation}/"])
def test_the_named_worker_opens_the_record_without_a_reason(
    route, app_for, alice, restricted, records
):
    page = app_for(alice).get(_url(route, restricted, records))
    assert page.status_code == 200
    assert "This record is restricted" not in page.text


def test_the_profile_says_who_can_open_it(app_for, alice, restricted):
    page = app_for(alice).get(f"/people/{restricted.pk}/")
    banner = page.html.select_one("#restricted").get_text(" ", strip=True)
    assert "Restricted: only Alice Worker can open this record without giving a reason." in banner


def test_lists_show_the_record_exists_but_nothing_of_it(app_for, erin, restricted, records):
    restricted.date_of_birth = dt.date(1948, 3, 12)
    restricted.postcode = "WN1 1AA"
    restricted.save()
    app = app_for(erin)
    found = app.get("/people/", {"q": "Hughes"})
    row = found.html.select_one("tbody tr").get_text(" ", strip=True)
    assert "Hughes, Margaret" in row and "Restricted" in row
    assert "WN1 1AA" not in row and "1948" not in row
    # Her actions, conversations and decisions are in no list.
    action = records["action"]
    action.responsible = erin
    action.save()
    assert action.what not in app.get("/actions/").text
    assert action.what not in app.get("/actions/", {"owner": erin.pk, "status": "open"}).text
    assert action.what not in app.get("/").text
    assert records["decision"].what not in app.get("/risks/", {"show": "all"}).text


def test_break_glass_needs_a_reason_and_keeps_what_was_typed(app_for, erin, restricted):
    app = app_for(erin)
    page = app.get(f"/people/{restricted.pk}/", status=403)
    form = page.forms["break-glass-form"]
    form["reason"] = ""
    page = form.submit()
    assert error_messages(page) == ["Enter why you need to open this record"]
    assert_error_summary_links_resolve(page)
    assert page.html.title.get_text().startswith("Error:")
    form = page.forms["break-glass-form"]
    form["reason"] = "need it"
    page = form.submit()
    assert error_messages(page) == [
        "Say more about why you need to open this record, in at least 10 characters"
    ]
    assert page.forms["break-glass-form"]["reason"].value.strip() == "need it"
    assert not BreakGlass.objects.exists()


def test_giving_a_reason_opens_the_record_and_is_kept_and_audited(
    app_for, erin, restricted, records
):
    records["action"].responsible = erin
    records["action"].save()
    app = app_for(erin)
    url = f"/actions/{records['action'].pk}/"
    form = app.get(url, status=403).forms["break-glass-form"]
    form["reason"] = REASON
    page = form.submit().follow()
    assert page.request.path == url
    assert records["action"].what in page.text
    opening = BreakGlass.objects.get()
    assert (opening.user, opening.person, opening.team_id) == (erin, restricted, restricted.team_id)
    assert opening.reason == REASON
    assert opening.until - opening.at == dt.timedelta(hours=BREAK_GLASS_HOURS)
    event = AuditEvent.objects.get(object_type="people.breakglass")
    assert (event.user, event.about_person, event.action) == (erin, restricted.pk, "create")
    # The whole record is open to her now: the profile says until when.
    profile = app.get(f"/people/{restricted.pk}/")
    assert "It is open to you until" in profile.html.select_one("#restricted").get_text()
    assert records["action"].what in app.get("/actions/").text


def test_the_opening_runs_out(app_for, erin, restricted):
    now = timezone.now()
    BreakGlass.objects.create(
        person=restricted,
        team=restricted.team,
        user=erin,
        reason=REASON,
        at=now - dt.timedelta(hours=BREAK_GLASS_HOURS, minutes=1),
        until=now - dt.timedelta(minutes=1),
    )
    app_for(erin).get(f"/people/{restricted.pk}/", status=403)
    BreakGlass.objects.create(
        person=restricted,
        team=restricted.team,
        user=erin,
        reason=REASON,
        until=now + dt.timedelta(minutes=5),
    )
    app_for(erin).get(f"/people/{restricted.pk}/", status=200)


def test_an_admin_and_ig_read_nothing_of_it(app_for, dave, restricted, records):
    ig = UserFactory(email="ig@example.org", role=Role.IG)
    for user in (dave, ig):
        app = app_for(user)
        for route in ("/people/{p}/", "/conversations/{conversation}/", "/actions/{action}/"):
            assert app.get(_url(route, restricted, records), expect_errors=True).status_code in (
                403,
                404,
            )
            assert (
                "This record is restricted"
                not in app.get(_url(route, restricted, records), expect_errors=True).text
            )


# --- Restricting a record ---------------------------------------------------------------


def test_the_manager_restricts_a_record_to_named_staff(app_for, bob, alice, erin, person):
    app = app_for(bob)
    profile = app.get(f"/people/{person.pk}/")
    page = profile.click("Restrict this record to named staff")
    form = page.forms["restriction-form"]
    page = form.submit()
    assert error_messages(page) == [
        "Select at least one member of staff who can open the record",
        "Enter why the record is restricted",
    ]
    assert_error_summary_links_resolve(page)
    form = page.forms["restriction-form"]
    names = {label.get_text(strip=True) for label in page.html.select("#restriction-form label")}
    assert {"Alice Worker", "Bob Manager", "Erin Colleague"} <= names
    assert "Carol Otherteam" not in names
    form["named"] = [str(alice.pk), str(bob.pk)]
    form["reason"] = "Her daughter works in the team"
    profile = form.submit().follow()
    banner = profile.html.select_one("#restricted").get_text(" ", strip=True)
    assert "only Alice Worker and Bob Manager can open this record" in banner
    person.refresh_from_db()
    assert person.is_restricted
    assert set(person.restricted_to.all()) == {alice, bob}
    event = AuditEvent.objects.filter(user=bob, about_person=person.pk, action="change").latest(
        "at"
    )
    assert event.changes["restricted_to"] == [[], ["Alice Worker", "Bob Manager"]]
    assert event.changes["restricted"] == [False, True]
    # Erin now meets the restricted page; Alice does not.
    app_for(erin).get(f"/people/{person.pk}/", status=403)
    app_for(alice).get(f"/people/{person.pk}/", status=200)


def test_the_manager_lifts_the_restriction(app_for, bob, erin, restricted):
    restricted.restricted_to.add(bob)
    page = app_for(bob).get(f"/people/{restricted.pk}/restriction/")
    page.forms["lift-form"].submit("lift").follow()
    restricted.refresh_from_db()
    assert not restricted.is_restricted
    assert not restricted.restricted_to.exists()
    app_for(erin).get(f"/people/{restricted.pk}/", status=200)
    assert AuditEvent.objects.filter(detail="Lifted the restriction", user=bob).exists()


def test_the_named_worker_may_restrict_but_another_worker_may_not(app_for, alice, erin, person):
    person.named_worker = alice
    person.save()
    app_for(alice).get(f"/people/{person.pk}/restriction/", status=200)
    assert "Restrict this record" not in app_for(erin).get(f"/people/{person.pk}/").text
    app_for(erin).get(f"/people/{person.pk}/restriction/", status=403)


def test_a_manager_not_named_gives_a_reason_before_changing_the_restriction(
    app_for, bob, restricted
):
    app_for(bob).get(f"/people/{restricted.pk}/restriction/", status=403)


# --- The lists of openings ----------------------------------------------------------------


@pytest.fixture
def openings(restricted, erin, bob):
    def make(n: int, user=erin):
        for i in range(n):
            services.break_glass_open(
                actor=Actor(user=user), person=restricted, reason=f"{REASON} ({i})"
            )

    return make


def test_the_manager_sees_the_teams_openings_from_the_team_view(app_for, bob, erin, openings):
    openings(2)
    team_view = app_for(bob).get("/team/")
    page = team_view.click("Restricted records opened with a reason")
    rows = [row.get_text(" ", strip=True) for row in page.html.select("tbody tr")]
    assert len(rows) == 2
    assert all("Erin Colleague" in r and "Margaret Hughes" in r and REASON in r for r in rows)
    assert AuditEvent.objects.filter(
        user=bob, object_type="people.breakglass", action="view"
    ).exists()


def test_a_worker_and_another_teams_manager_cannot_see_the_list(
    app_for, alice, wigan, leigh, openings
):
    openings(1)
    app_for(alice).get(f"/team/{wigan.pk}/break-glass/", status=404)
    other = UserFactory(email="m2@example.org", role=Role.MANAGER, teams=[leigh])
    app_for(other).get(f"/team/{wigan.pk}/break-glass/", status=404)
    app_for(other).get("/team/999999/break-glass/", status=404)
    app_for(alice).get("/governance/break-glass/", status=403)


def test_ig_sees_every_teams_openings_filtered_by_team_and_date(app_for, wigan, leigh, openings):
    openings(3)
    ig = UserFactory(email="ig@example.org", role=Role.IG)
    app = app_for(ig)
    home = app.get("/")
    page = home.click("Restricted records opened with a reason")
    assert len(page.html.select("tbody tr")) == 3
    text = page.html.select_one("tbody").get_text(" ", strip=True)
    # A record number, not the person's name: IG reads no case record.
    assert "Margaret Hughes" not in text and "Person" in text
    form = page.forms["break-glass-filter"]
    form["team"] = str(leigh.pk)
    page = form.submit()
    assert not page.html.select("tbody tr")
    form = page.forms["break-glass-filter"]
    form["team"] = str(wigan.pk)
    today = timezone.localdate()
    form["start_0"], form["start_1"], form["start_2"] = today.day, today.month, today.year
    page = form.submit()
    assert len(page.html.select("tbody tr")) == 3
    tomorrow = today + dt.timedelta(days=1)
    form = page.forms["break-glass-filter"]
    form["start_0"], form["start_1"], form["start_2"] = tomorrow.day, tomorrow.month, tomorrow.year
    assert not form.submit().html.select("tbody tr")
    reads = AuditEvent.objects.filter(user=ig, object_type="people.breakglass")
    assert reads.count() == 4
    assert f"team {wigan.pk}" in reads.latest("at").detail


def test_the_lists_of_openings_read_the_same_queries_at_5_and_50_rows(client, bob, openings):
    ig = UserFactory(email="ig@example.org", role=Role.IG)
    urls = {bob: f"/team/{bob.team_ids()[0]}/break-glass/", ig: "/governance/break-glass/"}

    def count() -> list[int]:
        counts = []
        for user, url in urls.items():
            client.force_login(user)
            client.get(url)  # once-a-session work out of the way
            counts.append(_queries(client, url))
        return counts

    openings(5)
    at_5 = count()
    openings(45)
    assert count() == at_5


def test_the_restricted_and_restriction_pages_read_the_same_queries_at_5_and_50_staff(
    client, alice, bob, erin, wigan, restricted
):
    def add_staff(n: int) -> None:
        for _ in range(n):
            restricted.restricted_to.add(
                UserFactory(role=Role.FRONTLINE, teams=[wigan]),
            )

    def count() -> list[int]:
        client.force_login(erin)
        client.get("/")
        closed = _queries(client, f"/people/{restricted.pk}/", status=403)
        client.force_login(bob)
        client.get("/")
        restricted.restricted_to.add(bob)
        opened = _queries(client, f"/people/{restricted.pk}/restriction/")
        restricted.restricted_to.remove(bob)
        return [closed, opened]

    add_staff(4)
    at_5 = count()
    add_staff(45)
    assert count() == at_5


def test_the_reason_page_is_the_same_404_for_missing_and_another_teams(client, carol, restricted):
    client.force_login(carol)
    for url in (f"/people/{restricted.pk}/open/", "/people/999999/open/"):
        assert client.get(url).status_code == 404
        assert client.post(url, {"reason": REASON}).status_code == 404
    assert not BreakGlass.objects.exists()


def test_subject_access_holds_the_restriction_and_each_opening(app_for, erin, restricted, openings):
    openings(1)
    ig = UserFactory(email="ig@example.org", role=Role.IG)
    data = app_for(ig).get(f"/governance/people/{restricted.pk}/download/").json
    text = str(data)
    assert "Her daughter works in the team" in text
    assert "Alice Worker" in text
    assert f"{REASON} (0)" in text and "Erin Colleague" in text


# --- Query counts: the hot pages read restricted people in no query of their own -----------


def _queries(client, url: str, status: int = 200) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == status
    return len(queries)


def test_find_my_work_and_actions_read_the_same_queries_at_5_and_50_restricted_people(
    client, alice, erin, wigan, person
):
    """Erin holds actions of restricted people she is not named on, and as
    many of Peggy's (not restricted): the lists show Peggy's only, in the same
    number of queries however many restricted people there are."""
    client.force_login(erin)

    def add(n: int) -> None:
        for _ in range(n):
            someone = PersonFactory(team=wigan, created_by=alice, family_name="Hughes")
            Person.objects.filter(pk=someone.pk).update(
                is_restricted=True, restriction_reason="Family in the team"
            )
            someone.restricted_to.set([alice])
            conversation = ConversationFactory(person=someone, recorded_by=alice)
            AgreedActionFactory(conversation=conversation, responsible=erin)
            AgreedActionFactory(conversation=ConversationFactory(person=person, recorded_by=erin))

    urls = ["/people/?q=Hughes", "/", "/actions/", "/conversations/drafts/", "/risks/"]
    add(5)
    client.get("/")  # once-a-session work (the staff pulse) out of the way
    at_5 = [_queries(client, url) for url in urls]
    add(45)
    at_50 = [_queries(client, url) for url in urls]
    assert at_5 == at_50
    actions = client.get("/actions/", {"status": "open"})
    assert actions.context["page"].paginator.count == 50
    assert {a.person_id for a in actions.context["page"].object_list} == {person.pk}


# --- A restricted record that moves on ----------------------------------------------------


def test_a_restricted_record_transferred_is_named_to_whoever_asked(
    alice, bob, carol, leigh, restricted
):
    transfer = TransferRequest.objects.create(
        person=restricted, from_team=restricted.team, to_team=leigh, requested_by=carol
    )
    restricted.restricted_to.add(bob)
    services.transfer_decide(actor=Actor(user=bob), transfer=transfer, accept=True)
    restricted.refresh_from_db()
    assert restricted.is_restricted
    # Alice and Bob are not in Leigh: Carol, who asked, can open it there.
    assert list(restricted.restricted_to.all()) == [carol]
    assert not Person.objects.closed_to(carol).exists()
    logged = AuditEvent.objects.get(object_type="people.person", detail__contains="Transferred")
    assert f"user {carol.pk} named on the restriction by Bob Manager (named on the" in (
        logged.detail
    )


def _hand_on_through_the_pages(app, team, worker, colleague):
    """The manager chooses whose work and who takes it on; returns the check
    page and the page after confirming."""
    form = app.get(f"/team/{team.pk}/hand-on/?worker={worker.pk}").forms[1]
    form["colleagues"] = [str(colleague.pk)]
    check = form.submit()
    return check, check.forms[1].submit("confirm").follow()


@pytest.mark.parametrize("taker", ["bob", "erin"])
def test_a_manager_not_named_cannot_open_a_restricted_record_by_handing_it_on(
    taker, request, app_for, alice, bob, wigan, restricted, records
):
    """Bob, not named, hands Alice's work on to himself (or to Erin, whose
    relative the record may be): nobody is added to the restriction."""
    colleague = request.getfixturevalue(taker)
    restricted.named_worker = alice
    restricted.save()
    check, done = _hand_on_through_the_pages(app_for(bob), wigan, alice, colleague)
    moves = check.html.select_one("#hand-on-moves").get_text(" ", strip=True)
    assert (
        "1 open actions they are responsible for, including 1 on records restricted from you"
        in (moves)
    )
    assert "1 people they are named worker for, including 1 on records restricted from you" in moves
    told = check.html.select_one("#hand-on-restricted").get_text(" ", strip=True)
    assert (
        f"Margaret Hughes’s record is restricted and stays so. {colleague.full_name} will need"
        " to give a reason to open it, or someone named on it can add them on its restriction"
        " page." in told
    )
    result = done.html.main.get_text(" ", strip=True)
    assert "Alice Worker’s work is handed on" in result
    assert f"{colleague.full_name} will need to give a reason to open it" in result
    restricted.refresh_from_db()
    # The work moved, the restriction did not.
    assert restricted.named_worker == colleague
    assert records["action"].__class__.objects.get(pk=records["action"].pk).responsible == colleague
    assert list(restricted.restricted_to.all()) == [alice]
    assert not BreakGlass.objects.exists()
    page = app_for(colleague).get(f"/people/{restricted.pk}/", status=403)
    assert "This record is restricted" in page.text
    logged = AuditEvent.objects.get(
        object_type="people.person", object_id=str(restricted.pk), detail__contains="handed on"
    )
    assert "not named on the restriction" in logged.detail


def test_a_manager_named_on_it_hands_it_on_and_the_colleague_is_named(
    app_for, alice, bob, erin, wigan, restricted, records
):
    restricted.named_worker = alice
    restricted.save()
    restricted.restricted_to.add(bob)
    check, done = _hand_on_through_the_pages(app_for(bob), wigan, alice, erin)
    moves = check.html.select_one("#hand-on-moves").get_text(" ", strip=True)
    assert "restricted from you" not in moves
    told = check.html.select_one("#hand-on-restricted").get_text(" ", strip=True)
    assert "Erin Colleague will be named on its restriction, as you may open it" in told
    assert "Erin Colleague is now named on its restriction" in done.text
    restricted.refresh_from_db()
    assert restricted.named_worker == erin
    assert set(restricted.restricted_to.all()) == {alice, bob, erin}
    assert app_for(erin).get(f"/people/{restricted.pk}/").status_code == 200
    logged = AuditEvent.objects.get(
        user=bob,
        object_type="people.person",
        object_id=str(restricted.pk),
        detail__contains="handed on",
    )
    assert "now named on the restriction by Bob Manager (named on the restriction)" in (
        logged.detail
    )
    assert f"named staff added: user {erin.pk}" in logged.detail


def test_a_manager_who_gave_a_reason_may_name_the_colleague_as_on_the_restriction_page(
    alice, bob, erin, wigan, restricted
):
    """A manager holding a break-glass opening may change who is named on the
    restriction page, so handing on may name the colleague too, and the log
    says which opening allowed it."""
    restricted.named_worker = alice
    restricted.save()
    opening = services.break_glass_open(actor=Actor(user=bob), person=restricted, reason=REASON)
    _step, _made, notes = hand_on(
        actor=Actor(user=bob), team=wigan, worker=alice, colleagues=[erin], key=uuid.uuid4()
    )
    assert [(n.person_name, n.named) for n in notes] == [("Margaret Hughes", True)]
    assert set(restricted.restricted_to.all()) == {alice, erin}
    logged = AuditEvent.objects.get(
        user=bob,
        object_type="people.person",
        object_id=str(restricted.pk),
        detail__contains="handed on",
    )
    assert f"(opened giving a reason (break-glass {opening.pk}))" in logged.detail


def test_a_colleague_named_already_is_not_warned_about(
    app_for, alice, bob, erin, wigan, restricted
):
    restricted.named_worker = alice
    restricted.save()
    restricted.restricted_to.add(erin)
    check, _done = _hand_on_through_the_pages(app_for(bob), wigan, alice, erin)
    assert check.html.select_one("#hand-on-restricted") is None
    assert "including 1 on records restricted from you" in check.text


@pytest.mark.parametrize(
    "route",
    [
        "/people/{p}/people-in-their-life/{connection}/archive/",
        "/conversations/{conversation}/comment/",
        "/risks/{decision}/note/",
    ],
)
def test_a_form_sent_to_a_restricted_record_changes_nothing(
    route, client, erin, restricted, records
):
    client.force_login(erin)
    response = client.post(_url(route, restricted, records), {"text": "A note", "note": "A note"})
    assert response.status_code == 403
    assert "This record is restricted" in response.content.decode()
    # Once the reason is given, to the profile: the address sent to takes
    # only a form.
    assert f'name="next" value="/people/{restricted.pk}/"' in response.content.decode()
    records["connection"].refresh_from_db()
    assert records["connection"].archived_at is None
    assert not AuditEvent.objects.filter(user=erin, action="change").exists()


@pytest.mark.parametrize(
    ("reason", "error"),
    [
        ("x" * 1001, "Your reason must be 1000 characters or fewer"),
        ("A reason with a \x00 in it", None),
        ("          ", "Enter why you need to open this record"),
        # Seen: a row of dots opened the record for 8 hours.
        (
            "." * 25,
            "Say more about why you need to open this record, in at least 10 characters",
        ),
    ],
)
def test_hostile_reasons_are_refused_with_the_page_again(app_for, erin, restricted, reason, error):
    form = app_for(erin).get(f"/people/{restricted.pk}/", status=403).forms["break-glass-form"]
    form["reason"] = reason
    page = form.submit()
    assert page.status_code == 200
    assert "There is a problem" in page.text
    if error:
        assert error_messages(page) == [error]
    assert not BreakGlass.objects.exists()


def test_a_reason_is_shown_as_text_in_the_list(app_for, bob, erin, restricted):
    reason = '<script>alert("x")</script> she rang about her rent'
    form = app_for(erin).get(f"/people/{restricted.pk}/", status=403).forms["break-glass-form"]
    form["reason"] = reason
    form.submit().follow()
    page = app_for(bob).get(f"/team/{restricted.team_id}/break-glass/")
    assert not page.html.select("main script")
    assert reason in page.html.select_one("tbody").get_text()


def test_the_reason_page_sends_nobody_to_another_site(app_for, erin, alice, restricted):
    form = app_for(erin).get(f"/people/{restricted.pk}/", status=403).forms["break-glass-form"]
    form["reason"] = REASON
    form["next"] = "https://example.com/people/"
    assert form.submit().location.endswith(f"/people/{restricted.pk}/")
    # Someone who may open it already is sent on, and nothing is kept.
    app = app_for(alice)
    page = app.get(f"/people/{restricted.pk}/open/")
    assert page.status_code == 302
    assert BreakGlass.objects.filter(user=alice).count() == 0


def test_my_work_marks_a_restricted_person_and_shows_nothing_of_a_closed_one(
    app_for, alice, erin, restricted
):
    Person.objects.filter(pk=restricted.pk).update(named_worker=erin, postcode="WN1 1AA")
    mine = app_for(erin).get("/").html.find(string="People you are the named worker for")
    people = mine.find_next("ul").get_text(" ", strip=True)
    assert "Margaret Hughes" in people and "Restricted" in people
    assert "WN1 1AA" not in people


def test_my_work_leaves_out_a_managers_comment_on_a_record_closed_to_them(
    app_for, alice, bob, erin, person
):
    """Erin recorded a conversation before the record was restricted to
    Alice: a comment on it stays off Erin's My work, as the rest of it does
    (she could not open it to mark the comment seen)."""
    from conversations.models import ConversationComment
    from deal.audit import Actor
    from people import services

    conversation = ConversationFactory(person=person, recorded_by=erin)
    ConversationComment.objects.create(
        conversation=conversation, by=bob, text="Nicely done", submission_key=uuid.uuid4()
    )
    link = f"/conversations/{conversation.pk}/#comments"
    assert link in app_for(erin).get("/").text
    services.person_restrict(actor=Actor(user=bob), person=person, named=[alice], reason="Kin")
    page = app_for(erin).get("/")
    assert link not in page.text
    assert "New comments from your manager" not in page.text


def test_reminder_emails_leave_out_a_restricted_persons_name(alice, erin, restricted, records):
    from conversations.reminders import action_reminders

    action = records["action"]
    action.responsible = erin
    action.due = timezone.localdate()
    action.save()
    (reminder,) = [r for r in action_reminders(timezone.localdate()) if r.user == erin]
    assert "someone whose record is restricted" in reminder.body
    assert "Margaret" not in reminder.body and "Peggy" not in reminder.body


def test_a_filter_that_is_not_valid_is_named_and_the_list_still_shown(app_for, openings):
    openings(2)
    ig = UserFactory(email="ig@example.org", role=Role.IG)
    page = app_for(ig).get(
        "/governance/break-glass/",
        {
            "start_0": "2",
            "start_1": "4",
            "start_2": "2026",
            "end_0": "1",
            "end_1": "4",
            "end_2": "2026",
            "team": "nonsense",
            "page": "x",
        },
    )
    assert error_messages(page) == [
        "Select a team from the list",
        "The date to must be the same as or after the date from",
    ]
    assert_error_summary_links_resolve(page)
    # The valid filter (from 2 April 2026) still applies; the others are left out.
    assert len(page.html.select("tbody tr")) == 2


def test_adding_someone_who_may_be_a_restricted_person_names_them_and_nothing_more(
    app_for, alice, erin, restricted
):
    from tests.people.test_add import fill

    restricted.date_of_birth = dt.date(1951, 3, 27)
    restricted.nhs_number = "9434765919"
    restricted.postcode = "WN5 9XX"
    restricted.save()
    app = app_for(erin)
    page = fill(app.get("/people/new/").follow().forms["person-form"]).submit()
    assert "This person may already be recorded" in page.text
    warning = page.html.select_one("#likely-duplicates").get_text(" ", strip=True)
    # That she is recorded, so nobody adds her twice; none of her details.
    assert "Margaret Hughes" in warning and "Restricted" in warning
    for detail in ("1951", "27 March", "943 476 5919", "9434765919", "WN5 9XX"):
        assert detail not in warning
    assert "WN5 9XX" not in page.text
    # The way in is giving a reason.
    link = page.html.select_one("#likely-duplicates a")
    opened = app.get(link["href"], status=403)
    assert "This record is restricted" in opened.text
    assert "break-glass-form" in opened.forms
    # Or she is someone else after all: the box on the page adds them.
    form = page.forms["person-form"]
    form["not_a_duplicate"].checked = True
    assert "has been added" in form.submit().follow().text
    # Alice, named on the restriction, is shown the details as before.
    page = fill(app_for(alice).get("/people/new/").follow().forms["person-form"]).submit()
    warning = page.html.select_one("#likely-duplicates").get_text(" ", strip=True)
    assert "born 27 March 1951" in warning and "943 476 5919" in warning
    assert "Restricted" in warning


def test_a_manager_not_named_decides_a_transfer_seeing_only_that_it_is_restricted(
    app_for, bob, carol, leigh, restricted
):
    from tests.people.test_add import fill

    restricted.date_of_birth = dt.date(1951, 3, 27)
    restricted.nhs_number = "9434765919"
    restricted.save()
    asking = fill(app_for(carol).get("/people/new/").follow().forms["person-form"]).submit()
    asking.forms["person-form"].submit("ask_transfer")
    transfer = TransferRequest.objects.get()
    bobs = app_for(bob)
    listed = bobs.get("/people/transfers/")
    row = listed.html.select_one("tbody tr").get_text(" ", strip=True)
    assert "Margaret Hughes" in row and "Restricted" in row
    page = listed.click(description="Margaret Hughes")
    assert page.request.path == transfer.get_absolute_url()
    shown = page.html.select_one("#transfer-person").get_text(" ", strip=True)
    assert shown == "Margaret Hughes Restricted"
    assert "1951" not in page.text and "943 476 5919" not in page.text
    told = page.html.select_one("#transfer-restricted").get_text(" ", strip=True)
    assert "Only Alice Worker can open it without giving a reason" in told
    # The way to the details is giving a reason.
    link = page.html.select_one("#transfer-restricted a")
    assert "This record is restricted" in bobs.get(link["href"], status=403).text
    # Bob is told that Carol, who asked, will not be named on it.
    warned = page.html.select_one("#transfer-not-named").get_text(" ", strip=True)
    assert (
        "If you transfer it, it stays restricted. As you may not open it, Carol Otherteam, who"
        " asked, will not be named on it: they will need to give a reason to open it" in warned
    )
    # Deciding needs no opening, and makes none.
    form = page.forms["transfer-form"]
    form["decision"] = "accept"
    done = form.submit().follow()
    assert "Carol Otherteam, who asked, is not named on it" in done.text
    transfer.refresh_from_db()
    assert transfer.status == "accepted"
    assert not BreakGlass.objects.exists()
    # Asking for a record is no way round its restriction: Carol, who asked,
    # is not named on it in Leigh, and gives a reason to open it.
    restricted.refresh_from_db()
    assert restricted.is_restricted and not restricted.restricted_to.exists()
    refused = app_for(carol).get(f"/people/{restricted.pk}/", status=403)
    assert "This record is restricted" in refused.text
    logged = AuditEvent.objects.get(object_type="people.person", detail__contains="Transferred")
    assert "not named on the restriction, as Bob Manager may not open the record" in logged.detail


def test_a_manager_named_on_it_sees_the_transfers_details(app_for, bob, carol, leigh, restricted):
    restricted.date_of_birth = dt.date(1951, 3, 27)
    restricted.save()
    TransferRequest.objects.create(
        person=restricted, from_team=restricted.team, to_team=leigh, requested_by=carol
    )
    restricted.restricted_to.add(bob)
    page = app_for(bob).get("/people/transfers/").click(description="Margaret Hughes")
    shown = page.html.select_one("#transfer-person").get_text(" ", strip=True)
    assert "born 27 March 1951" in shown and "Restricted" in shown
    assert page.html.select_one("#transfer-restricted") is None


def _found(app, typed: str) -> list[str]:
    page = app.get("/people/", {"q": typed})
    return [row.get_text(" ", strip=True) for row in page.html.select("tbody tr")]


def test_search_never_confirms_a_closed_records_nhs_number_birth_date_or_postcode(
    app_for, alice, erin, restricted
):
    restricted.nhs_number = "9434765919"
    restricted.date_of_birth = dt.date(1948, 3, 12)
    restricted.postcode = "WN1 1AA"
    restricted.save()
    app = app_for(erin)
    for typed in ("9434765919", "943 476 5919", "12/03/1948", "WN1 1AA", "wn11aa", "WN1"):
        assert _found(app, typed) == [], typed
    # Her name still finds her (name and "Restricted"), so nobody adds her
    # twice; a date typed with it counts for nothing, so the right one finds
    # her no more than a wrong one.
    for typed in ("Hughes", "Hughes 12/03/1948", "Hughes 1/1/1990"):
        (row,) = _found(app, typed)
        assert "Hughes, Margaret" in row and "Restricted" in row, typed
    # Alice, named on the restriction, finds her by any of them.
    for typed in ("9434765919", "12/03/1948", "WN1 1AA", "WN1", "Hughes 12/03/1948"):
        assert len(_found(app_for(alice), typed)) == 1, typed
    assert _found(app_for(alice), "Hughes 1/1/1990") == []


def test_search_by_nhs_number_finds_a_closed_record_once_opened(app_for, erin, restricted):
    restricted.nhs_number = "9434765919"
    restricted.save()
    app = app_for(erin)
    assert _found(app, "9434765919") == []
    BreakGlass.objects.create(
        person=restricted,
        team=restricted.team,
        user=erin,
        reason=REASON,
        until=timezone.now() + dt.timedelta(minutes=5),
    )
    assert len(_found(app, "9434765919")) == 1


def test_moving_a_restricted_record_to_another_of_ones_teams_says_who_is_named(
    alice, leigh, restricted
):
    from deal.models import Membership

    Membership.objects.create(user=alice, team=leigh, confirmed_at=timezone.now())
    services.person_update(
        actor=Actor(user=alice),
        person=restricted,
        fields={"team": leigh},
        last_saved=restricted.updated_at.isoformat(),
    )
    restricted.refresh_from_db()
    assert list(restricted.restricted_to.all()) == [alice]
    logged = AuditEvent.objects.get(object_type="people.person", detail__contains="Moved to team")
    assert f"user {alice.pk} named on the restriction (named on the restriction)" in logged.detail


def test_what_is_closed_is_read_once_a_request_and_again_after_a_reason(
    erin, restricted, records, django_assert_num_queries
):
    """The lists leave out closed records by the ids read once for the user
    (PersonQuerySet.closed_ids). Giving a reason in the same request is seen
    at once: the record's conversations are then in the lists."""
    from conversations.models import Conversation

    assert not Conversation.objects.visible_to(erin).filter(person=restricted).exists()
    with django_assert_num_queries(1):  # the list alone: what is closed is kept
        assert not list(Conversation.objects.visible_to(erin).filter(person=restricted))
    services.break_glass_open(actor=Actor(user=erin), person=restricted, reason=REASON)
    assert list(Conversation.objects.visible_to(erin).filter(person=restricted)) == [
        records["conversation"]
    ]


def test_a_restriction_set_in_a_request_is_seen_at_once_by_whoever_set_it(bob, alice, person):
    from conversations.models import AgreedAction

    AgreedActionFactory(conversation=ConversationFactory(person=person, recorded_by=alice))
    assert AgreedAction.objects.visible_to(bob).filter(person=person).exists()
    services.person_restrict(actor=Actor(user=bob), person=person, named=[alice], reason=REASON)
    assert not AgreedAction.objects.visible_to(bob).filter(person=person).exists()
