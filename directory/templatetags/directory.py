"""When and where a group meets, in words, from its Open Referral lists."""

from __future__ import annotations

import datetime as dt

from django import template

from deal.templatetags.govuk import govuk_time

register = template.Library()

DAY_NAMES = {
    "MO": "Monday",
    "TU": "Tuesday",
    "WE": "Wednesday",
    "TH": "Thursday",
    "FR": "Friday",
    "SA": "Saturday",
    "SU": "Sunday",
}
ORDINALS = {"1": "first", "2": "second", "3": "third", "4": "fourth", "5": "fifth", "-1": "last"}


def _time(text: str) -> str:
    try:
        return govuk_time(dt.time.fromisoformat(text[:5]))
    except (TypeError, ValueError):
        return text


def _day(code: str) -> str:
    name = DAY_NAMES.get(code[-2:], code)
    which = code[:-2]
    return f"the {ORDINALS.get(which, which)} {name}" if which else name


@register.simple_tag
def schedule_text(schedule: dict) -> str:
    """ "Every Thursday, 10am to midday. Not on bank holidays." """
    parts = []
    days = [d for d in (schedule.get("byday") or "").split(",") if d]
    if days:
        names = [_day(d) for d in days]
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        every = "Every" if schedule.get("freq") != "MONTHLY" else "Each month on"
        if schedule.get("interval", 1) == 2 and schedule.get("freq") != "MONTHLY":
            every = "Every other"
        parts.append(f"{every} {listed}")
    opens, closes = schedule.get("opens_at"), schedule.get("closes_at")
    if opens and closes:
        parts.append(f"{_time(opens)} to {_time(closes)}")
    elif opens:
        parts.append(f"from {_time(opens)}")
    text = ", ".join(parts)
    if schedule.get("description"):
        text = f"{text}. {schedule['description']}" if text else schedule["description"]
    return text or "Not known"


@register.simple_tag
def place_text(place: dict) -> str:
    location = place.get("location") or {}
    bits = [location.get("name", "")]
    for address in location.get("addresses") or []:
        bits += [
            address.get("address_1", ""),
            address.get("city", ""),
            address.get("postal_code", ""),
        ]
    return ", ".join(b for b in bits if b) or "Not known"
