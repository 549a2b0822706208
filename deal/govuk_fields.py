"""GOV.UK form fields drawn in plain Python, for the forms on the busiest pages.

Forms declare their layout with crispy-forms-gds (`form.helper.layout`), and
most pages draw it with `{% crispy form %}`. That tag renders every field,
radio and checkbox through a chain of included templates, which on the record
form took most of the page's time (the four wellbeing questions alone are 48
options). `{% govuk_fields form %}` walks the same layout and writes the same
GOV.UK markup with `format_html`: the same ids, classes, hints, error messages
and `aria-describedby` as crispy-forms-gds, so tests, scripts and the error
summary's links find the same page. `tests/conversations/test_record_form_rendering.py`
holds the two renderings of each form that uses it to be the same.

What is drawn: text, number and email inputs, textareas (with the character
count), selects, radios, checkboxes (a set, or one alone), the GOV.UK date
input, hidden inputs,
fieldsets and HTML blocks. Anything else raises, so a form whose layout grows
a kind not written here goes back to `{% crispy %}` rather than being drawn
wrong.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from crispy_forms import layout as crispy_layout
from crispy_forms_gds import layout as gds_layout
from django import forms
from django.template import Context, Template
from django.utils.html import conditional_escape, escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

CONTROL_CLASS = {
    forms.TextInput: "govuk-input",
    forms.NumberInput: "govuk-input",
    forms.EmailInput: "govuk-input",
    forms.URLInput: "govuk-input",
    forms.Textarea: "govuk-textarea",
    forms.Select: "govuk-select",
}


class NotDrawnHere(TypeError):
    """A layout item or widget this module does not draw."""


def render_form(form: forms.BaseForm, context: Context) -> SafeString:
    """The form's fields as its crispy-forms-gds layout lays them out."""
    helper = getattr(form, "helper", None)
    layout = getattr(helper, "layout", None)
    items: Iterable = list(form.fields) if layout is None else layout.fields
    # The helper's sizes are every field's default, as crispy-forms-gds has it.
    defaults = {}
    if getattr(helper, "label_size", ""):
        defaults["label_size"] = gds_layout.Size.for_label(helper.label_size)
    if getattr(helper, "legend_size", ""):
        defaults["legend_size"] = gds_layout.Size.for_legend(helper.legend_size)
    form.use_required_attribute = False
    return _join(_item(form, item, context, defaults) for item in items)


def _join(parts: Iterable[str], between: str = "\n") -> SafeString:
    # Each part is already safe HTML (format_html); anything else is escaped.
    # What format_html_join(between, "{}", ...) gives, without a format_html
    # for each part.
    return mark_safe(between.join(conditional_escape(part) for part in parts))  # noqa: S308


def _item(form, item, context: Context, extra: dict) -> str:
    if isinstance(item, str):
        return render_field(form[item], extra)
    if isinstance(item, gds_layout.Field):
        return _join(
            render_field(form[name], {**extra, **item.context}, item.attrs) for name in item.fields
        )
    if isinstance(item, gds_layout.Fieldset):
        return _fieldset(form, item, context, extra)
    if isinstance(item, crispy_layout.HTML):
        return _compiled(item.html).render(context)
    if isinstance(item, crispy_layout.Layout):
        return _join(_item(form, inner, context, extra) for inner in item.fields)
    raise NotDrawnHere(f"{type(item).__name__} is drawn by {{% crispy %}}, not here")


@lru_cache(maxsize=64)
def _compiled(html: str) -> Template:
    # The layout's HTML blocks are fixed strings: compiled once per process.
    return Template(html)


def _fieldset(form, fieldset, context: Context, extra: dict) -> str:
    own = {**extra, **fieldset.context}
    legend = ""
    if own.get("legend"):
        size = own.get("legend_size", "")
        legend = format_html(
            '<legend class="govuk-fieldset__legend{}">{}</legend>',
            f" {size}" if size else "",
            own["legend"],
        )
    # The fieldset's own legend size is for its legend, not its fields'.
    inner = _join(_item(form, item, context, extra) for item in fieldset.fields)
    return format_html(
        "<fieldset{}{}{}>{}{}</fieldset>",
        format_html(' id="{}"', fieldset.css_id) if fieldset.css_id else "",
        format_html(' class="{}"', fieldset.css_class) if fieldset.css_class else "",
        fieldset.flat_attrs,  # flatatt's output, escaped already
        legend,
        inner,
    )


