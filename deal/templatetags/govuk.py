"""Template helpers for GOV.UK Design System markup."""

from __future__ import annotations

import datetime as dt

from django import forms, template
from django.utils.dates import MONTHS, MONTHS_3
from django.utils.timezone import template_localtime

register = template.Library()


def first_input_id(bound_field: forms.BoundField) -> str:
    """The id of the first input a field renders, so an error summary link
    moves the focus there. Radios and checkboxes from crispy-forms-gds are
    numbered from 1 (id_<name>_1); a date input's first box is its day (_0)."""
    widget = bound_field.field.widget
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"id_{bound_field.html_name}_1"
    if isinstance(widget, forms.MultiWidget):
        return f"{bound_field.auto_id}_0"
    return bound_field.auto_id


def _form_items(form: forms.BaseForm, line: str = "") -> list[dict[str, str]]:
    """`line` names a formset's line ("Action 2") so that the summary says
    which one each message is about."""
    items = []
    visible = form.visible_fields()
    top = first_input_id(visible[0]) if visible else "main-content"
    for error in form.non_field_errors():
        items.append({"target": top, "message": error})
    # Hidden fields are ours, not the user's: an error there means the page
    # was old or altered, and the user still needs to be told, once, without
    # the field's own wording ("Enter a valid UUID.") that means nothing to them.
    if any(bound_field.errors for bound_field in form.hidden_fields()):
        items.append(
            {"target": top, "message": "The page was out of date. Check it and save again."}
        )
    for bound_field in visible:
        for error in bound_field.errors:
            if line and not str(error).startswith(line):
                error = f"{line}: {str(error)[:1].lower()}{str(error)[1:]}"
            items.append({"target": first_input_id(bound_field), "message": error})
    return items


@register.simple_tag
def error_summary_items(*forms_and_formsets) -> list[dict[str, str]]:
    """Every error of the given forms and formsets, in page order, each with the
    id of the input it should take the user to."""
    items: list[dict[str, str]] = []
    for thing in forms_and_formsets:
        if not thing:
            continue
        if isinstance(thing, forms.BaseFormSet):
            for error in thing.non_form_errors():
                items.append({"target": "main-content", "message": error})
            label = getattr(thing, "item_label", "")
            for number, form in enumerate(thing.forms, start=1):
                items += _form_items(form, f"{label} {number}" if label else "")
        elif isinstance(thing, forms.BaseForm):
            items += _form_items(thing)
    return items


@register.filter
def minutes(duration) -> int:
    """A timedelta as whole minutes, rounded up: "wait 15 minutes"."""
    if not duration:
        return 0
    return -(-int(duration.total_seconds()) // 60)


@register.filter
def date_input_parts(spec: str) -> list[tuple[str, str, str]]:
    """ "0:Day:2,1:Month:2,2:Year:4" as (index, label, width) for a date input
    drawn by hand (where each input needs attributes crispy-forms cannot add)."""
    return [tuple(item.split(":")) for item in spec.split(",")]


@register.simple_tag
def date_part(value, index) -> str:
    """The day, month or year (index 0, 1, 2) of a date field's value, whether
    the form is bound (a list of what was typed) or not (a date)."""
    index = int(index)
    if value is None or value == "":
        return ""
    if hasattr(value, "year"):
        return str((value.day, value.month, value.year)[index])
    parts = list(value) + ["", "", ""]
    return "" if parts[index] is None else str(parts[index])


@register.simple_tag(takes_context=True)
def pager(context, page, param: str = "page", anchor: str = "") -> dict:
    """Links for GOV.UK pagination: previous, next and the page numbers (with
    gaps), each keeping the rest of the query string (filters, search)."""
    query = context["request"].GET.copy()
    fragment = f"#{anchor}" if anchor else ""

    def href(number: int) -> str:
        query[param] = str(number)
        return f"?{query.urlencode()}{fragment}"

    numbers = []
    for number in page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1):
        if number == page.paginator.ELLIPSIS:
            numbers.append({"ellipsis": True})
        else:
            numbers.append(
                {"number": number, "href": href(number), "current": number == page.number}
            )
    return {
        "previous": href(page.previous_page_number()) if page.has_previous() else "",
        "next": href(page.next_page_number()) if page.has_next() else "",
        "numbers": numbers,
    }


@register.simple_tag(takes_context=True)
def keyset_links(context, newer: str | None, older: str | None, prefix: str, anchor: str = ""):
    """Links to the pages either side of a page found by key (a timeline):
    `<prefix>_after=<newer>` and `<prefix>_before=<older>`, each keeping the
    rest of the query string."""
    fragment = f"#{anchor}" if anchor else ""
    links = {}
    for name, key, param in (("newer", newer, "after"), ("older", older, "before")):
        if key:
            query = context["request"].GET.copy()
            query.pop(f"{prefix}_after", None)
            query.pop(f"{prefix}_before", None)
            query[f"{prefix}_{param}"] = key
            links[name] = f"?{query.urlencode()}{fragment}"
    return links


# Dates and times the GOV.UK way, the same on every page: "1 January 2026",
# "10:05am", "midday", "1 January 2026 at 10:05am". Registered as template
# built-ins (settings.TEMPLATES), so no template needs to load them.


def _local(value):
    if isinstance(value, dt.datetime):
        return template_localtime(value)
    return value


@register.filter
def govuk_date(value, style: str = "") -> str:
    """ "1 January 2026"; with "short" (tables), "1 Jan 2026"."""
    if not value:
        return ""
    # The words dateformat's "j M Y" and "j F Y" give, put together here:
    # a busy page writes a hundred dates, and dateformat parses its format
    # string each time.
    day = _local(value)
    month = MONTHS_3[day.month].title() if style == "short" else MONTHS[day.month]
    return f"{day.day} {month} {day.year:04d}"


@register.filter
def govuk_time(value) -> str:
    """ "10:05am", "3pm", "midday", "midnight"."""
    if not value:
        return ""
    value = _local(value)
    if value.minute == 0 and value.hour in (0, 12):
        return "midnight" if value.hour == 0 else "midday"
    hour = value.hour % 12 or 12
    minutes = f":{value.minute:02d}" if value.minute else ""
    return f"{hour}{minutes}{'am' if value.hour < 12 else 'pm'}"


@register.filter
def govuk_datetime(value) -> str:
    """ "1 January 2026 at 10:05am"."""
    if not value:
        return ""
    return f"{govuk_date(value)} at {govuk_time(value)}"


@register.simple_tag(takes_context=True)
def render_section(context, section):
    """Render one of a page's sections (deal/sections.py) with the page's
    context plus the section's own."""
    template = context.template.engine.get_template(section.template)
    with context.push(section.context):
        return template.render(context)


@register.simple_tag
def hidden_fields(form):
    """A form of hidden fields alone (a formset's management form), as
    `{{ form }}` draws it, without a template for each (deal/govuk_fields.py)."""
    from deal.govuk_fields import hidden_fields as draw

    return draw(form)


@register.simple_tag(takes_context=True)
def govuk_fields(context, form):
    """The form's fields as `{% crispy form %}` draws them, quickly (see
    deal/govuk_fields.py); for the forms on the busiest pages."""
    from deal.govuk_fields import render_form

    return render_form(form, context)
