"""Handing on a leaver's or absent worker's work, in one step.

A manager of the team chooses the worker and one or more colleagues in the
same team; each app that holds work moves its part (deal.open_work movers),
keeping each move on the record's own trail and in the audit log.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from deal.audit import Actor, audit_record
from deal.models import AuditAction, HandOn, Membership, Role, Team, User
from deal.open_work import (
    RestrictedNote,
    move_open_work,
    open_work_closed_to,
    open_work_of,
    people_of_work,
    restriction_notes,
)


def managed_teams(user: User):
    """The teams this user manages: a manager's confirmed memberships."""
    if not user.is_authenticated or not user.is_active or user.role != Role.MANAGER:
        return Team.objects.none()
    return Team.objects.filter(pk__in=user.team_ids()).order_by("name", "id")


def team_members(team: Team):
    """Everyone whose place in the team is confirmed, leavers too (their work
    stays in the team until it is handed on)."""
    return User.objects.filter(
        memberships__team=team, memberships__confirmed_at__isnull=False
    ).order_by("full_name", "id")


def colleagues_in(team: Team):
    """Who can take work on: active, confirmed members of the team."""
    return team_members(team).filter(is_active=True)


def work_held(worker: User, team: Team, viewer: User) -> list[tuple[str, int, int]]:
    """What the worker holds in this team: [(label, how many, how many of
    them on records the viewer may not open)]. All of it moves; the page says
    how much is on restricted records, as the team view leaves those out."""
    closed = {
        item.label: item.by_team.get(team.pk, 0) for item in open_work_closed_to(worker, viewer)
    }
    return [
        (item.label, item.by_team.get(team.pk, 0), closed.get(item.label, 0))
        for item in open_work_of(worker)
    ]


def restricted_work(worker: User, team: Team, colleagues: list[User], viewer: User):
    """The restricted records among the worker's work that a colleague taking
    it on may not open now, and whether handing on will name them on it."""
    return restriction_notes(
        viewer=viewer,
        worker=worker,
        takers={pk: colleagues for pk in people_of_work(worker, team.pk)},
    )


def _names(users) -> str:
    names = [u.full_name for u in users]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def restricted_note_text(note: RestrictedNote, *, done: bool) -> str:
    """What handing on means for one restricted record, said plainly to the
    manager: on the check page (done=False) and once it is done."""
    if len(note.colleagues) == 1:
        who = note.colleagues[0].full_name
    else:
        who = f"Whoever of {_names(note.colleagues)} takes it on"
    if note.named:
        verb = "is now named" if done else "will be named"
        return (
            f"{note.person_name}’s record is restricted. {who} {verb} on its restriction, "
            "as you may open it."
        )
    return (
        f"{note.person_name}’s record is restricted{'' if done else ' and stays so'}. "
        f"{who} will need to give a reason to open it, or someone named on it can add "
        "them on its restriction page."
    )


def hand_on(
    *, actor: Actor, team: Team, worker: User, colleagues: list[User], key: uuid.UUID
) -> tuple[HandOn, bool, list[RestrictedNote]]:
    """Move everything the worker holds in the team to the colleagues, shared
    out a person at a time. Returns the step, whether it was made now (the
    same key sent again, Back then confirm again, moves nothing more), and for
    each restricted record whose colleague may not open it, whether they were
    named on it or must give a reason (see people.open_work)."""
    done = HandOn.objects.filter(submission_key=key).first()
    if done is not None:
        return done, False, []
    if not managed_teams(actor.user).filter(pk=team.pk).exists():
        raise ValidationError("Only a manager of the team can hand on its work")
    colleagues = sorted(colleagues, key=lambda c: (c.full_name, c.pk))
    allowed = set(colleagues_in(team).values_list("pk", flat=True))
    if not colleagues or any(c.pk not in allowed or c.pk == worker.pk for c in colleagues):
        raise ValidationError("Choose colleagues in the team, other than the worker")
    if not Membership.objects.filter(user=worker, team=team).exists():
        raise ValidationError("They are not in this team")
    try:
        with transaction.atomic():
            step = HandOn.objects.create(
                submission_key=key, team=team, worker=worker, by=actor.user
            )
            step.colleagues.set(colleagues)
            # Read before anything moves: who may open each restricted record now.
            before = restricted_work(worker, team, colleagues, actor.user)
            step.moved, taken_by = move_open_work(
                actor=actor, worker=worker, team_id=team.pk, colleagues=colleagues
            )
            step.save(update_fields=["moved"])
            audit_record(
                actor=actor,
                action=AuditAction.CHANGE,
                obj=worker,
                detail=f"Work in {team} handed on to "
                + ", ".join(str(c) for c in colleagues)
                + ": "
                + ", ".join(f"{n} {label}" for label, n in step.moved.items()),
            )
    except IntegrityError:
        # The same confirmation sent twice at once: the other one moved it.
        return HandOn.objects.get(submission_key=key), False, []
    notes = []
    for note in before:
        taker = taken_by.get(note.person_id)
        if taker in note.colleagues:
            notes.append(
                RestrictedNote(
                    person_id=note.person_id,
                    person_name=note.person_name,
                    colleagues=(taker,),
                    named=note.named,
                )
            )
    return step, True, notes
