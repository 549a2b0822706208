"""What the conversations app holds about a person, for a subject access
request (deal.subject_access): conversations with every correction, agreed
actions with their trails, and positive-risk decisions with theirs."""

from __future__ import annotations

from collections import defaultdict

from conversations.models import AgreedAction, Conversation, FollowUp, RiskDecision
from deal.subject_access import Exporter, history, record, register


def _by(rows, key: str) -> dict[int, list]:
    grouped: dict[int, list] = defaultdict(list)
    for row in rows:
        grouped[getattr(row, key)].append(row)
    return grouped


def conversations(person_id: int):
    rows = list(
        Conversation.objects.filter(person_id=person_id)
        .select_related("recorded_by")
        .prefetch_related("themes", "staff_present")
        .order_by("happened_at", "id")
    )
    corrections = _by(
        Conversation.history.filter(person_id=person_id)
        .select_related("history_user", "recorded_by")
        .order_by("history_date", "history_id"),
        "id",
    )
    return [
        {
            **record(c, exclude={"person"}),
            "Themes": [t.name for t in c.themes.all()],
            "Staff present": [str(u) for u in c.staff_present.all()],
            "Corrections": history(corrections[c.pk], exclude={"person"}),
        }
        for c in rows
    ]


def actions(person_id: int):
    rows = list(
        AgreedAction.objects.filter(person_id=person_id)
        .select_related("owner_user", "responsible", "created_by", "team")
        .order_by("created_at", "id")
    )
    trail = _by(
        FollowUp.objects.filter(action__person_id=person_id)
        .select_related("by")
        .order_by("at", "id"),
        "action_id",
    )
    return [
        {
            **record(a, exclude={"person", "conversation"}),
            "Conversation": a.conversation_id,
            "Trail": [record(step, exclude={"action"}) for step in trail[a.pk]],
        }
        for a in rows
    ]


def decisions(person_id: int):
    rows = list(
        RiskDecision.objects.filter(person_id=person_id)
        .select_related("proposed_by", "backed_by", "outcome_recorded_by", "team")
        .prefetch_related("themes", "steps__by")
        .order_by("created_at", "id")
    )
    return [
        {
            **record(d, exclude={"person"}),
            "Themes": [t.name for t in d.themes.all()],
            "Trail": [record(step, exclude={"decision"}) for step in d.steps.all()],
        }
        for d in rows
    ]


def register_exporters() -> None:
    register(Exporter("conversations", "Conversations", conversations, order=30))
    register(Exporter("agreed_actions", "Agreed actions", actions, order=31))
    register(Exporter("decisions", "Positive-risk decisions", decisions, order=32))
