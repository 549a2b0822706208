"""manage.py send_reminders: who gets which email, what it holds (and does
not), and that a second run in a day sends nothing again."""

import datetime as dt
from unittest import mock

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conversations.models import ActionStatus, ReminderSent
from tests.factories import AgreedActionFactory, ConversationFactory, PersonFactory


def days(n):
    return timezone.localdate() + dt.timedelta(days=n)


@pytest.fixture(autouse=True)
def _service_url(settings):
    settings.SERVICE_URL = "https://deal.example.gov.uk"


@pytest.fixture
def actions(alice, bob, carol, person, conversation, leigh):
    overdue = AgreedActionFactory(
        conversation=conversation, due=days(-2), what="Refer to the debt advice service"
    )
    soon = AgreedActionFactory(conversation=conversation, due=days(3))
    AgreedActionFactory(conversation=conversation, due=days(4))  # not yet
    AgreedActionFactory(conversation=conversation, due=days(-5), status=ActionStatus.DONE)
    leigh_person = PersonFactory(team=leigh, created_by=carol, given_name="Stan")
    carols = AgreedActionFactory(
        conversation=ConversationFactory(person=leigh_person, recorded_by=carol), due=days(0)
    )
    return {"overdue": overdue, "soon": soon, "carols": carols}


def run():
    out = mock.MagicMock()
    call_command("send_reminders", stdout=out)
    return "".join(call.args[0] for call in out.write.call_args_list)


def emails_to(address):
    return [m for m in mail.outbox if m.to == [address]]


def test_each_responsible_worker_gets_their_overdue_and_due_soon_actions(actions, person):
    run()
    (email,) = emails_to("alice@example.org")
    assert email.subject == "Your actions: 1 overdue and 1 due soon"
    body = email.body
    assert body.startswith("Hello Alice,")
    assert f"https://deal.example.gov.uk/actions/{actions['overdue'].pk}/" in body
    assert f"https://deal.example.gov.uk/actions/{actions['soon'].pk}/" in body
    assert body.count("/actions/") == 3  # the two, and the list of all
    assert "Peggy" in body  # the preferred first name, to recognise it
    # Nothing more of the person than that, nor what the action is.
    assert "Hughes" not in body
    assert "Margaret" not in body
    assert "debt" not in body
    (carols,) = emails_to("carol@example.org")
    assert carols.subject == "Your actions: 1 due soon"
    assert f"/actions/{actions['carols'].pk}/" in carols.body
    assert "Peggy" not in carols.body


def test_each_manager_gets_a_summary_of_their_team(actions, bob):
    run()
    (email,) = emails_to("bob@example.org")
    assert email.subject == "Your team's actions today"
    assert "Wigan Central:\n- 3 open actions\n- 1 overdue\n- 1 due in the next 3 days\n" in (
        email.body
    )
    assert "https://deal.example.gov.uk/actions/?owner=anyone&due=overdue" in email.body
    assert "Leigh" not in email.body


def test_running_twice_in_a_day_sends_nothing_twice(actions, bob):
    assert run() == "Sent 3 reminders; 0 already sent today.\n"
    assert len(mail.outbox) == 3
    assert run() == "Sent 0 reminders; 3 already sent today.\n"
    assert len(mail.outbox) == 3
    assert ReminderSent.objects.count() == 3


def test_tomorrow_they_are_sent_again(actions, bob):
    run()
    ReminderSent.objects.update(day=days(-1))
    run()
    assert len(mail.outbox) == 6


def test_an_email_that_cannot_be_sent_is_tried_again_next_time(actions, bob):
    failing = mock.patch("conversations.reminders.send_mail", side_effect=OSError("no mail"))
    with failing, pytest.raises(OSError):
        run()
    assert ReminderSent.objects.count() == 0
    run()
    assert len(mail.outbox) == 3


def test_leavers_get_nothing_and_their_managers_are_told(actions, alice, bob):
    alice.is_active = False
    alice.save()
    run()
    assert emails_to("alice@example.org") == []
    (email,) = emails_to("bob@example.org")
    assert "- 3 with staff who have left: hand them on to a colleague" in email.body


def test_nothing_to_remind_sends_nothing(alice, bob, make_action):
    make_action(due=days(10))
    assert run() == "Sent 0 reminders; 0 already sent today.\n"
    assert mail.outbox == []


def test_needs_the_service_address_for_its_links(settings, actions):
    settings.SERVICE_URL = ""
    with pytest.raises(CommandError, match="SERVICE_URL"):
        run()
    assert mail.outbox == []


@pytest.mark.parametrize("rows", [5, 50])
def test_queries_do_not_grow_with_actions(conversation, alice, bob, rows):
    for n in range(rows):
        AgreedActionFactory(conversation=conversation, due=days(n % 5 - 2))
    with CaptureQueriesContext(connection) as queries:
        run()
    # Alice's actions, the managers, the teams' figures, their names; for
    # each of the two emails a claim (savepoint, look, savepoint, insert,
    # release, release).
    assert len(queries) == 4 + 2 * 6, [q["sql"][:80] for q in queries]
