"""How the conversations app answers the signals of the apps below it."""

from __future__ import annotations

from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from conversations import decision_services
from conversations.models import ActionStatus, AgreedAction, FollowUp, FollowUpKind, Owner
from conversations.services import moved_with_person
from deal.audit import audit_record
from deal.models import AuditAction, Membership


def move_actions_with_person(sender, *, person, actor, receiving_worker=None, **kwargs) -> str:
    """Actions carry their person's team (so the action lists filter on one
    table): they move with the person, to the team that now holds them.

    A record transferred to another team (`receiving_worker`, who asked for
    it): an open action whose responsible member of staff is not in the new
    team is handed to them, so it is in someone's list there.

    Each open action moved gets a step in its trail, as handing on gives one:
    whoever follows it up in the new team sees where it came from, and from
    whom. A draft's actions are in nobody's list yet, so their trail starts
    when the conversation is completed; closed actions are left as they were."""
    actions = AgreedAction.objects.filter(person=person)
    in_new_team = Membership.objects.filter(
        user=OuterRef("responsible"), team=person.team, confirmed_at__isnull=False
    )
    # Read before moving: the trail says which team each came from.
    open_moving = list(
        actions.open()
        .exclude(team=person.team)
        .select_related("team", "responsible")
        .order_by("id")
    )
    moved = actions.update(team=person.team)
    handed = set()
    # A colleague in the old team named to do an action can no longer open
    # it: whoever asked for the record does it now, as handing on does.
    doers_leaving: dict[int, str] = {}
    if receiving_worker is not None:
        owner_in_new_team = Membership.objects.filter(
            user=OuterRef("owner_user"), team=person.team, confirmed_at__isnull=False
        )
        doing = actions.filter(
            status__in=[ActionStatus.OPEN, ActionStatus.DRAFT], owner_type=Owner.STAFF
        ).exclude(Exists(owner_in_new_team))
        doers_leaving = {pk: name for pk, name in doing.values_list("pk", "owner_user__full_name")}
        doing.update(
            owner_user=receiving_worker, version=F("version") + 1, updated_at=timezone.now()
        )
    if receiving_worker is not None:
        handing = actions.filter(status__in=[ActionStatus.OPEN, ActionStatus.DRAFT]).exclude(
            Exists(in_new_team)
        )
        handed = set(handing.filter(status=ActionStatus.OPEN).values_list("pk", flat=True))
        # A new version, as handing on makes: someone with the action open
        # in a form is told it changed.
        handing.update(
            responsible=receiving_worker, version=F("version") + 1, updated_at=timezone.now()
        )
    now = timezone.now()
    steps = []
    for action in open_moving:
        note = moved_with_person(action.team, person.team)
        if action.pk in handed:
            note += f"; from {action.responsible} to {receiving_worker}, who asked for the record"
        if action.pk in doers_leaving:
            note += f"; to be done by {receiving_worker} instead of {doers_leaving[action.pk]}"
        steps.append(
            FollowUp(action=action, kind=FollowUpKind.MOVED, note=note, by=actor.user, at=now)
        )
    FollowUp.objects.bulk_create(steps)
    for action in open_moving:
        if action.pk in handed:
            audit_record(
                actor=actor,
                action=AuditAction.CHANGE,
                obj=action,
                detail=f"Handed on from {action.responsible} to {receiving_worker} "
                f"with the person’s record",
            )
    return f"{moved} agreed action{'' if moved == 1 else 's'}"


def move_decisions_with_person(sender, *, person, actor, **kwargs) -> str:
    """Positive-risk decisions carry their person's team too: the team that
    now holds the person backs and learns from them."""
    moved = decision_services.decisions_move_with_person(person=person, actor=actor)
    return f"{moved} positive-risk decision{'' if moved == 1 else 's'}" if moved else ""
