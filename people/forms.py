from __future__ import annotations

from crispy_forms_gds.layout import HTML, Field, Fieldset, Fixed, Fluid, Layout, Size
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q

from deal.forms import (
    LONG_TEXT,
    GovukDateField,
    GovukFormMixin,
    SubmissionKeyField,
    UKPhoneNumberField,
    is_uk_phone_number,
)
from deal.models import Team, User
from people.models import (
    EntryKind,
    Person,
    PersonInLife,
    PersonStatus,
    ProfileEntry,
    WhatMatters,
)
from people.search import normalise_nhs_number, normalise_postcode
from people.services import known_to_other_teams

# A number that passes the NHS number check (modulus 11), so the example
# given is one the form itself accepts.
NHS_NUMBER_EXAMPLE = "943 476 5919"


class FindPersonForm(forms.Form):
    q = forms.CharField(
        label="Name, date of birth, postcode or NHS number", max_length=200, required=False
    )


class PersonForm(GovukFormMixin, forms.ModelForm):
    """Add or change a person's details. The teams offered are the user's own."""

    date_of_birth = GovukDateField(
        label="Date of birth", required=False, past_only=True, help_text="For example, 27 3 1951"
    )
    nhs_number = forms.CharField(
        label="NHS number",
        required=False,
        max_length=20,
        help_text=f"10 digits, for example {NHS_NUMBER_EXAMPLE}",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
    )
    # Wider than the stored form: people type postcodes with odd spacing.
    postcode = forms.CharField(label="Postcode", required=False, max_length=20)
    phone = UKPhoneNumberField(label="Phone number", required=False)
    communication_needs = forms.CharField(
        label="Communication needs",
        required=False,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=Person._meta.get_field("communication_needs").help_text,
    )
    consent_notes = forms.CharField(
        label="Notes about consent",
        required=False,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = Person
        fields = [
            "given_name",
            "family_name",
            "preferred_name",
            "pronouns",
            "date_of_birth",
            "nhs_number",
            "address_line_1",
            "address_line_2",
            "town",
            "postcode",
            "phone",
            "email",
            "preferred_contact",
            "language",
            "interpreter_needed",
            "communication_needs",
            "lawful_basis",
            "consent_to_share",
            "consent_notes",
            "team",
            "named_worker",
            "status",
            "closed_reason",
        ]
        labels = {"given_name": "Given name", "family_name": "Family name"}
        widgets = {
            "preferred_contact": forms.RadioSelect,
            "lawful_basis": forms.RadioSelect,
            "consent_to_share": forms.RadioSelect,
            "status": forms.RadioSelect,
        }

    closed_reason = forms.CharField(
        label="If you are closing the record, why",
        help_text="For example: moved out of the area, no longer wants our support",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Keep why to 1000 characters or fewer"},
    )
    # When the record was last saved, as the user was shown it: a later save by
    # someone else is then refused rather than silently undone.
    last_saved = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if self.instance.pk:
            self.fields["last_saved"].initial = self.instance.updated_at.isoformat()
            self.fields["phone"].already_held = " ".join(self.instance.phone.split())
            # Shown as the profile and the NHS write it (943 476 5919), which
            # is easier to check against a letter than ten digits in a row.
            self.initial["nhs_number"] = self.instance.nhs_number_display
        teams = Team.objects.filter(id__in=user.team_ids())
        self.fields["team"].queryset = teams
        self.fields["team"].empty_label = None
        self.fields["team"].error_messages["required"] = "Select a team"
        if len(user.team_ids()) == 1 and not self.instance.pk:
            self.fields["team"].initial = user.team_ids()[0]
        # Staff who have left stay on the list while they are the named
        # worker, so saving other details does not quietly remove them.
        current_worker = Q(pk=self.instance.named_worker_id or 0)
        self.fields["named_worker"].queryset = User.objects.filter(
            Q(
                is_active=True,
                memberships__team__in=user.team_ids(),
                memberships__confirmed_at__isnull=False,
            )
            | current_worker
        ).distinct()
        self.fields["named_worker"].empty_label = "No named worker yet"
        self.fields["named_worker"].required = False
        self.fields["preferred_contact"].required = False
        # Radios offer only real answers: Django's blank "---------" choice is
        # for a select, and leaving a radio unchosen already says "not given".
        for name in ("preferred_contact", "lawful_basis", "consent_to_share"):
            self.fields[name].choices = [c for c in self.fields[name].choices if c[0]]
        self.fields["given_name"].error_messages["required"] = "Enter their given name"
        self.fields["family_name"].error_messages["required"] = "Enter their family name"
        self.fields["lawful_basis"].error_messages["required"] = (
            "Select the lawful basis for recording"
        )
        self.fields["consent_to_share"].error_messages["required"] = (
            "Select whether they agree to us sharing information"
        )
        if not self.instance.pk:
            del self.fields["status"]
            del self.fields["closed_reason"]
        for name in ("given_name", "family_name", "preferred_name", "pronouns", "town"):
            self.fields[name].widget.attrs.setdefault("spellcheck", "false")
        self.helper.layout = Layout(
            Fieldset(
                Field.text("given_name", field_width=Fluid.ONE_HALF),
                Field.text("family_name", field_width=Fluid.ONE_HALF),
                Field.text("preferred_name", field_width=Fluid.ONE_HALF),
                Field.text("pronouns", field_width=Fixed.TWENTY),
                Field("date_of_birth"),
                Field.text("nhs_number", field_width=Fixed.TEN),
                legend="About them",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("address_line_1"),
                Field.text("address_line_2"),
                Field.text("town", field_width=Fluid.ONE_HALF),
                Field.text("postcode", field_width=Fixed.TEN),
                Field.text("phone", field_width=Fluid.ONE_HALF),
                Field.text("email", field_width=Fluid.ONE_HALF),
                Field.radios("preferred_contact", legend_size=Size.SMALL, small=True),
                legend="Contact",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("language", field_width=Fluid.ONE_HALF),
                Field.checkbox("interpreter_needed", small=True),
                Field.textarea("communication_needs", rows=3),
                legend="Language and communication",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.radios("lawful_basis", legend_size=Size.SMALL, small=True),
                Field.radios("consent_to_share", legend_size=Size.SMALL, small=True),
                Field.textarea("consent_notes", rows=3),
                legend="Consent",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.select("team"),
                Field.select("named_worker"),
                *(
                    [
                        Field.radios("status", legend_size=Size.SMALL, small=True, inline=True),
                        Field.textarea("closed_reason", rows=3),
                    ]
                    if "status" in self.fields
                    else []
                ),
                legend="Team and named worker",
                legend_size=Size.MEDIUM,
            ),
            "last_saved",
        )

    def clean_nhs_number(self) -> str:
        raw = self.cleaned_data["nhs_number"].strip()
        if not raw:
            return ""
        digits = raw.replace(" ", "").replace("-", "")
        if not digits.isdigit() or len(digits) != 10:
            raise ValidationError("NHS number must be 10 digits")
        number = normalise_nhs_number(digits)
        if number is None:
            raise ValidationError("Enter a valid NHS number: check each digit")
        return number

    def clean_postcode(self) -> str:
        raw = self.cleaned_data["postcode"].strip()
        if not raw:
            return ""
        postcode = normalise_postcode(raw)
        if postcode is None:
            raise ValidationError("Enter a real postcode, like WN1 1AA")
        return postcode

    def clean(self) -> dict:
        cleaned = super().clean()
        team = cleaned.get("team")
        worker = cleaned.get("named_worker")
        if team and worker and team.pk not in worker.team_ids():
            self.add_error("named_worker", f"{worker} is not in {team}: choose someone from {team}")
        if "status" in self.fields:
            closing = (
                cleaned.get("status") == PersonStatus.CLOSED
                and self.instance.status != PersonStatus.CLOSED
            )
            reason = (cleaned.get("closed_reason") or "").strip()
            if closing and not reason:
                self.add_error("closed_reason", "Enter why you are closing the record")
            if cleaned.get("status") == PersonStatus.OPEN:
                # Reopened: the earlier reason is kept in the record's history.
                cleaned["closed_reason"] = ""
        return cleaned


class AddPersonForm(PersonForm):
    """Adding a person: warns of likely duplicates before saving."""

    not_a_duplicate = forms.BooleanField(
        label="None of these is the person I am adding",
        required=False,
    )
    add_anyway = forms.BooleanField(label="Add a new record anyway", required=False)
    submission_key = SubmissionKeyField()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.likely_duplicates: list[Person] = []
        # Other teams that may hold the person: their names, nothing more.
        self.known_elsewhere: list[Team] = []
        self.helper.layout.fields.insert(
            0, HTML('{% include "people/includes/likely_duplicates.html" %}')
        )
        self.helper.layout.fields.append("submission_key")

    def clean(self) -> dict:
        cleaned = super().clean()
        # Looked for even when other answers need fixing, so the warning (and
        # the box to answer it) stays on the page while they are fixed.
        # Each with `closed`: a restricted record this user may not open is
        # named, so nobody adds the person twice, and nothing more is shown.
        # Unlike the search box (PersonQuerySet.search), this may match a
        # closed record by its NHS number (or name and date of birth): a
        # second record for the same person is the greater harm, and the
        # warning shows only the name of one the user is about to add anyway.
        self.likely_duplicates = list(
            Person.objects.visible_to(self.user)
            .with_closed_to(self.user)
            .likely_duplicates(
                nhs_number=cleaned.get("nhs_number", ""),
                given_name=cleaned.get("given_name", ""),
                family_name=cleaned.get("family_name", ""),
                date_of_birth=cleaned.get("date_of_birth"),
            )
            .select_related("team")[:10]
        )
        if self.likely_duplicates or cleaned.get("not_a_duplicate"):
            # The box is shown only with the records it answers for.
            self.helper.layout.fields.insert(1, Field.checkbox("not_a_duplicate", small=True))
        if self.likely_duplicates and not cleaned.get("not_a_duplicate"):
            self.add_error(
                "not_a_duplicate",
                "This person may already be recorded: open their record, or confirm "
                "that none of these is them",
            )
        self.known_elsewhere = known_to_other_teams(user=self.user, **self.identity())
        if self.known_elsewhere or cleaned.get("add_anyway"):
            # After the warnings (and the box answering the first of them).
            shown = 2 if self.likely_duplicates or cleaned.get("not_a_duplicate") else 1
            self.helper.layout.fields.insert(shown, Field.checkbox("add_anyway", small=True))
        if self.known_elsewhere and not cleaned.get("add_anyway"):
            self.add_error("add_anyway", known_elsewhere_message(self.known_elsewhere))
        return cleaned

    def identity(self) -> dict:
        """What finds the same person in any team: the likely-duplicate fields."""
        cleaned = getattr(self, "cleaned_data", {})
        return {
            "nhs_number": cleaned.get("nhs_number", ""),
            "given_name": cleaned.get("given_name", ""),
            "family_name": cleaned.get("family_name", ""),
            "date_of_birth": cleaned.get("date_of_birth"),
        }


def known_elsewhere_message(teams: list[Team]) -> str:
    names = " and ".join(", ".join(t.name for t in teams).rsplit(", ", 1))
    if len(teams) == 1:
        return (
            f"This person may already be known to another team ({names}). Ask them to "
            "transfer the record to you, or add a new one."
        )
    return (
        f"This person may already be known to other teams ({names}). Ask one of them to "
        "transfer the record to you, or add a new one."
    )


class TransferDecisionForm(GovukFormMixin, forms.Form):
    """The holding team's manager accepts or declines a transfer request."""

    ACCEPT, DECLINE = "accept", "decline"

    decision = forms.ChoiceField(
        label="Transfer the record?",
        widget=forms.RadioSelect,
        choices=[(ACCEPT, "Yes, transfer the record"), (DECLINE, "No, keep it in our team")],
        error_messages={"required": "Select whether to transfer the record"},
    )
    reason = forms.CharField(
        label="Why not",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed when you decline. The team that asked will see it.",
    )

    def __init__(self, *args, to_team: Team | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if to_team is not None:
            self.fields["decision"].choices = [
                (self.ACCEPT, f"Yes, transfer the record to {to_team}"),
                (self.DECLINE, "No, keep it in our team"),
            ]
        self.helper.layout = Layout(
            Field.radios("decision", legend_size=Size.MEDIUM),
            Field.textarea("reason", rows=3),
        )

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("decision") == self.DECLINE and not cleaned.get("reason", "").strip():
            self.add_error("reason", "Enter why the record stays with your team")
        return cleaned


class WhatMattersForm(GovukFormMixin, forms.ModelForm):
    text = forms.CharField(
        label="What matters to them, in their own words",
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Write it the way they said it.",
        error_messages={"required": "Enter what matters to them"},
    )

    class Meta:
        model = WhatMatters
        fields = ["text"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].label = self.fields["text"].label
        self.helper.layout = Layout(Field.textarea("text", rows=6, label_size=Size.MEDIUM))


ENTRY_WORDS = {
    EntryKind.STRENGTH: ("a strength", "What are they good at?"),
    EntryKind.INTEREST: ("an interest", "What do they enjoy?"),
    EntryKind.NEED: ("a need", "What do they need help with?"),
}


ENTRY_LENGTH = ProfileEntry._meta.get_field("text").max_length
ENTRIES_AT_ONCE = 20


class ProfileEntryForm(GovukFormMixin, forms.Form):
    """Strengths, interests or needs: several at once, one on each line."""

    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}))
    submission_key = SubmissionKeyField()

    def __init__(self, *args, kind: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        article, question = ENTRY_WORDS[EntryKind(kind)]
        field = self.fields["text"]
        field.label = question
        field.help_text = (
            "A few words, in their words. To add more than one, put each on its own line."
        )
        field.error_messages["required"] = f"Enter {article}"
        self.helper.layout = Layout(
            Field.textarea("text", rows=5, label_size=Size.LARGE, label_tag="h1"),
            "submission_key",
        )

    def clean_text(self) -> list[str]:
        """The entries, one a line, blank lines and repeats left out."""
        entries: list[str] = []
        for line in self.cleaned_data["text"].splitlines():
            entry = " ".join(line.split())
            if entry and entry.casefold() not in {e.casefold() for e in entries}:
                entries.append(entry)
        if any(len(entry) > ENTRY_LENGTH for entry in entries):
            raise ValidationError(f"Keep each one to {ENTRY_LENGTH} characters or fewer")
        if len(entries) > ENTRIES_AT_ONCE:
            raise ValidationError(f"Add up to {ENTRIES_AT_ONCE} at a time")
        return entries


class PersonInLifeForm(GovukFormMixin, forms.ModelForm):
    # Only when adding someone: a change of what we know of them is not
    # made twice by sending it twice.
    submission_key = SubmissionKeyField()

    class Meta:
        model = PersonInLife
        fields = ["name", "relationship", "how_they_help", "contact"]
        widgets = {"how_they_help": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].error_messages["required"] = "Enter their name"
        self.fields["relationship"].error_messages["required"] = (
            "Enter how they are related, for example daughter or neighbour"
        )
        self.fields["contact"].widget.attrs.setdefault("autocomplete", "off")
        self.helper.layout = Layout(
            Field.text("name", field_width=Fluid.ONE_HALF),
            Field.text("relationship", field_width=Fluid.ONE_HALF),
            Field.textarea("how_they_help", rows=3),
            Field.text("contact", field_width=Fluid.ONE_HALF),
            *([] if self.instance.pk else ["submission_key"]),
        )
        if self.instance.pk:
            del self.fields["submission_key"]

    def clean_contact(self) -> str:
        contact = " ".join(self.cleaned_data["contact"].split())
        # What was held before contacts were checked ("via Susan") stays
        # saveable while the worker changes something else.
        if not contact or contact == " ".join(self.instance.contact.split()):
            return contact
        if "@" in contact:
            try:
                validate_email(contact)
            except ValidationError:
                raise ValidationError(CONTACT_MESSAGE) from None
        elif not is_uk_phone_number(contact):
            raise ValidationError(CONTACT_MESSAGE)
        return contact


CONTACT_MESSAGE = (
    "Enter a phone number, like 07700 900 982, or an email address, like name@example.com"
)


# --- Restricted records -----------------------------------------------------------------

# Long enough that "x" or "need it" is not taken for a reason.
BREAK_GLASS_REASON_MIN = 10


class BreakGlassForm(GovukFormMixin, forms.Form):
    """Why a member of the team, not named on a restricted record, needs to
    open it."""

    message_names = {"reason": "Your reason"}

    reason = forms.CharField(
        label="Why do you need to open this record?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example: they rang the duty line and need help today. Your reason, "
        "your name and the time are kept, and shown to your team’s manager and to "
        "information governance.",
        error_messages={"required": "Enter why you need to open this record"},
    )
    next = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Field.textarea("reason", rows=4, label_size=Size.MEDIUM), Field("next")
        )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        # Counted in letters and digits: a row of dots or dashes is no reason.
        if sum(ch.isalnum() for ch in reason) < BREAK_GLASS_REASON_MIN:
            raise ValidationError(
                "Say more about why you need to open this record, "
                f"in at least {BREAK_GLASS_REASON_MIN} characters"
            )
        return reason