# Fields ---------------------------------------------------------------------


def hidden_input(field: forms.BoundField) -> str:
    """A hidden field as Django's widget templates draw it (three templates
    for one tag, a third of a millisecond each: a formset's management form
    is four of them)."""
    widget = field.field.widget
    if type(widget) is not forms.HiddenInput:
        return str(field)  # several inputs (MultipleHiddenInput): Django draws them
    attrs = field.build_widget_attrs(widget.attrs)
    if field.auto_id and "id" not in attrs:
        attrs["id"] = field.auto_id
    value = widget.format_value(field.value())
    return format_html(
        '<input type="hidden" name="{}"{}{}>',
        field.html_name,
        format_html(' value="{}"', value) if value is not None else "",
        _attrs(attrs),
    )


def hidden_fields(form: forms.BaseForm) -> SafeString:
    """A form of hidden fields alone (a formset's management form), as
    `{{ form }}` draws it; a form with an error in them is drawn by Django."""
    if form.errors or not all(field.is_hidden for field in form):
        return mark_safe(str(form))  # noqa: S308 - Django's own rendering
    return _join(hidden_input(field) for field in form)


def render_field(field: forms.BoundField, extra: dict, attrs: dict | None = None) -> str:
    """One field as crispy-forms-gds's gds/field.html draws it."""
    widget = field.field.widget
    if widget.is_hidden:
        return hidden_input(field)
    attrs = dict(attrs or {})
    if isinstance(widget, forms.CheckboxSelectMultiple):
        body = _choices(field, extra, "checkbox")
    elif isinstance(widget, forms.RadioSelect):
        body = _choices(field, extra, "radio")
    elif isinstance(widget, forms.MultiWidget):
        body = _date(field, extra)
    elif isinstance(widget, forms.CheckboxInput):
        body = _checkbox(field, extra, attrs)
    elif type(widget) in CONTROL_CLASS or isinstance(widget, forms.Select):
        body = _control(field, extra, attrs)
    else:
        raise NotDrawnHere(f"{type(widget).__name__} ({field.name}) is drawn by {{% crispy %}}")
    group = format_html(
        '<div id="div_{}" class="govuk-form-group{}">{}</div>',
        field.auto_id,
        " govuk-form-group--error" if field.errors else "",
        body,
    )
    counting = extra.get("max_characters")
    if counting:
        return format_html(
            '<div class="govuk-character-count" data-module="govuk-character-count"'
            ' data-maxlength="{}">{}</div>',
            counting,
            group,
        )
    return group


def _hint_and_errors(field: forms.BoundField) -> str:
    hint = ""
    if field.help_text:
        hint = format_html(
            '<div id="{}_hint" class="govuk-hint">{}</div>',
            field.auto_id,
            field.help_text,
        )
    errors = format_html_join(
        "",
        '<span id="{}_{}_error" class="govuk-error-message">'
        '<span class="govuk-visually-hidden">Error:</span> {}</span>',
        ((field.auto_id, number, error) for number, error in enumerate(field.errors, start=1)),
    )
    return format_html("{}{}", hint, errors)


def _described_by(field: forms.BoundField) -> str:
    ids = [f"{field.auto_id}_hint"] if field.help_text else []
    ids += [f"{field.auto_id}_{n}_error" for n in range(1, len(field.errors) + 1)]
    return " ".join(ids)


def _legend(field: forms.BoundField, extra: dict) -> str:
    size = extra.get("legend_size", "")
    return format_html(
        '<legend class="govuk-fieldset__legend{}">{}</legend>',
        f" {size}" if size else "",
        field.label,
    )


def _fieldset_attrs(field: forms.BoundField) -> str:
    described = _described_by(field)
    return format_html(' aria-describedby="{}"', described) if described else ""


