"""Filling in the conversation form as a user does, through the page as it
is rendered (django-webtest): what the page offers is all a test can send."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from webtest import Form, TestResponse

FORM = "conversation-form"


def today() -> dt.date:
    return timezone.localdate()


def record_url(person) -> str:
    return f"/people/{person.pk}/conversations/new/"


def open_record_page(app, person) -> TestResponse:
    """Open "Record a conversation" as the profile's button does: the page
    gives the new conversation its key, in its address."""
    return app.get(record_url(person)).follow()


def set_date(form: Form, name: str, day: dt.date) -> None:
    form[f"{name}_0"] = str(day.day)
    form[f"{name}_1"] = str(day.month)
    form[f"{name}_2"] = str(day.year)


def fill_conversation(
    form: Form,
    *,
    what_matters: str | None = "Getting back to my allotment",
    day: dt.date | None = None,
    time: str = "10:30",
    place: str = "home",
    kind: str = "first",
    **fields,
) -> Form:
    if what_matters is not None:
        if "what_matters_changed" in form.fields:
            form["what_matters_changed"] = "yes"
        form["what_matters"] = what_matters
    set_date(form, "date", day or today() - dt.timedelta(days=1))
    form["time"] = time
    if place:
        form["place"] = place
    if kind:
        form["kind"] = kind
    for name, value in fields.items():
        form[name] = value
    return form


def add_action_line(page: TestResponse) -> TestResponse:
    """Press "Add another action" (the page without JavaScript)."""
    return page.forms[FORM].submit("add_action")


def fill_action(
    form: Form,
    index: int,
    *,
    what: str,
    who: str | None = None,
    due: dt.date | None = None,
    staff=None,
    name: str = "",
    prefix: str = "actions",
) -> Form:
    form[f"{prefix}-{index}-what"] = what
    if who:
        form[f"{prefix}-{index}-owner_type"] = who
    if staff is not None:
        form[f"{prefix}-{index}-owner_user"] = str(staff.pk)
    if name:
        form[f"{prefix}-{index}-owner_name"] = name
    if due is not None:
        set_date(form, f"{prefix}-{index}-due", due)
    return form


def page_with_actions(app, person, *actions: dict, **conversation) -> TestResponse:
    """The record page with the conversation and `actions` filled in, adding
    a line for each action after the first as a user without JavaScript does."""
    page = open_record_page(app, person)
    for _ in actions[1:]:
        page = add_action_line(page)
    form = fill_conversation(page.forms[FORM], **conversation)
    for index, action in enumerate(actions):
        fill_action(form, index, **action)
    return page
