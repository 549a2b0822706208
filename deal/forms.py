"""Form building blocks that speak GOV.UK: the layout helper, date inputs and
error messages in the Design System's style."""

from __future__ import annotations

import datetime as dt
import functools
import re
import uuid

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Size
from crispy_forms_gds.widgets import DateInputWidget
from django import forms
from django.contrib.auth import forms as auth_forms
from django.core import validators
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

# The longest free text a form takes (notes, what matters, reasons): long enough
# for anything a person says, short enough that a pasted document is refused.
LONG_TEXT = 2000

_DIGITS = re.compile(r"[0-9]+")


PHONE_MESSAGE = "Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"


def is_uk_phone_number(value: str) -> bool:
    """A UK phone number as people write it: 01632 960 001, (01632) 960001,
    07700-900-982, +44 7700 900982, 0044 808 157 0192."""
    digits = re.sub(r"[\s()\-.]", "", value)
    if digits.startswith("+44"):
        digits = "0" + digits[3:].removeprefix("0")
    elif digits.startswith("0044"):
        digits = "0" + digits[4:].removeprefix("0")
    return bool(re.fullmatch(r"0[1-9][0-9]{8,9}", digits))


class UKPhoneNumberField(forms.CharField):
    """A UK phone number, kept as typed (tidied of extra spaces).

    `already_held` is what the record holds now: records made before numbers
    were checked may hold something else, and saving other details must not
    be refused for a value nobody changed.
    """

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}))
        super().__init__(**kwargs)
        self.already_held = ""

    def clean(self, value):
        value = " ".join(str(super().clean(value) or "").split())
        if value and value != self.already_held and not is_uk_phone_number(value):
            raise ValidationError(PHONE_MESSAGE, code="invalid")
        return value


