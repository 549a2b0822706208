"""What positive-risk decisions contribute to pages put together from several
apps (deal/sections.py): a button and a section on the person's profile, and
what waits on My work."""

from __future__ import annotations

from conversations.models import DecisionStatus, RiskDecision
from deal.sections import MY_WORK_LIST_LENGTH, Section, register


def propose_button(request, person) -> dict:
    return {}


def person_decisions(request, person) -> dict:
    decisions = RiskDecision.objects.filter(person=person).select_related("proposed_by")
    count = decisions.count()
    return {
        "person_decisions": decisions.order_by("-created_at", "-id")[:MY_WORK_LIST_LENGTH],
        "person_decisions_more": max(count - MY_WORK_LIST_LENGTH, 0),
    }


def _first(decisions) -> tuple[list[RiskDecision], int]:
    """The first of a list for My work, and how many more there are: two
    queries however long the list."""
    count = decisions.count()
    shown = list(decisions.select_related("person")[:MY_WORK_LIST_LENGTH]) if count else []
    return shown, max(count - MY_WORK_LIST_LENGTH, 0)


def my_decisions(request, subject) -> dict | None:
    """A worker's proposals still waiting (for backing, or after "talk first")
    and reviews overdue; for a manager, what waits for their backing."""
    user = request.user
    mine = RiskDecision.objects.visible_to(user).proposed_by(user)
    waiting, waiting_more = _first(
        mine.filter(status__in=[DecisionStatus.WAITING, DecisionStatus.TALK_FIRST]).order_by(
            "created_at", "id"
        )
    )
    overdue, overdue_more = _first(mine.review_overdue().order_by("review_date", "id"))
    to_back, to_back_more = _first(
        RiskDecision.objects.waiting_for_backing_by(user).order_by("created_at", "id")
    )
    if not (waiting or overdue or to_back):
        return None
    return {
        "decisions_waiting": waiting,
        "decisions_waiting_more": waiting_more,
        "reviews_overdue": overdue,
        "reviews_overdue_more": overdue_more,
        "decisions_to_back": to_back,
        "decisions_to_back_more": to_back_more,
    }


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
