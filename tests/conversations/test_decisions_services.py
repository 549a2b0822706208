"""Positive-risk decisions, through their services: who may do what, the states
a decision goes through, the locked text, versions and submission keys."""

import datetime as dt
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from conversations import decision_services as decisions
from conversations.models import (
    DecisionOutcome,
    DecisionStatus,
    DecisionStep,
    DecisionStepKind,
    RiskDecision,
)
from conversations.services import ConflictError
from deal.audit import Actor
from deal.models import AuditEvent, Role
from people import services as people_services
from tests.factories import PersonFactory, RiskDecisionFactory, ThemeFactory, UserFactory


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def proposal(**changes) -> dict:
    fields = {
        "what": "Go to the match on her own by bus",
        "why_it_matters": "Football was her and her husband's thing.",
        "benefits": "Getting out, seeing old friends at the ground.",
        "what_could_go_wrong": "A fall in the crowd, or missing the last bus.",
        "risk_of_not_doing": "Sitting at home every Saturday, getting lonelier.",
        "what_will_help": "A phone with her son's number; the club's steward knows her.",
        "their_view": "I have been going since 1962. I am not stopping now.",
        "review_date": days(28),
    }
    fields.update(changes)
    return fields


@pytest.fixture
def carols_manager(leigh):
    return UserFactory(full_name="Leigh Manager", role=Role.MANAGER, teams=[leigh])


@pytest.fixture
def other_manager(wigan):
    return UserFactory(full_name="Sam Othermanager", role=Role.MANAGER, teams=[wigan])


@pytest.fixture
def decision(person, alice):
    return RiskDecisionFactory(person=person, proposed_by=alice)


def backed(decision, manager):
    decisions.decision_back(
        actor=Actor(manager), decision=decision, expected_version=decision.version
    )
    return decision


# --- Proposing ------------------------------------------------------------------


def test_a_worker_proposes_a_decision_with_a_person_of_their_team(alice, person):
    loneliness = ThemeFactory(name="Loneliness")
    decision, saved = decisions.decision_propose(
        actor=Actor(alice), person=person, fields=proposal(), themes=[loneliness]
    )
    assert saved
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.WAITING
    assert decision.team == person.team
    assert decision.proposed_by == alice
    assert list(decision.themes.all()) == [loneliness]
    assert [s.kind for s in decision.steps.all()] == [DecisionStepKind.PROPOSED]
    assert AuditEvent.objects.filter(
        action="create", object_type="conversations.riskdecision", object_id=str(decision.pk)
    ).exists()


def test_nobody_outside_the_team_proposes_one(carol, dave, person):
    for user in (carol, dave):
        with pytest.raises(PermissionDenied):
            decisions.decision_propose(actor=Actor(user), person=person, fields=proposal())
    assert not RiskDecision.objects.exists()


def test_the_review_date_must_be_ahead(alice, person):
    with pytest.raises(ValidationError) as error:
        decisions.decision_propose(
            actor=Actor(alice), person=person, fields=proposal(review_date=days(-1))
        )
    assert "review_date" in error.value.message_dict
    decisions.decision_propose(
        actor=Actor(alice), person=person, fields=proposal(review_date=days(0))
    )


def test_the_same_submission_sent_twice_saves_one_decision(alice, person):
    key = uuid.uuid4()
    first, saved = decisions.decision_propose(
        actor=Actor(alice), person=person, fields=proposal(), submission_key=key
    )
    again, saved_again = decisions.decision_propose(
        actor=Actor(alice), person=person, fields=proposal(what="Changed"), submission_key=key
    )
    assert saved and not saved_again
    assert again.pk == first.pk
    assert RiskDecision.objects.count() == 1
    assert DecisionStep.objects.count() == 1


# --- Backing, and who may --------------------------------------------------------


