"""Handing on a leaver's or absent worker's work in one step: through the
page as rendered, checked first, moved once, kept in the trail and the log."""

import pytest
from pytest_django.asserts import assertContains

from conversations.models import AgreedAction, FollowUp, FollowUpKind, Owner
from deal.audit import Actor
from deal.hand_on import hand_on
from deal.models import AuditEvent, HandOn, Role
from people.models import Person, PersonStatus
from tests.factories import AgreedActionFactory, ConversationFactory, PersonFactory, UserFactory
from tests.team.conftest import days


@pytest.fixture
def alices_work(alice, wigan, leigh, carol):
    """Alice is named worker for three open people and one closed one, and
    answers for two open actions with each open person, one closed one, and
    one in another team she is also in."""
    people = []
    for name in ("Ann", "Ben", "Cat"):
        person = PersonFactory(given_name=name, team=wigan, created_by=alice, named_worker=alice)
        conversation = ConversationFactory(person=person, recorded_by=alice)
        AgreedActionFactory(conversation=conversation, due=days(1))
        AgreedActionFactory(conversation=conversation, due=days(-2), owner_type=Owner.PERSON)
        people.append(person)
    PersonFactory(
        given_name="Dot",
        team=wigan,
        created_by=alice,
        named_worker=alice,
        status=PersonStatus.CLOSED,
    )
    AgreedActionFactory(conversation=people[0].conversations.first(), status="done")
    return people


def hand_on_page(app, team, worker=None):
    url = f"/team/{team.pk}/hand-on/" + (f"?worker={worker.pk}" if worker else "")
    return app.get(url)


def test_hand_on_through_the_rendered_forms(bob_app, bob, alice, erin, wigan, alices_work):
    page = hand_on_page(bob_app, wigan, alice)
    form = page.forms[1]
    assert form["worker"].value == str(alice.pk)
    form["colleagues"] = [str(erin.pk)]
    check = form.submit()
    assertContains(check, "Check before handing on Alice Worker’s work")
    assertContains(check, "6 open actions they are responsible for")
    assertContains(check, "3 people they are named worker for")
    assert AgreedAction.objects.open().filter(responsible=alice).count() == 6
    done = check.forms[1].submit("confirm").follow()
    assertContains(done, "Alice Worker’s work is handed on")
    assert AgreedAction.objects.open().filter(responsible=alice).count() == 0
    assert AgreedAction.objects.open().filter(responsible=erin).count() == 6
    # What Alice did herself Erin now does; what the person does stays theirs.
    assert AgreedAction.objects.open().filter(owner_user=erin).count() == 3
    assert AgreedAction.objects.filter(status="done", responsible=alice).count() == 1
    assert set(Person.objects.filter(named_worker=erin)) == set(alices_work)
    assert Person.objects.get(given_name="Dot").named_worker == alice
    trail = FollowUp.objects.filter(kind=FollowUpKind.REASSIGNED)
    assert trail.count() == 6
    assert all(step.by == bob for step in trail)
    assert "From Alice Worker to Erin Colleague" in trail.first().note
    log = AuditEvent.objects.filter(user=bob, detail__icontains="handed on")
    assert log.filter(object_type="conversations.agreedaction").count() == 6
    assert log.filter(object_type="people.person").count() == 3
    assert AuditEvent.objects.filter(object_type="deal.user", object_id=str(alice.pk)).exists()
    # Back, then confirm again: nothing moves twice.
    again = check.forms[1].submit("confirm").follow()
    assertContains(again, "already handed on")
    assert FollowUp.objects.filter(kind=FollowUpKind.REASSIGNED).count() == 6
    assert HandOn.objects.count() == 1


def test_with_two_colleagues_each_person_and_their_actions_go_together(
    bob, alice, erin, wigan, alices_work
):
    fay = UserFactory(full_name="Fay Colleague", teams=[wigan])
    import uuid

    hand_on(
        actor=Actor(user=bob), team=wigan, worker=alice, colleagues=[erin, fay], key=uuid.uuid4()
    )
    for person in alices_work:
        person.refresh_from_db()
        responsible = {a.responsible for a in person.actions.filter(status="open")}
        assert responsible == {person.named_worker}
    named = [p.named_worker for p in Person.objects.filter(pk__in=[p.pk for p in alices_work])]
    assert set(named) == {erin, fay}


def test_continue_moves_nothing_and_enter_does_not_move(bob_app, alice, erin, wigan, alices_work):
    form = hand_on_page(bob_app, wigan, alice).forms[1]
    form["colleagues"] = [str(erin.pk)]
    form.submit()
    assert AgreedAction.objects.open().filter(responsible=alice).count() == 6


def test_choices_are_checked(bob_app, alice, erin, wigan, alices_work):
    form = hand_on_page(bob_app, wigan).forms[1]
    page = form.submit()
    assertContains(page, "Choose whose work is to be handed on")
    assertContains(page, "Choose at least one colleague to take it on")
    form = hand_on_page(bob_app, wigan, alice).forms[1]
    form["colleagues"] = [str(alice.pk)]
    assertContains(form.submit(), "Choose colleagues other than Alice Worker")


def test_a_colleague_from_another_team_is_refused(bob, alice, carol, wigan, alices_work):
    import uuid

    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        hand_on(
            actor=Actor(user=bob), team=wigan, worker=alice, colleagues=[carol], key=uuid.uuid4()
        )
    assert AgreedAction.objects.open().filter(responsible=alice).count() == 6


@pytest.mark.parametrize("who", ["alice", "lee", "dave"])
def test_only_a_manager_of_the_team_hands_on(client, who, request, wigan, alice, erin, alices_work):
    client.force_login(request.getfixturevalue(who))
    url = f"/team/{wigan.pk}/hand-on/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"worker": alice.pk, "colleagues": [erin.pk]}).status_code == 404
    assert AgreedAction.objects.open().filter(responsible=alice).count() == 6


def test_a_missing_team_is_the_same_404(bob_client):
    assert bob_client.get("/team/999999/hand-on/").status_code == 404


def test_the_service_refuses_a_non_manager(alice, erin, wigan, alices_work):
    import uuid

    from django.core.exceptions import ValidationError

    erin.role = Role.FRONTLINE
    with pytest.raises(ValidationError):
        hand_on(
            actor=Actor(user=erin), team=wigan, worker=alice, colleagues=[erin], key=uuid.uuid4()
        )
