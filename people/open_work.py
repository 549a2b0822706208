"""The open people a member of staff is named worker for: counted by team for
the page of a leaver, and handed on to colleagues (both registered in
deal.open_work)."""

from django.db.models import Count

from deal.audit import audit_record
from deal.models import AuditAction
from people.models import Person, PersonStatus

LABEL = "people they are named worker for"


def named_worker_people(user) -> tuple[str, dict[int, int]]:
    rows = (
        Person.objects.filter(named_worker=user, status=PersonStatus.OPEN)
        .values("team_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return LABEL, {row["team_id"]: row["n"] for row in rows}


def hand_on_named_people(*, actor, worker, team_id: int, colleague_for) -> tuple[str, int]:
    """A colleague becomes named worker for each open person of the team the
    worker was named for; the record's history and the audit log keep it."""
    people = list(
        Person.objects.filter(named_worker=worker, team_id=team_id, status=PersonStatus.OPEN)
        .select_for_update()
        .order_by("id")
    )
    for person in people:
        colleague = colleague_for(person.pk)
        person.named_worker = colleague
        person.save(update_fields=["named_worker", "updated_at"])
        detail = f"Named worker handed on from {worker} to {colleague}"
        if person.is_restricted:
            # The new named worker opens a restricted record as the old one
            # did: the manager who hands it on chose them for it.
            person.restricted_to.add(colleague)
            detail += ", who is named on the restriction"
        audit_record(actor=actor, action=AuditAction.CHANGE, obj=person, detail=detail)
    return LABEL, len(people)