def test_a_manager_of_the_team_backs_it_and_its_text_is_locked(decision, bob):
    decisions.decision_back(
        actor=Actor(bob), decision=decision, expected_version=decision.version, comment="Go for it"
    )
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.BACKED
    assert decision.backed_by == bob
    assert decision.backed_at is not None
    assert decision.backing_comment == "Go for it"
    assert decision.is_locked
    assert [s.kind for s in decision.steps.all()] == [DecisionStepKind.BACKED]
    assert AuditEvent.objects.filter(action="change", user=bob, detail="Backed the decision")
    with pytest.raises(ValidationError):
        decisions.decision_revise(
            actor=Actor(decision.proposed_by),
            decision=decision,
            expected_version=decision.version,
            fields={"what": "Something else"},
        )
    decision.refresh_from_db()
    assert decision.what != "Something else"


def test_a_worker_cannot_back(decision, alice, wigan):
    colleague = UserFactory(role=Role.FRONTLINE, teams=[wigan])
    with pytest.raises(PermissionDenied):
        decisions.decision_back(
            actor=Actor(colleague), decision=decision, expected_version=decision.version
        )
    with pytest.raises(PermissionDenied):
        decisions.decision_talk_first(
            actor=Actor(colleague),
            decision=decision,
            expected_version=decision.version,
            comment="Hmm",
        )
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.WAITING
    assert not decision.may_be_backed_by(colleague)


def test_nobody_backs_their_own_proposal(bob, person):
    own = RiskDecisionFactory(person=person, proposed_by=bob)
    assert not own.may_be_backed_by(bob)
    with pytest.raises(PermissionDenied):
        decisions.decision_back(actor=Actor(bob), decision=own, expected_version=own.version)
    with pytest.raises(PermissionDenied):
        decisions.decision_talk_first(
            actor=Actor(bob), decision=own, expected_version=own.version, comment="Talk to me"
        )
    own.refresh_from_db()
    assert own.status == DecisionStatus.WAITING


def test_another_teams_manager_and_an_admin_cannot_back(decision, carols_manager, dave):
    for user in (carols_manager, dave):
        assert not decision.may_be_backed_by(user)
        with pytest.raises(PermissionDenied):
            decisions.decision_back(
                actor=Actor(user), decision=decision, expected_version=decision.version
            )
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.WAITING


def test_a_decision_is_backed_once(decision, bob, other_manager):
    backed(decision, bob)
    with pytest.raises(ValidationError):
        decisions.decision_back(
            actor=Actor(other_manager), decision=decision, expected_version=decision.version
        )
    decision.refresh_from_db()
    assert decision.backed_by == bob


def test_backing_from_an_older_version_is_refused(decision, bob, alice):
    seen = decision.version
    decisions.decision_add_note(
        actor=Actor(alice), decision=decision, expected_version=seen, note="Her son agrees"
    )
    with pytest.raises(ConflictError):
        decisions.decision_back(actor=Actor(bob), decision=decision, expected_version=seen)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.WAITING


def test_a_change_that_does_not_say_which_version_it_was_made_from_is_refused(decision, bob, alice):
    """As for conversations and actions: it cannot be shown not to overwrite
    a later change."""
    with pytest.raises(ConflictError):
        decisions.decision_back(actor=Actor(bob), decision=decision, expected_version=None)
    with pytest.raises(ConflictError):
        decisions.decision_revise(
            actor=Actor(alice), decision=decision, expected_version=None, fields={}, note="Also"
        )
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.WAITING
    assert not decision.steps.exists()


def test_a_change_claims_the_next_version_and_marks_when(decision, bob):
    before = (decision.version, decision.updated_at)
    decisions.decision_back(actor=Actor(bob), decision=decision, expected_version=before[0])
    decision.refresh_from_db()
    assert decision.version == before[0] + 1
    assert decision.updated_at > before[1]


# --- Talk first, revise, send again -------------------------------------------------


def test_talk_first_needs_a_comment(decision, bob):
    with pytest.raises(ValidationError) as error:
        decisions.decision_talk_first(
            actor=Actor(bob), decision=decision, expected_version=decision.version, comment="  "
        )
    assert "comment" in error.value.message_dict
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.WAITING


