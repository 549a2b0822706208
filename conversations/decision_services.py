"""Positive-risk decisions: proposing one with a person, a manager backing it
or asking to talk first, revising it after talking, later notes, and the
outcome.

Every write here is one transaction, leaves a step in the decision's trail and
an entry in the audit log, and refuses a change made from an older version of
the decision (ConflictError) rather than silently overwriting someone else's.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from conversations.models import (
    DECISION_PROPOSAL_FIELDS,
    DecisionOutcome,
    DecisionStatus,
    DecisionStep,
    DecisionStepKind,
    RiskDecision,
)
from conversations.services import moved_with_person, take_version
from deal.audit import Actor, audit_record
from deal.models import AuditAction
from deal.permissions import Capability, user_can
from people.models import Person


def _check_in_team(actor: Actor, team_id: int) -> None:
    user = actor.user
    if user is None or not user_can(user, Capability.WORK_WITH_PEOPLE):
        raise PermissionDenied("Only staff who work with people take part in decisions")
    if team_id not in user.team_ids():
        raise PermissionDenied("Only the person's team takes part in their decisions")


def _check_review_date(review_date: dt.date | None, *, was: dt.date | None = None) -> None:
    if review_date is None:
        raise ValidationError({"review_date": "Enter the review date"})
    # A date already saved may have passed while the decision waited; a new
    # one must still be ahead.
    if review_date != was and review_date < timezone.localdate():
        raise ValidationError({"review_date": "The review date must be today or in the future"})


def _clean_proposal(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(DECISION_PROPOSAL_FIELDS)
    if unknown:
        raise ValueError(f"Not part of a proposal: {', '.join(sorted(unknown))}")
    return {
        name: value.strip() if isinstance(value, str) else value for name, value in fields.items()
    }


def decision_propose(
    *,
    actor: Actor,
    person: Person,
    fields: dict[str, Any],
    themes: list | None = None,
    submission_key: uuid.UUID | None = None,
) -> tuple[RiskDecision, bool]:
    """Propose a positive-risk decision with a person, to be backed by a
    manager of their team.

    Returns the decision and whether this call saved it: False means the same
    submission had been saved already (Back then send again, a double click),
    and nothing more was done.
    """
    if submission_key is not None:
        already = RiskDecision.objects.filter(submission_key=submission_key).first()
        if already is not None:
            return already, False
    _check_in_team(actor, person.team_id)
    fields = _clean_proposal(fields)
    _check_review_date(fields.get("review_date"))
    try:
        with transaction.atomic():
            decision = RiskDecision(
                person=person, team_id=person.team_id, proposed_by=actor.user, **fields
            )
            if submission_key is not None:
                decision.submission_key = submission_key
            decision.full_clean(exclude=["person", "team", "proposed_by", "submission_key"])
            decision.save()
            decision.themes.set(themes or [])
            DecisionStep.objects.create(
                decision=decision, kind=DecisionStepKind.PROPOSED, by=actor.user
            )
            audit_record(
                actor=actor,
                action=AuditAction.CREATE,
                obj=decision,
                detail=f"Proposed a positive-risk decision with person {person.pk}",
            )
    except IntegrityError:
        # The same submission, saved by a request that ran at the same moment.
        if submission_key is not None:
            already = RiskDecision.objects.filter(submission_key=submission_key).first()
            if already is not None:
                return already, False
        raise
    return decision, True


def decision_revise(
    *,
    actor: Actor,
    decision: RiskDecision,
    expected_version: int,
    fields: dict[str, Any],
    themes: list | None = None,
    note: str = "",
) -> list[str]:
    """Change a proposal before it is backed: while it waits, or after a
    manager asked to talk first, when it goes back to wait for backing.
    Only who proposed it revises it. Returns the names of what changed."""
    if decision.is_locked:
        raise ValidationError("This decision has been backed: add a note instead")
    if decision.proposed_by_id != getattr(actor.user, "pk", None):
        raise PermissionDenied("Only who proposed a decision revises it")
    _check_in_team(actor, decision.team_id)
    fields = _clean_proposal(fields)
    _check_review_date(fields.get("review_date", decision.review_date), was=decision.review_date)
    changed = [name for name, value in fields.items() if getattr(decision, name) != value]
    themes_change = themes is not None and {t.pk for t in themes} != {
        t.pk for t in decision.themes.all()
    }
    if themes_change:
        changed.append("themes")
    sends_again = decision.status == DecisionStatus.TALK_FIRST
    note = note.strip()
    if not changed and not sends_again and not note:
        return []
    with transaction.atomic():
        take_version(decision, expected_version, updated_at=timezone.now())
        for name in changed:
            if name != "themes":
                setattr(decision, name, fields[name])
        decision.status = DecisionStatus.WAITING
        decision.full_clean(exclude=["person", "team", "proposed_by", "submission_key"])
        decision.save()
        if themes_change:
            decision.themes.set(themes)
        DecisionStep.objects.create(
            decision=decision, kind=DecisionStepKind.REVISED, note=note, by=actor.user
        )
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=decision,
            detail="Revised: " + (", ".join(changed) or "sent again unchanged"),
        )
    return changed


def _check_may_decide(actor: Actor, decision: RiskDecision) -> None:
    user = actor.user
    if decision.proposed_by_id == getattr(user, "pk", None):
        raise PermissionDenied("Nobody backs their own proposal")
    if user is None or not user.is_manager:
        raise PermissionDenied("Only a manager of the team backs a decision")
    _check_in_team(actor, decision.team_id)
    if decision.status != DecisionStatus.WAITING:
        raise ValidationError("This decision is not waiting for backing")


def decision_back(
    *, actor: Actor, decision: RiskDecision, expected_version: int, comment: str = ""
) -> DecisionStep:
    """ "We will back you": a manager of the person's team backs the decision.
    From now on its text is locked."""
    _check_may_decide(actor, decision)
    comment = comment.strip()
    with transaction.atomic():
        take_version(decision, expected_version, updated_at=timezone.now())
        now = timezone.now()
        decision.status = DecisionStatus.BACKED
        decision.backed_by = actor.user
        decision.backed_at = now
        decision.backing_comment = comment
        decision.save(
            update_fields=["status", "backed_by", "backed_at", "backing_comment", "updated_at"]
        )
        step = DecisionStep.objects.create(
            decision=decision, kind=DecisionStepKind.BACKED, note=comment, by=actor.user, at=now
        )
        audit_record(
            actor=actor, action=AuditAction.CHANGE, obj=decision, detail="Backed the decision"
        )
    return step


def decision_talk_first(
    *, actor: Actor, decision: RiskDecision, expected_version: int, comment: str
) -> DecisionStep:
    """A manager asks to talk before backing it, saying what about. The worker
    can then revise the proposal and send it again."""
    _check_may_decide(actor, decision)
    comment = comment.strip()
    if not comment:
        raise ValidationError({"comment": "Enter what you would like to talk about"})
    with transaction.atomic():
        take_version(decision, expected_version, updated_at=timezone.now())
        decision.status = DecisionStatus.TALK_FIRST
        decision.save(update_fields=["status", "updated_at"])
        step = DecisionStep.objects.create(
            decision=decision, kind=DecisionStepKind.TALK_FIRST, note=comment, by=actor.user
        )
        audit_record(
            actor=actor, action=AuditAction.CHANGE, obj=decision, detail="Asked to talk first"
        )
    return step


def may_record_outcome(user, decision: RiskDecision) -> bool:
    """Who proposed it, or a manager of the team (when the worker has moved
    on), once it is backed and the review date has come."""
    return (
        decision.is_due_for_review()
        and decision.team_id in user.team_ids()
        and (decision.proposed_by_id == user.pk or user.is_manager)
    )


def decision_record_outcome(
    *,
    actor: Actor,
    decision: RiskDecision,
    expected_version: int,
    outcome: str,
    learning: str,
) -> DecisionStep:
    """How it went, and what was learned: at or after the review date."""
    _check_in_team(actor, decision.team_id)
    if decision.status != DecisionStatus.BACKED:
        raise ValidationError("Only a backed decision has an outcome to record")
    if decision.review_date > timezone.localdate():
        raise ValidationError(
            f"The outcome can be recorded from the review date, {decision.review_date:%-d %B %Y}"
        )
    if not may_record_outcome(actor.user, decision):
        raise PermissionDenied("Who proposed it, or a manager of the team, records the outcome")
    errors = {}
    if outcome not in DecisionOutcome.values:
        errors["outcome"] = "Select how it went"
    learning = learning.strip()
    if not learning:
        errors["learning"] = "Enter what was learned"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        take_version(decision, expected_version, updated_at=timezone.now())
        now = timezone.now()
        decision.status = DecisionStatus.OUTCOME_RECORDED
        decision.outcome = outcome
        decision.learning = learning
        decision.outcome_recorded_by = actor.user
        decision.outcome_recorded_at = now
        decision.save(
            update_fields=[
                "status",
                "outcome",
                "learning",
                "outcome_recorded_by",
                "outcome_recorded_at",
                "updated_at",
            ]
        )
        step = DecisionStep.objects.create(
            decision=decision,
            kind=DecisionStepKind.OUTCOME,
            note=f"{DecisionOutcome(outcome).label}. {learning}",
            by=actor.user,
            at=now,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=decision,
            detail=f"Recorded the outcome: {outcome}",
        )
    return step


def decision_add_note(
    *, actor: Actor, decision: RiskDecision, expected_version: int, note: str
) -> DecisionStep:
    """A later thought, kept in the trail with who and when: the way to add to
    a decision whose text is locked."""
    _check_in_team(actor, decision.team_id)
    note = note.strip()
    if not note:
        raise ValidationError({"note": "Enter your note"})
    with transaction.atomic():
        # A note changes the version too, so the same note sent twice (Back,
        # then send again) is refused the second time.
        take_version(decision, expected_version, updated_at=timezone.now())
        step = DecisionStep.objects.create(
            decision=decision, kind=DecisionStepKind.NOTE, note=note, by=actor.user
        )
        audit_record(actor=actor, action=AuditAction.CHANGE, obj=decision, detail="Added a note")
    return step


def decisions_move_with_person(*, person: Person, actor: Actor) -> int:
    """A person's decisions carry their team: they move with the person.
    Each gets a step in its trail saying from which team, as a moved action
    does, and a new version, so a form left open on it is told it changed."""
    moving = list(
        RiskDecision.objects.filter(person=person)
        .exclude(team_id=person.team_id)
        .select_related("team")
        .order_by("id")
    )
    if not moving:
        return 0
    now = timezone.now()
    RiskDecision.objects.filter(pk__in=[d.pk for d in moving]).update(
        team_id=person.team_id, version=F("version") + 1, updated_at=now
    )
    DecisionStep.objects.bulk_create(
        DecisionStep(
            decision=decision,
            kind=DecisionStepKind.MOVED,
            note=moved_with_person(decision.team, person.team),
            by=actor.user,
            at=now,
        )
        for decision in moving
    )
    return len(moving)
