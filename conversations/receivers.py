"""How the conversations app answers the signals of the apps below it."""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from conversations import decision_services
from conversations.models import ActionStatus, AgreedAction
from deal.models import Membership


def move_actions_with_person(sender, *, person, actor, receiving_worker=None, **kwargs) -> str:
    """Actions carry their person's team (so the action lists filter on one
    table): they move with the person, to the team that now holds them.

    A record transferred to another team (`receiving_worker`, who asked for
    it): an open action whose responsible member of staff is not in the new
    team is handed to them, so it is in someone's list there."""
    actions = AgreedAction.objects.filter(person=person)
    moved = actions.update(team=person.team)
    if receiving_worker is not None:
        in_new_team = Membership.objects.filter(
            user=OuterRef("responsible"), team=person.team, confirmed_at__isnull=False
        )
        actions.filter(status__in=[ActionStatus.OPEN, ActionStatus.DRAFT]).exclude(
            Exists(in_new_team)
        ).update(responsible=receiving_worker)
    return f"{moved} agreed action{'' if moved == 1 else 's'}"


def move_decisions_with_person(sender, *, person, actor, **kwargs) -> str:
    """Positive-risk decisions carry their person's team too: the team that
    now holds the person backs and learns from them."""
    moved = decision_services.decisions_move_with_person(person=person)
    return f"{moved} positive-risk decision{'' if moved == 1 else 's'}" if moved else ""