class NamedStaffField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user: User) -> str:
        return user.full_name


class RestrictionForm(GovukFormMixin, forms.Form):
    """Who of the team can open a restricted record without giving a reason,
    and why it is restricted."""

    message_names = {"named": "Who can open it", "reason": "The reason"}

    named = NamedStaffField(
        label="Who can open this record without giving a reason?",
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Anyone else in the team sees only their name, and must give a reason to "
        "open the record. If you do not choose yourself, you will have to give a reason too.",
        error_messages={
            "required": "Select at least one member of staff who can open the record",
            "invalid_choice": "Select members of staff from this team",
            "invalid_pk_value": "Select members of staff from this team",
        },
    )
    reason = forms.CharField(
        label="Why is the record restricted?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only the staff you choose, and information governance, see this. "
        "For example: they are related to a member of the team.",
        error_messages={"required": "Enter why the record is restricted"},
    )

    def __init__(self, *args, team: Team, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["named"].queryset = User.objects.filter(
            memberships__team=team, memberships__confirmed_at__isnull=False, is_active=True
        ).order_by("full_name", "id")
        self.helper.layout = Layout(
            Field.checkboxes("named", small=True, legend_size=Size.MEDIUM),
            Field.textarea("reason", rows=3, label_size=Size.MEDIUM),
        )


class BreakGlassFilterForm(GovukFormMixin, forms.Form):
    """Information governance's filters of the break-glass list, read from the
    query string; one that is not valid is named and left out."""

    team = forms.ModelChoiceField(
        label="Team",
        queryset=Team.objects.order_by("name", "id"),
        required=False,
        empty_label="Every team",
    )
    start = GovukDateField(label="From", required=False, help_text="For example, 1 4 2026")
    end = GovukDateField(label="To", required=False, help_text="For example, 30 4 2026")

    def __init__(self, data) -> None:
        super().__init__(data)
        self.fields["team"].error_messages["invalid_choice"] = "Select a team from the list"
        self.helper.layout = Layout(Field.select("team"), Field("start"), Field("end"))

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", "The date to must be the same as or after the date from")
        return cleaned

    def chosen(self) -> dict:
        self.is_valid()
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in self.errors and value
        }