def _choices(field: forms.BoundField, extra: dict, kind: str) -> str:
    """Radios or checkboxes: GOV.UK's markup, one option after another."""
    plural = "radios" if kind == "radio" else "checkboxes"
    small = extra.get(f"{plural}_small")
    inline = extra.get("radios_inline") if kind == "radio" else extra.get("inline")
    value = field.value()
    if kind == "radio":
        chosen = {"" if value is None else str(value)}
    else:
        chosen = {str(v) for v in (value or [])}
    # What is the same in every option, escaped once; f-strings rather than
    # format_html for each option (the record form has over 60 of them).
    name = escape(field.html_name)
    start = f'<div class="govuk-{plural}__item"><input type="{kind}" name="{name}"'
    start += f' class="govuk-{plural}__input" id="id_{name}_'
    options = []
    # Iterated once: a model field's choices run a query each time.
    for number, (choice_value, label) in enumerate(field.field.choices, start=1):
        key = str(getattr(choice_value, "value", choice_value))
        checked = ' checked="checked"' if key in chosen else ""
        options.append(
            f'{start}{number}" value="{escape(key)}"{checked}><label class="govuk-label'
            f' govuk-{plural}__label" for="id_{name}_{number}">{conditional_escape(label)}'
            "</label></div>"
        )
    # GOV.UK's inline radios are "govuk-radios govuk-radios--inline";
    # crispy-forms-gds writes the second alone, and they stack.
    classes = f"govuk-{plural}{f' govuk-{plural}--inline' if inline else ''}"
    if small:
        classes += f" govuk-{plural}--small"
    return format_html(
        '<fieldset class="govuk-fieldset"{}>{}{}<div class="{}">{}</div></fieldset>',
        _fieldset_attrs(field),
        _legend(field, extra) if field.label else "",
        _hint_and_errors(field),
        classes,
        mark_safe("\n".join(options)),  # noqa: S308 - each part escaped above
    )


def _checkbox(field: forms.BoundField, extra: dict, attrs: dict) -> str:
    """A single checkbox ("None of these is the person"), its label beside it."""
    widget = field.field.widget
    classes = ["govuk-checkboxes__input"]
    for name in (widget.attrs.get("class", "") + " " + attrs.pop("class", "")).split():
        if name not in classes:
            classes.append(name)
    box_attrs = {**widget.attrs, **attrs, "class": " ".join(classes)}
    described = _described_by(field)
    if described:
        box_attrs["aria-describedby"] = described
    if widget.check_test(field.value()):
        box_attrs["checked"] = True
    small = " govuk-checkboxes--small" if extra.get("checkboxes_small") else ""
    return format_html(
        '{}<div class="govuk-checkboxes{}"><div class="govuk-checkboxes__item">{}'
        '<label class="govuk-label govuk-checkboxes__label" for="{}">{}</label></div></div>',
        _hint_and_errors(field),
        small,
        _widget(field, box_attrs),
        field.id_for_label,
        field.label,
    )


def _control(field: forms.BoundField, extra: dict, attrs: dict) -> str:
    """A text input, textarea or select, with its label above."""
    widget = field.field.widget
    base = CONTROL_CLASS.get(type(widget), "govuk-select")
    classes = [base]
    for name in (widget.attrs.get("class", "") + " " + attrs.pop("class", "")).split():
        if name not in classes:
            classes.append(name)
    widget_attrs = {**widget.attrs, **attrs, "class": " ".join(classes)}
    described = [f"{field.auto_id}_hint"] if field.help_text else []
    if extra.get("max_characters"):
        # GOV.UK Frontend's character count finds its message by this id.
        described.append(f"{field.auto_id}-info")
    described += [f"{field.auto_id}_{n}_error" for n in range(1, len(field.errors) + 1)]
    if described:
        widget_attrs["aria-describedby"] = " ".join(described)
    if field.errors and f"{base}--error" not in classes:
        widget_attrs["class"] += f" {base}--error"
    label_size = extra.get("label_size", "")
    label = format_html(
        '<label for="{}" class="govuk-label{}">{}</label>',
        field.id_for_label,
        f" {label_size}" if label_size else "",
        field.label,
    )
    control = _widget(field, widget_attrs)
    counter = ""
    if extra.get("max_characters"):
        counter = format_html(
            '<span id="{}-info" class="govuk-hint govuk-character-count__message"'
            ' aria-live="polite">You can enter up to {} characters</span>',
            field.id_for_label,
            extra["max_characters"],
        )
    return format_html("{}{}{}{}", label, _hint_and_errors(field), control, counter)


