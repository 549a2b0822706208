"""One record per person across teams. The seen fault: a worker in another
team added a second record with the same NHS number without a warning. Now
adding a person looks across teams (showing only the other team's name), the
worker can ask that team for the record, and the holding team's manager
accepts (the record, its conversations and actions move, audited) or declines."""

import datetime as dt

import pytest

from conversations.models import Owner
from deal.models import AuditEvent, Role
from people.models import Person, TransferRequest, TransferStatus
from tests.factories import (
    AgreedActionFactory,
    PersonFactory,
    RiskDecisionFactory,
    TeamFactory,
    UserFactory,
)
from tests.pages import assert_error_summary_links_resolve, error_messages
from tests.people.test_add import fill

ADD = "/people/new/"
TRANSFERS = "/people/transfers/"
KNOWN = (
    "This person may already be known to another team (Wigan Central). Ask them to "
    "transfer the record to you, or add a new one."
)


@pytest.fixture
def peggy(alice, wigan):
    """Known to Wigan Central: the same NHS number and birthday as PEGGY."""
    return PersonFactory(
        given_name="Margaret",
        family_name="Hughes",
        preferred_name="Peggy",
        date_of_birth=dt.date(1951, 3, 27),
        nhs_number="9434765919",
        postcode="WN5 9XX",
        team=wigan,
        created_by=alice,
        named_worker=alice,
    )


@pytest.fixture
def carol_app(app_for, carol):
    return app_for(carol)


def add_form(app):
    return app.get(ADD).follow().forms["person-form"]


# The check across teams ---------------------------------------------------------------


def test_the_same_nhs_number_in_another_team_is_named_by_team_only(carol_app, peggy):
    page = fill(
        add_form(carol_app), given_name="Peg", preferred_name="", date_of_birth_2="1950"
    ).submit()
    assert page.status_code == 200
    assert KNOWN in error_messages(page)
    assert_error_summary_links_resolve(page)
    text = page.text
    # Nothing of Wigan's record: not its name as they hold it, its birthday,
    # postcode, address or a link to it.
    assert "Peggy" not in text and "Margaret" not in text
    assert "WN5 9XX" not in text and "27 March 1951" not in text
    assert f"/people/{peggy.pk}/" not in text
    assert Person.objects.count() == 1


def test_the_same_name_and_date_of_birth_in_another_team_is_found(carol_app, peggy):
    page = fill(add_form(carol_app), nhs_number="", given_name="margaret", family_name="HUGHES")
    page = page.submit()
    assert KNOWN in error_messages(page)


def test_another_name_and_number_is_not_a_match(carol_app, peggy):
    page = fill(add_form(carol_app), nhs_number="", given_name="Joan").submit()
    assert page.status_code == 302
    assert Person.objects.count() == 2


def test_adding_a_new_record_anyway(carol_app, carol, peggy, leigh):
    page = fill(add_form(carol_app)).submit()
    form = page.forms["person-form"]
    form["add_anyway"] = True
    assert form.submit().status_code == 302
    assert Person.objects.filter(team=leigh).count() == 1


def test_pressing_enter_in_the_add_form_adds_never_asks_for_a_transfer(carol_app, peggy):
    page = fill(add_form(carol_app)).submit()
    first_button = page.html.select_one("#person-form button[type=submit]")
    assert first_button.get("name") is None
    assert first_button.get_text(strip=True) == "Add this person"


# Asking for the record --------------------------------------------------------------------


def ask(carol_app):
    page = fill(add_form(carol_app)).submit()
    return page.forms["person-form"].submit("ask_transfer")


def test_asking_the_holding_team_to_transfer_the_record(carol_app, carol, peggy, wigan, leigh):
    done = ask(carol_app)
    assert done.status_code == 302
    listed = done.follow()
    assert "Wigan Central has been asked to transfer the record to Leigh" in listed.text
    transfer = TransferRequest.objects.get()
    assert (transfer.person, transfer.from_team, transfer.to_team) == (peggy, wigan, leigh)
    assert transfer.requested_by == carol
    assert transfer.status == TransferStatus.WAITING
    # The one asking still sees nothing of the record: the team, and waiting.
    row = listed.html.select_one("table tbody tr").get_text(" ", strip=True)
    assert "Wigan Central" in row and "Waiting" in row
    assert "Hughes" not in listed.text and "Margaret" not in listed.text
    assert AuditEvent.objects.filter(
        object_type="people.transferrequest", object_id=str(transfer.pk), action="create"
    ).exists()
    assert Person.objects.count() == 1


def test_asking_twice_makes_one_request(carol_app, peggy):
    ask(carol_app)
    ask(carol_app)
    assert TransferRequest.objects.count() == 1