def test_talk_first_then_the_worker_revises_and_it_waits_again(decision, alice, bob):
    decisions.decision_talk_first(
        actor=Actor(bob),
        decision=decision,
        expected_version=decision.version,
        comment="What does her son think?",
    )
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.TALK_FIRST
    assert not decision.may_be_backed_by(bob)
    with pytest.raises(ValidationError):
        backed(decision, bob)

    changed = decisions.decision_revise(
        actor=Actor(alice),
        decision=decision,
        expected_version=decision.version,
        fields={"what_will_help": "Her son goes with her the first time."},
        note="Talked it through with Bob and her son",
    )
    assert changed == ["what_will_help"]
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.WAITING
    assert decision.what_will_help == "Her son goes with her the first time."
    assert [s.kind for s in decision.steps.all()] == [
        DecisionStepKind.TALK_FIRST,
        DecisionStepKind.REVISED,
    ]
    backed(decision, bob)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.BACKED


def test_only_who_proposed_it_revises_it(decision, bob, wigan):
    colleague = UserFactory(role=Role.FRONTLINE, teams=[wigan])
    for user in (colleague, bob):
        with pytest.raises(PermissionDenied):
            decisions.decision_revise(
                actor=Actor(user),
                decision=decision,
                expected_version=decision.version,
                fields={"what": "Not theirs to change"},
            )
    decision.refresh_from_db()
    assert decision.what != "Not theirs to change"


# --- The outcome ------------------------------------------------------------------


def test_the_outcome_waits_for_the_review_date(decision, alice, bob):
    backed(decision, bob)
    with pytest.raises(ValidationError):
        decisions.decision_record_outcome(
            actor=Actor(alice),
            decision=decision,
            expected_version=decision.version,
            outcome=DecisionOutcome.WENT_WELL,
            learning="Early days",
        )
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.BACKED


def test_the_worker_records_the_outcome_at_the_review_date(person, alice, bob):
    decision = RiskDecisionFactory(person=person, proposed_by=alice, review_date=days(0))
    backed(decision, bob)
    assert decision.is_due_for_review()
    assert not decision.is_review_overdue()
    decisions.decision_record_outcome(
        actor=Actor(alice),
        decision=decision,
        expected_version=decision.version,
        outcome=DecisionOutcome.PARTLY,
        learning="The bus was fine; the crowd was too much. Next time, a seat in the stand.",
    )
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.OUTCOME_RECORDED
    assert decision.outcome == DecisionOutcome.PARTLY
    assert decision.outcome_recorded_by == alice
    assert decision.learning.startswith("The bus was fine")
    assert [s.kind for s in decision.steps.all()][-1] == DecisionStepKind.OUTCOME
    with pytest.raises(ValidationError):
        decisions.decision_record_outcome(
            actor=Actor(alice),
            decision=decision,
            expected_version=decision.version,
            outcome=DecisionOutcome.WENT_WELL,
            learning="Twice",
        )


def test_the_outcome_needs_how_it_went_and_what_was_learned(person, alice, bob):
    decision = RiskDecisionFactory(person=person, proposed_by=alice, review_date=days(0))
    backed(decision, bob)
    with pytest.raises(ValidationError) as error:
        decisions.decision_record_outcome(
            actor=Actor(alice),
            decision=decision,
            expected_version=decision.version,
            outcome="brilliant",
            learning=" ",
        )
    assert set(error.value.message_dict) == {"outcome", "learning"}


def test_an_outcome_is_not_recorded_before_backing(person, alice):
    decision = RiskDecisionFactory(person=person, proposed_by=alice, review_date=days(0))
    with pytest.raises(ValidationError):
        decisions.decision_record_outcome(
            actor=Actor(alice),
            decision=decision,
            expected_version=decision.version,
            outcome=DecisionOutcome.WENT_WELL,
            learning="Skipped the backing",
        )


