"""Finding groups, adding and changing them, and uploading a directory."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Fieldset, Fluid, Layout, Size
from django import forms

from conversations.forms import parse_time
from deal.forms import LONG_TEXT, GovukFormMixin
from directory.models import Category, ServiceStatus

DAYS = [
    ("MO", "Monday"),
    ("TU", "Tuesday"),
    ("WE", "Wednesday"),
    ("TH", "Thursday"),
    ("FR", "Friday"),
    ("SA", "Saturday"),
    ("SU", "Sunday"),
]


class FindGroupForm(forms.Form):
    q = forms.CharField(label="Name or what they offer", required=False, max_length=200)
    area = forms.CharField(label="Area or town", required=False, max_length=100)
    category = forms.ModelChoiceField(
        label="Category", queryset=Category.objects.none(), required=False, empty_label="Any"
    )
    retired = forms.BooleanField(label="Show retired groups too", required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.order_by("name")

    def chosen(self) -> dict:
        if not self.is_valid():
            return {"text": "", "area": "", "category": None, "retired": False}
        data = self.cleaned_data
        return {
            "text": data["q"],
            "area": data["area"],
            "category": data["category"],
            "retired": data["retired"],
        }


def _time_text(value: str) -> str:
    """ "10:00:00" as the form shows it: "10:00"."""
    return value[:5] if value else ""


class GroupForm(GovukFormMixin, forms.Form):
    """A group as a manager describes it. When and where it meets, and its
    contact, are the first of each of its Open Referral lists; the rest of
    those lists (from an import) are kept as they are."""

    name = forms.CharField(label="Name", max_length=300)
    description = forms.CharField(
        label="What they offer",
        max_length=LONG_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        # crispy-forms-gds's character count needs a hint to hang on.
        help_text="What happens there and who it is for",
    )
    organisation = forms.CharField(
        label="Run by",
        max_length=300,
        required=False,
        help_text="The charity, church or organisation, if there is one",
    )
    categories = forms.ModelMultipleChoiceField(
        label="Categories",
        queryset=Category.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    new_categories = forms.CharField(
        label="New categories",
        required=False,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One on each line, for example Walking",
    )
    areas = forms.CharField(
        label="Areas it serves",
        required=False,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One on each line, for example Wigan or Leigh and Atherton",
    )
    days = forms.MultipleChoiceField(
        label="Days it meets", choices=DAYS, required=False, widget=forms.CheckboxSelectMultiple
    )
    opens_at = forms.CharField(
        label="Starts at", required=False, max_length=10, help_text="For example, 10:00 or 2pm"
    )
    closes_at = forms.CharField(
        label="Ends at", required=False, max_length=10, help_text="For example, 12:00 or 4pm"
    )
    when = forms.CharField(
        label="When it meets, in words",
        required=False,
        max_length=500,
        help_text="For example, every Thursday except bank holidays",
    )
    venue = forms.CharField(label="Where it meets", required=False, max_length=200)
    address = forms.CharField(label="Address", required=False, max_length=200)
    town = forms.CharField(label="Town", required=False, max_length=100)
    postcode = forms.CharField(label="Postcode", required=False, max_length=10)
    contact_name = forms.CharField(label="Contact name", required=False, max_length=200)
    contact_title = forms.CharField(
        label="Their role", required=False, max_length=200, help_text="For example, organiser"
    )
    email = forms.EmailField(label="Email", required=False, max_length=254)
    url = forms.URLField(label="Website", required=False, max_length=500, assume_scheme="https")
    fees = forms.CharField(
        label="Cost",
        required=False,
        max_length=500,
        help_text="For example, free, or £2 a session including tea",
    )
    minimum_age = forms.IntegerField(
        label="Youngest age", required=False, min_value=0, max_value=150
    )
    maximum_age = forms.IntegerField(label="Oldest age", required=False, min_value=0, max_value=150)
    version = forms.CharField(widget=forms.HiddenInput, required=False)
    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["categories"].queryset = Category.objects.order_by("name")
        self.fields["minimum_age"].error_messages["invalid"] = "Enter the youngest age as a number"
        self.fields["maximum_age"].error_messages["invalid"] = "Enter the oldest age as a number"
        self.fields["url"].error_messages["invalid"] = (
            "Enter the website in the correct format, like https://example.org"
        )
        self.helper.layout = Layout(
            Field.text("name"),
            Field.textarea("description", rows=4, max_characters=LONG_TEXT),
            Field.text("organisation"),
            Fieldset(
                *(
                    [Field.checkboxes("categories", small=True)]
                    if self.fields["categories"].queryset.exists()
                    else []
                ),
                Field.textarea("new_categories", rows=2),
                legend="What kind of group",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.checkboxes("days", small=True),
                Field.text("opens_at", field_width=Fluid.ONE_QUARTER),
                Field.text("closes_at", field_width=Fluid.ONE_QUARTER),
                Field.text("when"),
                legend="When it meets",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("venue"),
                Field.text("address"),
                Field.text("town", field_width=Fluid.TWO_THIRDS),
                Field.text("postcode", field_width=Fluid.ONE_QUARTER),
                Field.textarea("areas", rows=2),
                legend="Where",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("contact_name"),
                Field.text("contact_title"),
                Field.text("email"),
                Field.text("url"),
                legend="Contact",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("fees"),
                Field.text("minimum_age", field_width=Fluid.ONE_QUARTER),
                Field.text("maximum_age", field_width=Fluid.ONE_QUARTER),
                legend="Cost and ages",
                legend_size=Size.MEDIUM,
            ),
            "version",
            "submission_key",
        )

    def _clean_time(self, name: str) -> str:
        text = self.cleaned_data.get(name, "").strip()
        if not text:
            return ""
        value = parse_time(text)
        if value is None:
            raise forms.ValidationError("Enter a real time, like 10:00 or 2pm")
        return value.strftime("%H:%M")

    def clean_opens_at(self) -> str:
        return self._clean_time("opens_at")

    def clean_closes_at(self) -> str:
        return self._clean_time("closes_at")

    def clean(self) -> dict:
        cleaned = super().clean()
        low, high = cleaned.get("minimum_age"), cleaned.get("maximum_age")
        if low is not None and high is not None and low > high:
            self.add_error(
                "maximum_age", "The oldest age must be the same as or more than the youngest"
            )
        opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", "The end time must be after the start time")
        for name in ("new_categories", "areas"):
            lines = [" ".join(line.split()) for line in cleaned.get(name, "").splitlines()]
            cleaned[name] = [line for line in lines if line]
            if any(len(line) > 200 for line in cleaned[name]):
                self.add_error(name, "Keep each line to 200 characters or fewer")
        return cleaned

    @staticmethod
    def initial_for(service) -> dict:
        schedule = service.schedules[0] if service.schedules else {}
        location = (service.locations[0].get("location") or {}) if service.locations else {}
        address = (location.get("addresses") or [{}])[0]
        contact = service.contacts[0] if service.contacts else {}
        return {
            "name": service.name,
            "description": service.description,
            "organisation": service.organisation.name if service.organisation_id else "",
            "categories": [c.pk for c in service.categories.all()],
            "areas": "\n".join(a.name for a in service.areas.all()),
            "days": [d for d in schedule.get("byday", "").split(",") if d in dict(DAYS)],
            "opens_at": _time_text(schedule.get("opens_at", "")),
            "closes_at": _time_text(schedule.get("closes_at", "")),
            "when": schedule.get("description", ""),
            "venue": location.get("name", ""),
            "address": address.get("address_1", ""),
            "town": address.get("city", ""),
            "postcode": address.get("postal_code", ""),
            "contact_name": contact.get("name", ""),
            "contact_title": contact.get("title", ""),
            "email": service.email,
            "url": service.url,
            "fees": service.fees,
            "minimum_age": service.minimum_age,
            "maximum_age": service.maximum_age,
            "version": service.updated_at.isoformat(),
        }


class StatusForm(GovukFormMixin, forms.Form):
    status = forms.ChoiceField(
        label="Is the group running?",
        choices=[
            (ServiceStatus.ACTIVE, "Yes, it is running"),
            (ServiceStatus.TEMPORARILY_CLOSED, "It is closed for now"),
            (ServiceStatus.INACTIVE, "No, retire it"),
            (ServiceStatus.DEFUNCT, "No, it has closed for good"),
        ],
        widget=forms.RadioSelect,
        help_text="Only running groups are offered when recording an action. "
        "Actions linked to a retired group keep it.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(Field.radios("status", legend_size=Size.MEDIUM))


class ImportForm(GovukFormMixin, forms.Form):
    file = forms.FileField(
        label="Open Referral UK file",
        help_text="A JSON file: one service, a list of services, or an organisation with its "
        "services",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].error_messages["required"] = "Select a file to import"
        self.fields["file"].error_messages["empty"] = "The file you selected is empty"
        self.helper.layout = Layout(Field("file"))