def test_the_requester_cannot_open_the_request_or_the_record(carol_app, peggy):
    ask(carol_app)
    transfer = TransferRequest.objects.get()
    carol_app.get(transfer.get_absolute_url(), status=404)
    carol_app.get(peggy.get_absolute_url(), status=404)


# Deciding ------------------------------------------------------------------------------------


@pytest.fixture
def asked(carol_app, peggy):
    ask(carol_app)
    return TransferRequest.objects.get()


@pytest.fixture
def bob_app(app_for, bob):
    return app_for(bob)


def test_the_holding_teams_manager_is_told_on_my_work(bob_app, asked):
    home = bob_app.get("/")
    assert "Another team is waiting for a record your team holds" in home.text
    page = home.click(description="Decide the transfer request")
    assert "Margaret Hughes" in page.text and "Leigh" in page.text


def test_accepting_moves_the_record_its_conversations_and_actions(
    bob_app, app_for, alice, carol, asked, peggy, leigh
):
    action = AgreedActionFactory(
        conversation__person=peggy, conversation__recorded_by=alice, responsible=alice
    )
    form = bob_app.get(asked.get_absolute_url()).forms["transfer-form"]
    form["decision"] = "accept"
    done = form.submit().follow()
    assert "Margaret Hughes’s record has been transferred to Leigh" in done.text
    peggy.refresh_from_db()
    assert peggy.team == leigh
    # Alice has no place in Leigh: whoever asked takes over as named worker.
    assert peggy.named_worker == carol
    action.refresh_from_db()
    assert action.team == leigh
    assert action.responsible == carol
    asked.refresh_from_db()
    assert asked.status == TransferStatus.ACCEPTED
    # Audited on both sides: the record and the request.
    assert AuditEvent.objects.filter(
        object_type="people.person", object_id=str(peggy.pk), detail__startswith="Transferred"
    ).exists()
    assert AuditEvent.objects.filter(
        object_type="people.transferrequest", detail__startswith="Accepted"
    ).exists()
    # The asking team has it now, with its conversation; the holding team not.
    carols = app_for(carol)
    assert carols.get(peggy.get_absolute_url()).status_code == 200
    assert carols.get(action.conversation.get_absolute_url()).status_code == 200
    assert "Peggy Hughes" in carols.get("/actions/").text
    app_for(alice).get(peggy.get_absolute_url(), status=404)


def test_a_decision_moved_by_a_transfer_says_so_in_its_trail(
    bob_app, app_for, alice, bob, carol, asked, peggy
):
    decision = RiskDecisionFactory(person=peggy, proposed_by=alice)
    form = bob_app.get(asked.get_absolute_url()).forms["transfer-form"]
    form["decision"] = "accept"
    form.submit().follow()
    trail = app_for(carol).get(decision.get_absolute_url())
    steps = [" ".join(s.get_text(" ").split()) for s in trail.html.select(".moj-timeline__item")]
    moved = [step for step in steps if step.startswith("Moved to another team")]
    assert len(moved) == 1
    assert "From Wigan Central to Leigh, with the person’s record" in moved[0]
    assert "Bob Manager" in moved[0]


def test_each_open_action_moved_by_a_transfer_has_a_step_in_its_trail(
    bob_app, app_for, alice, carol, asked, peggy
):
    action = AgreedActionFactory(
        conversation__person=peggy, conversation__recorded_by=alice, responsible=alice
    )
    closed = AgreedActionFactory(conversation=action.conversation, responsible=alice, status="done")
    form = bob_app.get(asked.get_absolute_url()).forms["transfer-form"]
    form["decision"] = "accept"
    form.submit().follow()
    # As handing on does: the action's page says it moved, from where, and
    # from whom to whom, by the manager who accepted.
    page = app_for(carol).get(f"/actions/{action.pk}/")
    trail = page.html.select_one(".moj-timeline").get_text(" ", strip=True)
    assert "Moved to another team with the person’s record" in trail
    assert "by Bob Manager" in trail
    assert "From Wigan Central to Leigh" in trail
    assert "from Alice Worker to Carol Otherteam, who asked for the record" in trail
    # A closed action keeps its trail as it was.
    assert not closed.follow_ups.exists()
    assert AuditEvent.objects.filter(
        object_type="conversations.agreedaction",
        object_id=str(action.pk),
        detail__startswith="Handed on from Alice Worker to Carol Otherteam",
    ).exists()


