"""What positive-risk decisions contribute to pages put together from several
apps (deal/sections.py): a button and a section on the person's profile, and
what waits on My work."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone

from conversations.models import DecisionStatus, RiskDecision
from deal.prepared import prepared
from deal.sections import MY_WORK_LIST_LENGTH, Section, register


def propose_button(request, person) -> dict:
    return {}


def person_decisions(request, person) -> dict:
    """The person's newest decisions (all of them are a link away, on
    /risks/ filtered to the person): one query, whatever their number."""
    return {"person_decisions": _decisions_of(person_id=person.pk)}


@prepared
def _decisions_of(*, person_id: int):
    # On every profile, so prepared (deal.prepared).
    return (
        RiskDecision.objects.filter(person=person_id)
        .select_related("proposed_by")
        .order_by("-created_at", "-id")[:MY_WORK_LIST_LENGTH]
    )


def my_decisions(request, subject) -> dict | None:
    """A worker's proposals still waiting (for backing, or after "talk first")
    and their reviews overdue; for a manager, what waits for their backing.
    One query counts all three; only a list with something in it is read."""
    user = request.user
    today = timezone.localdate()
    lists = {
        "decisions_waiting": (
            Q(proposed_by=user, status__in=[DecisionStatus.WAITING, DecisionStatus.TALK_FIRST]),
            ("created_at", "id"),
        ),
        "reviews_overdue": (
            Q(proposed_by=user, status=DecisionStatus.BACKED, review_date__lt=today),
            ("review_date", "id"),
        ),
        # Nobody backs their own; only a manager backs.
        "decisions_to_back": (
            Q(status=DecisionStatus.WAITING) & ~Q(proposed_by=user)
            if user.is_manager
            else Q(pk__in=[]),
            ("created_at", "id"),
        ),
    }
    mine = RiskDecision.objects.visible_to(user)
    counts = mine.aggregate(
        **{name: Count("id", filter=where) for name, (where, _order) in lists.items()}
    )
    if not any(counts.values()):
        return None
    context = {}
    for name, (where, order) in lists.items():
        context[name] = (
            list(mine.filter(where).select_related("person").order_by(*order)[:MY_WORK_LIST_LENGTH])
            if counts[name]
            else []
        )
        context[f"{name}_more"] = max(counts[name] - MY_WORK_LIST_LENGTH, 0)
    return context


def links(request, subject) -> dict:
    return {}


def register_sections() -> None:
    register(
        "profile_buttons",
        Section("propose_decision", "decisions/sections/propose_button.html", propose_button, 20),
    )
    register(
        "profile",
        Section("decisions", "decisions/sections/person_decisions.html", person_decisions, 25),
    )
    register(
        "my_work", Section("decisions", "decisions/sections/my_decisions.html", my_decisions, 15)
    )
    register("my_work_links", Section("decisions", "decisions/sections/links.html", links, 30))
