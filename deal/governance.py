"""Reading the audit log, for information governance: filters, pages read
newest first from an index (never a count of the whole log, which grows by
millions of rows), and a CSV safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from deal.models import AuditEvent

EVENTS_PER_PAGE = 50
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class AuditFilter:
    """What the log is narrowed to; every part optional."""

    user_id: int | None = None
    person: int | None = None
    action: str = ""
    start: dt.date | None = None
    end: dt.date | None = None

    def describe(self) -> str:
        """The filters in words, for the audit entry of reading the log."""
        parts = []
        if self.user_id:
            parts.append(f"staff {self.user_id}")
        if self.person:
            parts.append(f"person {self.person}")
        if self.action:
            parts.append(f"kind {self.action}")
        if self.start:
            parts.append(f"from {self.start.isoformat()}")
        if self.end:
            parts.append(f"to {self.end.isoformat()}")
        return ", ".join(parts) or "no filter"

    def events(self) -> QuerySet[AuditEvent]:
        events = AuditEvent.objects.select_related("user").order_by("-at", "-id")
        if self.user_id:
            events = events.filter(user_id=self.user_id)
        if self.person:
            events = events.filter(about_person=self.person)
        if self.action:
            events = events.filter(action=self.action)
        if self.start:
            events = events.filter(at__gte=_start_of(self.start))
        if self.end:
            events = events.filter(at__lt=_start_of(self.end + dt.timedelta(days=1)))
        return events


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@dataclass
class EventPage:
    events: list[AuditEvent]
    # The id of the last event shown, when there are older ones to show.
    older_than: int | None
    is_first: bool


def page_of(events: QuerySet[AuditEvent], older_than: int | None = None) -> EventPage:
    """One page of events, newest first, from just after the event
    `older_than` (keyset paging: each page costs the same however deep)."""
    if older_than is not None:
        last = AuditEvent.objects.filter(pk=older_than).values("at").first()
        if last is not None:
            events = events.filter(Q(at__lt=last["at"]) | Q(at=last["at"], id__lt=older_than))
        else:
            older_than = None
    rows = list(events[: EVENTS_PER_PAGE + 1])
    more = len(rows) > EVENTS_PER_PAGE
    rows = rows[:EVENTS_PER_PAGE]
    return EventPage(
        events=rows, older_than=rows[-1].pk if more else None, is_first=older_than is None
    )


def spreadsheet_safe(value) -> str:
    """A cell a spreadsheet shows as text, never runs: one starting like a
    formula gets an apostrophe in front (OWASP's advice for CSV injection)."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


CSV_HEADER = [
    "When",
    "Staff member",
    "Staff email",
    "What",
    "Record type",
    "Record",
    "Person",
    "Detail",
    "Changes",
    "Page",
    "From address",
]


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(events: QuerySet[AuditEvent]) -> Iterator[str]:
    """The events as CSV lines, read in chunks so a large download never
    holds the log in memory."""
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_HEADER)
    for event in events.iterator(chunk_size=2000):
        changes = "; ".join(
            f"{name}: {pair[0]} -> {pair[1]}" for name, pair in (event.changes or {}).items()
        )
        yield writer.writerow(
            [
                spreadsheet_safe(value)
                for value in (
                    timezone.localtime(event.at).isoformat(timespec="seconds"),
                    event.user.full_name if event.user else "",
                    event.user.email if event.user else "",
                    event.get_action_display(),
                    event.object_type,
                    event.object_id,
                    event.about_person or "",
                    event.detail,
                    changes,
                    event.path,
                    event.ip_address or "",
                )
            ]
        )