def test_declining_needs_why_and_tells_the_asker(bob_app, app_for, carol, asked, peggy, wigan):
    form = bob_app.get(asked.get_absolute_url()).forms["transfer-form"]
    form["decision"] = "decline"
    page = form.submit()
    assert error_messages(page) == ["Enter why the record stays with your team"]
    form = page.forms["transfer-form"]
    form["reason"] = "We are still working with her"
    form.submit().follow()
    asked.refresh_from_db()
    peggy.refresh_from_db()
    assert asked.status == TransferStatus.DECLINED
    assert peggy.team == wigan
    assert "Declined: We are still working with her" in app_for(carol).get(TRANSFERS).text


def test_deciding_twice_by_back_and_resend_decides_once(bob_app, asked):
    form = bob_app.get(asked.get_absolute_url()).forms["transfer-form"]
    form["decision"] = "accept"
    form.submit()
    again = form.submit()
    assert again.status_code == 302
    assert "already been decided" in again.follow().text
    assert AuditEvent.objects.filter(detail__startswith="Accepted").count() == 1


def test_only_the_holding_teams_manager_may_decide(app_for, client, alice, carol, dave, asked):
    url = asked.get_absolute_url()
    other_manager = UserFactory(role=Role.MANAGER, teams=[TeamFactory(name="Hindley")])
    leigh_manager = UserFactory(role=Role.MANAGER, teams=[asked.to_team])
    for user in (alice, carol, other_manager, leigh_manager):
        app_for(user).get(url, status=404)
        app_for(user).post(url, {"decision": "accept"}, status="*")
    app_for(dave).get(url, status=403)
    assert client.get(url).status_code == 302
    asked.refresh_from_db()
    assert asked.status == TransferStatus.WAITING
    assert (
        AuditEvent.objects.filter(object_type="people.transferrequest", action="denied").count()
        >= 4
    )


def test_a_worker_of_the_holding_team_sees_no_requests_to_decide(app_for, alice, asked):
    page = app_for(alice).get(TRANSFERS)
    assert "Waiting for you to decide" not in page.text
    assert "Margaret Hughes" not in page.text


@pytest.mark.parametrize("rows", [5, 50])
def test_transfers_page_queries_are_the_same_at_5_and_50_rows(
    client, bob, wigan, leigh, carol, rows, django_assert_max_num_queries
):
    for _ in range(rows):
        TransferRequest.objects.create(
            person=PersonFactory(team=wigan, created_by=bob),
            from_team=wigan,
            to_team=leigh,
            requested_by=carol,
        )
    client.force_login(bob)
    with django_assert_max_num_queries(10):
        page = client.get(TRANSFERS)
    assert page.content.decode().count(": decide</span>") == min(rows, 25)
    client.force_login(carol)
    with django_assert_max_num_queries(9):
        assert client.get(TRANSFERS).status_code == 200


def test_transfers_page_is_paged(client, bob, wigan, leigh, carol):
    for _ in range(30):
        TransferRequest.objects.create(
            person=PersonFactory(team=wigan, created_by=bob),
            from_team=wigan,
            to_team=leigh,
            requested_by=carol,
        )
    client.force_login(bob)
    assert client.get(TRANSFERS + "?page=2").content.decode().count(": decide</span>") == 5


def test_admin_has_no_transfers_page(client, dave):
    client.force_login(dave)
    assert client.get(TRANSFERS).status_code == 403


def test_a_transferred_action_done_by_old_team_staff_goes_to_whoever_asked(
    bob_app, app_for, alice, carol, asked, peggy
):
    """Seen: after a transfer an action still said "Who will do it: Priya",
    a colleague in the old team, who could no longer open it, and it was in
    no list of the new team's staff."""
    action = AgreedActionFactory(
        conversation__person=peggy,
        conversation__recorded_by=alice,
        owner_type=Owner.STAFF,
        owner_user=alice,
        responsible=alice,
    )
    form = bob_app.get(asked.get_absolute_url()).forms["transfer-form"]
    form["decision"] = "accept"
    form.submit().follow()
    action.refresh_from_db()
    assert action.owner_user == carol
    page = app_for(carol).get(f"/actions/{action.pk}/")
    assert "Carol Otherteam" in page.html.select_one("main").get_text(" ", strip=True)
    trail = page.html.select_one(".moj-timeline").get_text(" ", strip=True)
    assert "to be done by Carol Otherteam instead of Alice Worker" in trail


def test_a_record_with_no_named_worker_gets_whoever_asked_for_it(bob_app, carol, asked, peggy):
    """The README says whoever asked becomes the named worker; with no named
    worker before, the record was left with none."""
    peggy.named_worker = None
    peggy.save(update_fields=["named_worker"])
    form = bob_app.get(asked.get_absolute_url()).forms["transfer-form"]
    form["decision"] = "accept"
    form.submit().follow()
    peggy.refresh_from_db()
    assert peggy.named_worker == carol