def _date(field: forms.BoundField, extra: dict) -> str:
    """The GOV.UK date input: day, month and year boxes in one fieldset."""
    widget = field.field.widget
    values = field.value()
    if not isinstance(values, list | tuple):
        values = widget.decompress(values)
    error = " govuk-input--error" if field.errors else ""
    invalid = mark_safe(' aria-invalid="true"') if field.errors else ""
    parts = []
    for index, (part, value) in enumerate(zip(widget.widgets, values, strict=False)):
        part_attrs = dict(part.attrs)
        label = part_attrs.pop("label", "")
        part_id = f"{field.auto_id}_{index}"
        parts.append(
            format_html(
                '<div class="govuk-date-input__item"><div class="govuk-form-group">'
                '<label class="govuk-label govuk-date-input__label" for="{}">{}</label>'
                '<input type="text" name="{}_{}"{} class="{}{}" id="{}"{}{}></div></div>',
                part_id,
                label,
                field.html_name,
                index,
                "" if value is None else format_html(' value="{}"', value),
                part_attrs.pop("class", ""),
                error,
                part_id,
                invalid,
                format_html_join("", ' {}="{}"', part_attrs.items()),
            )
        )
    return format_html(
        '<fieldset class="govuk-fieldset"{}>{}{}<div class="govuk-date-input" id="{}">{}</div>'
        "</fieldset>",
        _fieldset_attrs(field),
        _legend(field, extra) if field.label else "",
        _hint_and_errors(field),
        field.auto_id,
        _join(parts),
    )


def _widget(field: forms.BoundField, attrs: dict) -> str:
    """The control itself, as Django's widget templates write it (see
    BoundField.as_widget), without a template for each option."""
    widget = field.field.widget
    attrs = field.build_widget_attrs(attrs, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    attrs = widget.build_attrs(widget.attrs, attrs)
    value = widget.format_value(field.value())
    if isinstance(widget, forms.Textarea):
        return format_html(
            '<textarea name="{}"{}>\n{}</textarea>', field.html_name, _attrs(attrs), value or ""
        )
    if isinstance(widget, forms.Select):
        chosen = {str(v) for v in value}

        def options(choices) -> SafeString:
            # f-strings, each value escaped, rather than format_html for
            # each option (a list of the team's staff on every action).
            return mark_safe(  # noqa: S308 - each part escaped here
                "\n".join(
                    f'<option value="{escape(key)}"{" selected" if key in chosen else ""}>'
                    f"{conditional_escape(label)}</option>"
                    for key, label in (
                        ("" if option_value is None else str(option_value), label)
                        for option_value, label in choices
                    )
                )
            )

        drawn = _join(
            format_html('<optgroup label="{}">{}</optgroup>', group, options(label))
            if isinstance(label, list | tuple)
            else options([(group, label)])
            for group, label in widget.choices
        )
        return format_html('<select name="{}"{}>{}</select>', field.html_name, _attrs(attrs), drawn)
    return format_html(
        '<input type="{}" name="{}"{}{}>',
        widget.input_type,
        field.html_name,
        format_html(' value="{}"', value) if value is not None else "",
        _attrs(attrs),
    )


def _attrs(attrs: dict) -> str:
    """As django/forms/widgets/attrs.html: True is a bare name, False or None
    leaves the attribute out."""
    return _join_inline(
        format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
        for name, value in attrs.items()
        if value is not False and value is not None
    )


def _join_inline(parts: Iterable[str]) -> SafeString:
    return _join(parts, between="")
