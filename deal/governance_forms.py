"""The filters of the audit log at /governance/audit/."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Fixed, Layout
from django import forms

from deal.forms import GovukDateField, GovukFormMixin
from deal.governance import AuditFilter
from deal.models import AuditAction, User


class AuditFilterForm(GovukFormMixin, forms.Form):
    """Read from the query string. Every filter may be left out; one that is
    not valid is named in the error summary and left out, so the page always
    shows the log."""

    staff = forms.ChoiceField(label="Member of staff", required=False)
    person = forms.IntegerField(
        label="Person’s record number",
        required=False,
        min_value=1,
        max_value=2**62,
        help_text="The number in the address of their record, /people/123/",
    )
    action = forms.ChoiceField(
        label="Kind of event", choices=[("", "Any kind"), *AuditAction.choices], required=False
    )
    start = GovukDateField(label="From", required=False, help_text="For example, 1 4 2026")
    end = GovukDateField(label="To", required=False, help_text="For example, 30 4 2026")

    def __init__(self, data) -> None:
        super().__init__(data)
        self.fields["staff"].choices = [
            ("", "Anyone"),
            *(
                (str(pk), name or email)
                for pk, name, email in User.objects.order_by("full_name", "id").values_list(
                    "pk", "full_name", "email"
                )
            ),
        ]
        self.fields["staff"].error_messages["invalid_choice"] = (
            "Select a member of staff from the list"
        )
        self.fields["action"].error_messages["invalid_choice"] = "Select a kind of event"
        self.fields["person"].error_messages["invalid"] = "Enter the record number as a number"
        self.helper.layout = Layout(
            Field.select("staff"),
            Field.text("person", field_width=Fixed.TEN),
            Field.select("action"),
            Field("start"),
            Field("end"),
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", "The date to must be the same as or after the date from")
        return cleaned

    def chosen(self) -> AuditFilter:
        """The valid filters; any that are not are left out."""
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
        return AuditFilter(
            user_id=int(data["staff"]) if data.get("staff") else None,
            person=data.get("person"),
            action=data.get("action") or "",
            start=data.get("start"),
            end=data.get("end"),
        )


class FindSubjectForm(GovukFormMixin, forms.Form):
    q = forms.CharField(
        label="Name, NHS number, postcode or date of birth",
        max_length=200,
        required=False,
        help_text="For example, Margaret Hughes 27/3/1951 or 943 476 5919",
    )

    def __init__(self, data) -> None:
        super().__init__(data)
        self.fields["q"].error_messages["max_length"] = "Enter 200 characters or fewer"
        self.helper.layout = Layout(Field.text("q"))
