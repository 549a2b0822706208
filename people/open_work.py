"""The open people a member of staff is named worker for: counted by team for
the page of a leaver, and handed on to colleagues (both registered in
deal.open_work); and what handing on means for a restricted record."""

from django.db.models import Count

from deal.audit import audit_record
from deal.models import AuditAction
from deal.open_work import RestrictedNote
from people.models import Person, PersonStatus
from people.services import may_open_because

LABEL = "people they are named worker for"


def named_worker_people(user, closed_to=None) -> tuple[str, dict[int, int]]:
    people = Person.objects.filter(named_worker=user, status=PersonStatus.OPEN)
    if closed_to is not None:
        people = people.filter(pk__in=Person.objects.closed_to(closed_to).values("pk"))
    rows = people.values("team_id").annotate(n=Count("id")).order_by()
    return LABEL, {row["team_id"]: row["n"] for row in rows}


def people_named_for(worker, team_id: int) -> set[int]:
    return set(
        Person.objects.filter(
            named_worker=worker, team_id=team_id, status=PersonStatus.OPEN
        ).values_list("pk", flat=True)
    )


def hand_on_named_people(*, actor, worker, team_id: int, colleague_for) -> tuple[str, int]:
    """A colleague becomes named worker for each open person of the team the
    worker was named for; the record's history and the audit log keep it.

    A restricted record names the colleague on its restriction only when the
    manager handing it on may open it now themself: named on it, or holding a
    break-glass opening. That is what the restriction page would let them do
    (a manager who gave a reason may change who is named there). Otherwise a
    hand-on would open the record without a reason to whoever the manager
    ticks, themself included; the record stays restricted to its named staff
    and the colleague gives a reason to open it, as anyone else in the team."""
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
        if person.is_restricted and not person.restricted_to.filter(pk=colleague.pk).exists():
            because = may_open_because(actor.user, person)
            if because:
                person.restricted_to.add(colleague)
                detail += (
                    f", who is now named on the restriction by {actor.user} ({because})"
                    f"; named staff added: user {colleague.pk}"
                )
            else:
                detail += (
                    f"; not named on the restriction, as {actor.user} may not open the"
                    f" record: {colleague} gives a reason to open it"
                )
        audit_record(actor=actor, action=AuditAction.CHANGE, obj=person, detail=detail)
    return LABEL, len(people)


def hand_on_restriction_notes(*, viewer, worker, takers: dict[int, list]) -> list[RestrictedNote]:
    """For each restricted record among `takers` ({person id: colleagues who
    may take it on}), the colleagues who may not open it now, and whether the
    hand-on will name them on it (see hand_on_named_people)."""
    people = list(
        Person.objects.filter(pk__in=list(takers), is_restricted=True).order_by(
            "family_name", "given_name", "id"
        )
    )
    if not people:
        return []
    ids = [p.pk for p in people]
    closed_to_viewer = set(
        Person.objects.closed_to(viewer).filter(pk__in=ids).values_list("pk", flat=True)
    )
    colleagues = {c.pk: c for p in people for c in takers[p.pk]}
    closed_to = {
        pk: set(Person.objects.closed_to(c).filter(pk__in=ids).values_list("pk", flat=True))
        for pk, c in colleagues.items()
    }
    notes = []
    for person in people:
        shut_out = tuple(c for c in takers[person.pk] if person.pk in closed_to[c.pk])
        if not shut_out:
            continue
        named = (
            person.pk not in closed_to_viewer
            and person.named_worker_id == worker.pk
            and person.status == PersonStatus.OPEN
        )
        notes.append(
            RestrictedNote(
                person_id=person.pk,
                person_name=person.full_name,
                colleagues=shut_out,
                named=named,
            )
        )
    return notes