class SubmissionKeyField(forms.UUIDField):
    """The hidden key of a form that adds something: each page drawn gets a new
    one, and sending the same page again sends the same key. A key missing or
    altered is no key (a new one is made), never an error the user can't fix."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("initial", uuid.uuid4)
        super().__init__(**kwargs)

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError:
            return None


ERROR_BORDER_WIDGETS = (forms.URLInput, forms.NumberInput)


class GovukFormMixin:
    """Give a form a crispy-forms-gds helper and GOV.UK-style messages.

    Templates render the <form> tag, the CSRF token and the buttons themselves
    and `{% crispy form %}` the fields, so one page can hold one form however
    it is laid out.
    """

    label_size = Size.SMALL
    # What error messages call a field whose label is a question:
    # {"outcome": "How it went"} gives "Select how it went from the list".
    message_names: dict[str, str] = {}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.label_size = self.label_size
        self.helper.legend_size = self.label_size
        for name, field in self.fields.items():
            govuk_messages(field, self.message_names.get(name))
            if isinstance(field, forms.ModelMultipleChoiceField):
                field.__class__ = _choices_in_range(type(field))

    def full_clean(self) -> None:
        super().full_clean()
        # crispy-forms-gds gives the red error border to text boxes, selects
        # and textareas only; a web address or number box with an error gets
        # it here (its govuk-input class comes from CRISPY_CLASS_CONVERTERS).
        # On the widget, and on the layout's Field where it sets a class of
        # its own (a width), which crispy-forms puts in place of the widget's.
        for name in self.errors:
            field = self.fields.get(name)
            if field is None or type(field.widget) not in ERROR_BORDER_WIDGETS:
                continue
            classes = field.widget.attrs.get("class", "").split()
            if "govuk-input--error" not in classes:
                field.widget.attrs["class"] = " ".join([*classes, "govuk-input--error"])
            if self.helper.layout is not None:
                for holder in _layout_objects_holding(self.helper.layout, name):
                    attrs = getattr(holder, "attrs", None)
                    if attrs and "govuk-input--error" not in attrs.get("class", "").split():
                        attrs["class"] = f"{attrs.get('class', '')} govuk-input--error".strip()


def _layout_objects_holding(layout, name: str) -> list:
    """The layout objects (a Field) that hold the field `name` directly."""
    holders = []
    for pointer in layout.get_field_names():
        if pointer.name != name:
            continue
        holder = layout
        for position in pointer.positions[:-1]:
            holder = holder.fields[position]
        holders.append(holder)
    return holders


# The range of the database's 64-bit integer, which every id here fits.
_BIGGEST_ID = 2**63 - 1


class ChoicesInRangeMixin:
    """For a multiple choice of rows: a ticked value too big for the database's
    integer is refused as a choice not in the list. Django looks the values up
    with `id IN (...)`, and SQLite fails with OverflowError on such a value (a
    500) where a single choice is simply not found."""

    def clean(self, value):
        key = self.queryset.model._meta.pk
        if self.to_field_name:
            key = self.queryset.model._meta.get_field(self.to_field_name)
        if isinstance(key, models.IntegerField) and isinstance(value, list | tuple):
            for chosen in value:
                text = str(chosen).strip()
                if _SIGNED_DIGITS.fullmatch(text) and abs(int(text)) > _BIGGEST_ID:
                    raise ValidationError(
                        self.error_messages["invalid_choice"],
                        code="invalid_choice",
                        params={"value": text},
                    )
        return super().clean(value)


_SIGNED_DIGITS = re.compile(r"[+-]?[0-9]+")


@functools.cache
def _choices_in_range(field_class: type) -> type:
    """The field's own class with ChoicesInRangeMixin in front, made once per
    class: so every form built on GovukFormMixin has the check, whichever
    multiple choice field it declares or its model gives it."""
    if issubclass(field_class, ChoicesInRangeMixin):
        return field_class
    return type(field_class.__name__, (ChoicesInRangeMixin, field_class), {})


def govuk_messages(field: forms.Field, name: str | None = None) -> None:
    """`name` is what the messages call the field when its label will not do
    in a sentence (a question: "How did it go?")."""
    label = name or str(field.label or "this").strip()
    lower = label[0].lower() + label[1:] if label else label
    if label.endswith("?"):
        # Not "Select how did it go? from the list". The message links to
        # the question, so it can speak of the answer.
        label, lower = "The answer", "an answer"
    choosing = isinstance(field, forms.ChoiceField | forms.ModelChoiceField) or isinstance(
        field.widget, forms.CheckboxInput
    )
    field.error_messages.setdefault("required", "")
    if not field.error_messages["required"] or field.error_messages["required"] == str(
        forms.Field.default_error_messages["required"]
    ):
        field.error_messages["required"] = f"{'Select' if choosing else 'Enter'} {lower}"
    # Django's own "Null characters are not allowed." names no field.
    field.validators = [
        validators.ProhibitNullCharactersValidator(
            message=f"{label} must not contain a null character"
        )
        if getattr(validator, "code", "") == "null_characters_not_allowed"
        else validator
        for validator in field.validators
    ]
    # Django's "Ensure this value is less than or equal to 150." neither.
    numbers = {
        "max_value": lambda limit: f"{label} must be {limit} or less",
        "min_value": lambda limit: f"{label} must be {limit} or more",
    }
    for validator in field.validators:
        code = getattr(validator, "code", "")
        if code in numbers and isinstance(validator.limit_value, int | float):
            validator.message = numbers[code](validator.limit_value)
    max_length = getattr(field, "max_length", None)
    if max_length:
        field.error_messages["max_length"] = f"{label} must be {max_length} characters or fewer"
        # Also the validator, which carries its own message.
        for validator in field.validators:
            if getattr(validator, "code", "") == "max_length":
                validator.message = field.error_messages["max_length"]
    if isinstance(field, forms.EmailField):
        field.error_messages["invalid"] = (
            f"Enter {lower} in the correct format, like name@example.com"
        )
        for validator in field.validators:
            if getattr(validator, "code", "") == "invalid":
                validator.message = field.error_messages["invalid"]
    if isinstance(field, forms.ChoiceField) and _djangos_own(field, "invalid_choice"):
        field.error_messages["invalid_choice"] = f"Select {lower} from the list"  # noqa: S608
    if isinstance(field, forms.ModelMultipleChoiceField):
        # Not a number, or not a list at all: an altered page, said the same way.
        for code in ("invalid_pk_value", "invalid_list"):
            if _djangos_own(field, code):
                field.error_messages[code] = field.error_messages["invalid_choice"]


def _djangos_own(field: forms.Field, code: str) -> bool:
    """Whether the field's message is still Django's, not one a form gave it."""
    message = str(field.error_messages.get(code, ""))
    return not message or any(
        message == str(klass.__dict__.get("default_error_messages", {}).get(code))
        for klass in type(field).__mro__
        if klass.__module__.startswith("django.")
    )


class NumericDateInputWidget(DateInputWidget):
    """crispy-forms-gds's day, month and year boxes, with `inputmode="numeric"`
    as the GOV.UK date input has it: a phone offers its number pad."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for part in self.widgets:
            part.attrs["inputmode"] = "numeric"