def test_a_colleague_who_did_not_propose_it_does_not_record_the_outcome(person, alice, bob, wigan):
    decision = RiskDecisionFactory(person=person, proposed_by=alice, review_date=days(0))
    backed(decision, bob)
    colleague = UserFactory(role=Role.FRONTLINE, teams=[wigan])
    with pytest.raises(PermissionDenied):
        decisions.decision_record_outcome(
            actor=Actor(colleague),
            decision=decision,
            expected_version=decision.version,
            outcome=DecisionOutcome.WENT_WELL,
            learning="Not mine to say",
        )
    # A manager of the team may, when the worker has moved on.
    decisions.decision_record_outcome(
        actor=Actor(bob),
        decision=decision,
        expected_version=decision.version,
        outcome=DecisionOutcome.WENT_WELL,
        learning="Alice has left; she told me it went well.",
    )


# --- Notes -------------------------------------------------------------------------


def test_after_backing_later_thoughts_are_notes_in_the_trail(decision, alice, bob):
    backed(decision, bob)
    decisions.decision_add_note(
        actor=Actor(alice),
        decision=decision,
        expected_version=decision.version,
        note="Her son has bought her a season ticket.",
    )
    step = decision.steps.last()
    assert step.kind == DecisionStepKind.NOTE
    assert step.by == alice
    assert step.note == "Her son has bought her a season ticket."


def test_the_same_note_sent_twice_is_refused_the_second_time(decision, alice):
    seen = decision.version
    decisions.decision_add_note(
        actor=Actor(alice), decision=decision, expected_version=seen, note="Once"
    )
    with pytest.raises(ConflictError):
        decisions.decision_add_note(
            actor=Actor(alice), decision=decision, expected_version=seen, note="Once"
        )
    assert decision.steps.filter(kind=DecisionStepKind.NOTE).count() == 1


def test_nobody_outside_the_team_adds_a_note(decision, carol, dave):
    for user in (carol, dave):
        with pytest.raises(PermissionDenied):
            decisions.decision_add_note(
                actor=Actor(user), decision=decision, expected_version=decision.version, note="x"
            )
    assert not decision.steps.exists()


# --- Lists ----------------------------------------------------------------------------


def test_what_each_user_sees_and_what_waits_for_whom(decision, alice, bob, carol, dave, leigh):
    theirs = RiskDecisionFactory(person=PersonFactory(team=leigh, created_by=carol))
    own = RiskDecisionFactory(person=decision.person, proposed_by=bob)
    assert set(RiskDecision.objects.visible_to(alice)) == {decision, own}
    assert set(RiskDecision.objects.visible_to(carol)) == {theirs}
    assert not RiskDecision.objects.visible_to(dave).exists()
    assert list(RiskDecision.objects.waiting_for_backing_by(bob)) == [decision]
    assert not RiskDecision.objects.waiting_for_backing_by(alice).exists()
    assert not RiskDecision.objects.waiting_for_backing_by(dave).exists()


def test_overdue_reviews(person, alice, bob):
    overdue = RiskDecisionFactory(person=person, proposed_by=alice, review_date=days(5))
    today = RiskDecisionFactory(person=person, proposed_by=alice, review_date=days(5))
    backed(overdue, bob)
    backed(today, bob)
    RiskDecision.objects.filter(pk=overdue.pk).update(review_date=days(-1))
    RiskDecision.objects.filter(pk=today.pk).update(review_date=days(0))
    assert list(RiskDecision.objects.review_overdue()) == [overdue]
    assert set(RiskDecision.objects.due_for_review()) == {overdue, today}


def test_decisions_move_with_the_person_when_they_change_team(decision, alice, leigh):
    person = decision.person
    people_services.person_update(
        actor=Actor(alice),
        person=person,
        fields={"team": leigh},
        last_saved=person.updated_at.isoformat(),
    )
    version = decision.version
    decision.refresh_from_db()
    assert decision.team == leigh
    moved = AuditEvent.objects.filter(object_type="people.person", detail__startswith="Moved")
    assert "1 positive-risk decision" in moved.get().detail
    # Its trail says where it came from and who moved it, as a moved
    # action's does; a form left open on it is told it changed.
    step = decision.steps.order_by("at", "id").last()
    assert (step.kind, step.by, step.note) == (
        DecisionStepKind.MOVED,
        alice,
        "From Wigan Central to Leigh, with the person’s record",
    )
    assert decision.version == version + 1
