"""The open people a member of staff is named worker for, counted by team for
the page of a leaver (registered in deal.open_work)."""

from django.db.models import Count

from people.models import Person, PersonStatus


def named_worker_people(user) -> tuple[str, dict[int, int]]:
    rows = (
        Person.objects.filter(named_worker=user, status=PersonStatus.OPEN)
        .values("team_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return "people they are named worker for", {row["team_id"]: row["n"] for row in rows}