class GovukDateField(forms.MultiValueField):
    """A GOV.UK date input (day, month, year) with the Design System's messages.

    Written rather than taking crispy-forms-gds's DateInputField as it is, because
    that field quietly drops a half-filled optional date and reports impossible
    dates in Python's words.
    """

    widget = NumericDateInputWidget

    def __init__(
        self,
        *,
        past_only: bool = False,
        future_only: bool = False,
        within_years: int | None = None,
        name: str | None = None,
        **kwargs,
    ) -> None:
        """`within_years`: no later than that many years from today (a due
        date of 9999 is a slip, and sorts every list wrong). `name`: what the
        messages call it when the label reads badly in a sentence ("Due by")."""
        self.past_only = past_only
        self.future_only = future_only
        self.within_years = within_years
        self.message_name = name
        parts = (forms.CharField(), forms.CharField(), forms.CharField())
        super().__init__(fields=parts, require_all_fields=False, **kwargs)
        name = self._name()
        self.error_messages["required"] = f"Enter {name[0].lower()}{name[1:]}"

    def _name(self) -> str:
        return self.message_name or str(self.label or "Date")

    def compress(self, data_list):  # pragma: no cover - clean() does the work
        return data_list

    def clean(self, value) -> dt.date | None:
        name = self._name()
        if isinstance(value, dt.date):
            return value
        parts = [str(p or "").strip() for p in (value or ["", "", ""])]
        parts += [""] * (3 - len(parts))
        day, month, year = parts[:3]
        if not (day or month or year):
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return None
        missing = [w for w, v in (("day", day), ("month", month), ("year", year)) if not v]
        if missing:
            raise ValidationError(
                f"{name} must include a {' and a '.join(missing)}", code="incomplete"
            )
        # ASCII digits only: str.isdigit() also takes "²" and other scripts' digits.
        if not all(_DIGITS.fullmatch(part) for part in (day, month, year)):
            raise ValidationError(f"{name} must be a real date", code="invalid")
        if len(year) != 4:
            raise ValidationError("Year must include 4 numbers", code="invalid")
        try:
            date = dt.date(int(year), int(month), int(day))
        except (ValueError, OverflowError):
            # A day or month of 3000000000 is too big for the C integer that
            # datetime takes, and Python says so with OverflowError.
            raise ValidationError(f"{name} must be a real date", code="invalid") from None
        today = timezone.localdate()
        if self.past_only and date >= today:
            raise ValidationError(f"{name} must be in the past", code="future")
        if self.future_only and date < today:
            raise ValidationError(f"{name} must be today or in the future", code="past")
        if date.year < 1900:
            raise ValidationError(f"{name} must be after 1900", code="too_early")
        if self.within_years is not None and date > _years_after(today, self.within_years):
            raise ValidationError(
                f"{name} must be within {self.within_years} years", code="too_late"
            )
        self.run_validators(date)
        return date

    def has_changed(self, initial, data) -> bool:
        if not any(str(part or "").strip() for part in (data or [])):
            return initial is not None
        try:
            return self.clean(data) != initial
        except ValidationError:
            return True


def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February, in a year that has none
        return day.replace(year=day.year + years, day=28)


class SignInForm(GovukFormMixin, auth_forms.AuthenticationForm):
    """Email and password. django-axes counts the failures."""

    username = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": "Enter a correct email address and password",
        "inactive": "This account has been switched off. Ask your manager.",
    }

    def __init__(self, request=None, *args, **kwargs) -> None:
        super().__init__(request, *args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your email address"
        self.fields["password"].error_messages["required"] = "Enter your password"


class PasswordResetForm(GovukFormMixin, auth_forms.PasswordResetForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Email address"
        self.fields["email"].error_messages["required"] = "Enter your email address"


class SetPasswordForm(GovukFormMixin, auth_forms.SetPasswordForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].error_messages["required"] = "Confirm your new password"
