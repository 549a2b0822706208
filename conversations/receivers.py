"""How the conversations app answers the signals of the apps below it."""

from __future__ import annotations

from conversations.models import AgreedAction


def move_actions_with_person(sender, *, person, actor, **kwargs) -> str:
    """Actions carry their person's team (so the action lists filter on one
    table): they move with the person, to the team that now holds them."""
    moved = AgreedAction.objects.filter(person=person).update(team=person.team)
    return f"{moved} agreed action{'' if moved == 1 else 's'}"
