"""The open actions a member of staff is responsible for, counted by team for
the page of a leaver (registered in deal.open_work)."""

from django.db.models import Count

from conversations.models import AgreedAction


def open_actions(user) -> tuple[str, dict[int, int]]:
    rows = (
        AgreedAction.objects.open()
        .responsible(user)
        .values("team_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return "open actions they are responsible for", {row["team_id"]: row["n"] for row in rows}
