"""The open actions a member of staff is responsible for: counted by team for
the page of a leaver, and handed on to colleagues (both registered in
deal.open_work)."""

from django.db.models import Count, F
from django.utils import timezone

from conversations.models import AgreedAction, FollowUp, FollowUpKind, Owner
from deal.audit import audit_record
from deal.models import AuditAction
from people.models import Person

LABEL = "open actions they are responsible for"


def open_actions(user, closed_to=None) -> tuple[str, dict[int, int]]:
    actions = AgreedAction.objects.open().responsible(user)
    if closed_to is not None:
        actions = actions.filter(person__in=Person.objects.closed_to(closed_to))
    rows = actions.values("team_id").annotate(n=Count("id")).order_by()
    return LABEL, {row["team_id"]: row["n"] for row in rows}


def people_of_actions(worker, team_id: int) -> set[int]:
    return set(
        AgreedAction.objects.open()
        .responsible(worker)
        .filter(team_id=team_id)
        .values_list("person_id", flat=True)
        .distinct()
    )


def hand_on_actions(*, actor, worker, team_id: int, colleague_for) -> tuple[str, int]:
    """Each open action the worker answers for in the team goes to a
    colleague, with the move on its trail and in the audit log."""
    actions = list(
        AgreedAction.objects.open()
        .responsible(worker)
        .filter(team_id=team_id)
        .select_for_update()
        .order_by("person_id", "id")
    )
    now = timezone.now()
    for action in actions:
        colleague = colleague_for(action.person_id)
        FollowUp.objects.create(
            action=action,
            kind=FollowUpKind.REASSIGNED,
            note=f"From {worker} to {colleague}, handed on by {actor.user} for the team",
            by=actor.user,
            at=now,
        )
        action.responsible = colleague
        fields = ["responsible", "version", "updated_at"]
        if action.owner_type == Owner.STAFF and action.owner_user_id == worker.pk:
            # The worker was doing it themself: the colleague now does.
            action.owner_user = colleague
            fields.append("owner_user")
        # Someone with the action open in a form is told it changed.
        action.version = F("version") + 1
        action.save(update_fields=fields)
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=action,
            detail=f"Handed on from {worker} to {colleague}",
        )
    return LABEL, len(actions)
