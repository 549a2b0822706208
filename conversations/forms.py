"""The record-a-conversation form and its agreed actions."""

from __future__ import annotations

import datetime as dt
import re
import uuid

from crispy_forms_gds.layout import HTML, Field, Fieldset, Fluid, Layout, Size
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, Value
from django.forms.utils import ErrorDict, ErrorList
from django.utils import timezone

from conversations.models import (
    AgreedAction,
    Conversation,
    Owner,
    Theme,
)
from conversations.services import ActionInput, ConversationContent, check_action_owner
from deal.forms import LONG_TEXT, GovukDateField, GovukFormMixin, govuk_messages
from deal.models import Membership, User
from deal.prepared import prepared
from people.models import EntryKind, Person, ProfileEntry, latest_what_matters

MAX_ACTIONS = 30
YES, NO = "yes", "no"
CHOOSE = "date"
QUICK_DUE = {
    "week": ("In a week", dt.timedelta(days=7)),
    "fortnight": ("In two weeks", dt.timedelta(days=14)),
    "month": ("In a month", dt.timedelta(days=28)),
}
NOTES_LENGTH = 10_000
ENTRY_LENGTH = ProfileEntry._meta.get_field("text").max_length
WELLBEING_CHOICES = [("", "Not asked")] + [(str(n), str(n)) for n in range(11)]
WELLBEING_QUESTIONS = {
    "life_satisfaction": "Overall, how satisfied are you with your life nowadays?",
    "worthwhile": "Overall, to what extent do you feel that the things you do in your life "
    "are worthwhile?",
    "happiness": "Overall, how happy did you feel yesterday?",
    "anxiety": "Overall, how anxious did you feel yesterday?",
}
_TIME = re.compile(r"^\s*(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?\s*$", re.IGNORECASE)


def parse_time(text: str) -> dt.time | None:
    """ "14:30", "2.30pm", "2pm" and the like; None when it is not a time."""
    match = _TIME.match(text or "")
    if not match:
        return None
    hour, minute, half = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half.lower() == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)


class TeamStaff:
    """The staff a conversation's page offers, read in one query for all its
    lists: who was there, and each action's member of staff. A colleague who
    has left (or moved team) stays on a list only where they already are: on
    this conversation's "staff who were there", or as the owner of one of its
    saved actions."""

    def __init__(self, person: Person, conversation=None, owners: list[int] | None = None):
        self.users = _team_staff(
            team_id=person.team_id,
            conversation_id=conversation.pk if conversation else None,
            owners=owners or [],
        )
        self.owners = set(owners or [])

    def _current(self, user: User) -> bool:
        return user.is_active and user.in_team

    def for_staff_present(self) -> list[tuple[int, str]]:
        return [(u.pk, str(u)) for u in self.users if self._current(u) or u.was_there]

    def for_owners(self) -> dict[int, User]:
        return {u.pk: u for u in self.users if self._current(u) or u.pk in self.owners}


# The record form's lists are prepared queries (deal.prepared): the same on
# every request but for the person, their team and the conversation.


@prepared
def _team_staff(*, team_id: int, conversation_id: int | None, owners):
    """TeamStaff's users, each with whether they are in the team now and
    were there."""
    in_team = Membership.objects.confirmed().filter(user=OuterRef("pk"), team=team_id)
    kept = Q(pk__in=owners)
    was_there = Value(False)
    if conversation_id is not None:
        present = Conversation.staff_present.through.objects.filter(conversation=conversation_id)
        kept |= Q(pk__in=present.values("user"))
        was_there = Exists(present.filter(user=OuterRef("pk")))
    return (
        User.objects.filter(
            Q(is_active=True, memberships__team=team_id, memberships__confirmed_at__isnull=False)
            | kept
        )
        .annotate(in_team=Exists(in_team), was_there=was_there)
        .distinct()
        .order_by("full_name")
    )


@prepared
def _entries_offered(*, person_id: int, conversation_id: int | None):
    """The person's current entries, and those the conversation has (one
    archived since), each with whether the conversation has it."""
    entries = ProfileEntry.objects.filter(person=person_id)
    if conversation_id is None:
        return (
            entries.filter(archived_at__isnull=True)
            .annotate(chosen_here=Value(False))
            .order_by("kind", "recorded_at", "id")
        )
    chosen = Conversation.profile_entries.through.objects.filter(conversation=conversation_id)
    return (
        entries.filter(Q(archived_at__isnull=True) | Q(pk__in=chosen.values("profileentry")))
        .annotate(chosen_here=Exists(chosen.filter(profileentry=OuterRef("pk"))))
        .order_by("kind", "recorded_at", "id")
    )


@prepared
def _themes_offered(*, conversation_id: int | None):
    """The themes switched on, and those the conversation has (one switched
    off since), each with whether the conversation has it."""
    if conversation_id is None:
        return Theme.objects.filter(is_active=True).annotate(chosen_here=Value(False))
    chosen = Conversation.themes.through.objects.filter(conversation=conversation_id)
    return Theme.objects.filter(Q(is_active=True) | Q(pk__in=chosen.values("theme"))).annotate(
        chosen_here=Exists(chosen.filter(theme=OuterRef("pk")))
    )


class EntryChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: ProfileEntry) -> str:
        return f"{obj.text} ({obj.get_kind_display().lower()})"


class ConversationForm(GovukFormMixin, forms.ModelForm):
    """A conversation in the order a good one goes: their words first, then
    strengths and interests, then needs, then the when, where and who."""

    what_matters = forms.CharField(
        label="What matters to them, in their own words",
        required=False,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Write it the way they said it. It becomes what matters on their profile.",
    )
    # Asked when their profile already says what matters to them: it is
    # changed only when the worker says it has changed, never by a note typed
    # into an empty box.
    what_matters_changed = forms.ChoiceField(
        label="Has what matters to them changed?",
        choices=[(NO, "No, it is the same"), (YES, "Yes, it has changed")],
        widget=forms.RadioSelect,
        required=False,
    )
    noticed = EntryChoiceField(
        label="Strengths and interests you noticed",
        queryset=ProfileEntry.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="From their profile.",
    )
    new_strengths = forms.CharField(
        label="New strengths",
        required=False,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One on each line. They are added to their profile.",
    )
    new_interests = forms.CharField(
        label="New interests",
        required=False,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One on each line.",
    )
    needs_raised = EntryChoiceField(
        label="Needs they raised",
        queryset=ProfileEntry.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="From their profile.",
    )
    new_needs = forms.CharField(
        label="New needs",
        required=False,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One on each line.",
    )
    date = GovukDateField(label="Date of the conversation", help_text="For example, 27 3 2026")
    time = forms.CharField(
        label="Time",
        max_length=10,
        help_text="For example, 14:30 or 2.30pm",
        widget=forms.TextInput(attrs={"inputmode": "text", "spellcheck": "false"}),
    )
    notes = forms.CharField(
        label="Notes",
        required=False,
        max_length=NOTES_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        # crispy-forms-gds's character count needs a hint to hang on.
        help_text="Anything else worth remembering from the conversation.",
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Declared here rather than taken from the model, so that correcting a
    # conversation reads who was there and its themes with the lists the page
    # offers (TeamStaff, the themes) instead of once more each for the
    # form's initial values. The services save them (ConversationContent).
    staff_present = forms.ModelMultipleChoiceField(
        label="Staff who were there",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    themes = forms.ModelMultipleChoiceField(
        label="Themes",
        queryset=Theme.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Conversation
        fields = [
            "place",
            "others_present",
            "kind",
            "life_satisfaction",
            "worthwhile",
            "happiness",
            "anxiety",
        ]
        widgets = {"place": forms.RadioSelect, "kind": forms.RadioSelect}

    def __init__(
        self,
        *args,
        person: Person,
        completing: bool = True,
        staff: TeamStaff | None = None,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.person = person
        self.completing = completing
        # What their profile says matters to them now (one query).
        self.current_what_matters = latest_what_matters(person)[0]
        # What is offered is read once here (one query for the entries, one
        # for the staff, one for the themes) rather than once for each
        # question and again each time a list is drawn: what is current, plus
        # whatever this conversation already has (an entry archived since, a
        # theme switched off, a colleague who has left), so a correction never
        # quietly drops it.
        offered = _entries_offered(person_id=person.pk, conversation_id=self.instance.pk)
        noticed = [e for e in offered if e.kind in (EntryKind.STRENGTH, EntryKind.INTEREST)]
        needs = [e for e in offered if e.kind == EntryKind.NEED]
        self.staff = staff or TeamStaff(person, self.instance)
        staff_offered = self.staff.for_staff_present()
        themes_offered = _themes_offered(conversation_id=self.instance.pk)
        if self.is_bound:
            # What is sent is checked against what was offered: the same lists.
            self.fields["noticed"].queryset = ProfileEntry.objects.filter(
                pk__in=[e.pk for e in noticed]
            )
            self.fields["needs_raised"].queryset = ProfileEntry.objects.filter(
                pk__in=[e.pk for e in needs]
            )
            self.fields["staff_present"].queryset = User.objects.filter(
                pk__in=[pk for pk, _name in staff_offered]
            ).order_by("full_name")
            self.fields["themes"].queryset = Theme.objects.filter(
                pk__in=[t.pk for t in themes_offered]
            )
        label = self.fields["noticed"].label_from_instance
        self.fields["noticed"].choices = [(e.pk, label(e)) for e in noticed]
        self.fields["needs_raised"].choices = [(e.pk, label(e)) for e in needs]
        self.fields["staff_present"].choices = staff_offered
        self.fields["themes"].choices = [(t.pk, str(t)) for t in themes_offered]
        for name in ("place", "kind"):
            self.fields[name].choices = [c for c in self.fields[name].choices if c[0]]
            self.fields[name].required = False
        for name, question in WELLBEING_QUESTIONS.items():
            self.fields[name] = forms.TypedChoiceField(
                label=question,
                choices=WELLBEING_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
                help_text="0 is “not at all”, 10 is “completely”",
            )
            govuk_messages(self.fields[name])
        self.fields["date"].error_messages["required"] = "Enter the date of the conversation"
        self.fields["time"].error_messages["required"] = "Enter the time of the conversation"
        if self.instance.pk:
            local = timezone.localtime(self.instance.happened_at)
            self.initial.setdefault("date", local.date())
            self.initial.setdefault("time", local.strftime("%H:%M"))
            self.initial.setdefault("what_matters", self.instance.what_matters)
            self.initial.setdefault(
                "what_matters_changed", YES if self.instance.what_matters else NO
            )
            self.initial.setdefault("notes", self.instance.notes)
            self.initial.setdefault("submission_key", self.instance.submission_key)
            self.initial.setdefault("version", self.instance.version)
            chosen = [e.pk for e in offered if e.chosen_here]
            self.initial.setdefault("noticed", chosen)
            self.initial.setdefault("needs_raised", chosen)
            self.initial.setdefault("themes", [t.pk for t in themes_offered if t.chosen_here])
            self.initial.setdefault(
                "staff_present", [u.pk for u in self.staff.users if u.was_there]
            )
        self.initial.setdefault("what_matters_changed", NO)
        self.helper.layout = Layout(
            Fieldset(
                HTML('{% include "conversations/includes/what_matters_field.html" %}')
                if self.current_what_matters
                else Field.textarea("what_matters", rows=5, max_characters=LONG_TEXT),
                legend="What matters to them",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                *([Field.checkboxes("noticed", small=True)] if noticed else []),
                Field.textarea("new_strengths", rows=2),
                Field.textarea("new_interests", rows=2),
                legend="Strengths and interests",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                *([Field.checkboxes("needs_raised", small=True)] if needs else []),
                Field.textarea("new_needs", rows=2),
                legend="Needs",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field("date"),
                Field.text("time", field_width=Fluid.ONE_QUARTER),
                Field.radios("place", small=True, legend_size=Size.SMALL),
                Field.checkboxes("staff_present", small=True, legend_size=Size.SMALL),
                Field.text("others_present"),
                Field.radios("kind", small=True, legend_size=Size.SMALL),
                Field.checkboxes("themes", small=True, legend_size=Size.SMALL),
                Field.textarea("notes", rows=5, max_characters=NOTES_LENGTH),
                legend="About the conversation",
                legend_size=Size.MEDIUM,
            ),
            HTML(
                '<details class="govuk-details"{% if wellbeing_open %} open{% endif %}>'
                '<summary class="govuk-details__summary">'
                '<span class="govuk-details__summary-text">How they are doing: the four '
                "wellbeing questions (optional)</span></summary>"
                '<div class="govuk-details__text">'
            ),
            Field.select("life_satisfaction"),
            Field.select("worthwhile"),
            Field.select("happiness"),
            Field.select("anxiety"),
            HTML("</div></details>"),
            "submission_key",
            "version",
        )

    @property
    def wellbeing_answered(self) -> bool:
        return any(self[name].value() not in (None, "") for name in WELLBEING_QUESTIONS)

    def clean_time(self) -> dt.time:
        value = parse_time(self.cleaned_data["time"])
        if value is None:
            raise ValidationError("Enter a real time, like 14:30 or 2.30pm")
        return value

    def _new_entries(self, name: str, kind: EntryKind) -> list[tuple[EntryKind, str]]:
        lines = [line.strip() for line in self.cleaned_data.get(name, "").splitlines()]
        lines = [line for line in lines if line]
        if any(len(line) > ENTRY_LENGTH for line in lines):
            self.add_error(name, f"Keep each line to {ENTRY_LENGTH} characters or fewer")
        return [(kind, line) for line in lines]

    def _clean_what_matters(self, cleaned: dict) -> None:
        """What matters changes only when they said it has: otherwise the
        conversation leaves it as it is (an empty what_matters)."""
        current = self.current_what_matters
        words = cleaned.get("what_matters", "").strip()
        if current is None:
            return
        if cleaned.get("what_matters_changed") == YES:
            if not words and "what_matters" not in self.errors:
                self.add_error("what_matters", "Enter what matters to them now, in their words")
            return
        if words and words != current.text.strip():
            self.add_error(
                "what_matters_changed",
                "You wrote what matters to them but chose “No, it is the same”: choose "
                "“Yes, it has changed”, or clear the box",
            )
        cleaned["what_matters"] = ""

    def clean(self) -> dict:
        cleaned = super().clean()
        self._clean_what_matters(cleaned)
        date, time = cleaned.get("date"), cleaned.get("time")
        if date and time:
            happened_at = timezone.make_aware(dt.datetime.combine(date, time))
            if happened_at > timezone.now() + dt.timedelta(minutes=5):
                self.add_error("date", "The conversation must be today or in the past")
            cleaned["happened_at"] = happened_at
        if self.completing:
            if not cleaned.get("place"):
                self.add_error("place", "Select where the conversation happened")
            if not cleaned.get("kind"):
                self.add_error("kind", "Select the kind of conversation")
        cleaned["new_entries"] = (
            self._new_entries("new_strengths", EntryKind.STRENGTH)
            + self._new_entries("new_interests", EntryKind.INTEREST)
            + self._new_entries("new_needs", EntryKind.NEED)
        )
        return cleaned

    def content(self, actions: list[ActionInput]) -> ConversationContent:
        data = self.cleaned_data
        fields = {
            name: data[name]
            for name in (
                "place",
                "kind",
                "others_present",
                "what_matters",
                "notes",
                "happened_at",
                *WELLBEING_QUESTIONS,
            )
        }
        return ConversationContent(
            fields=fields,
            themes=list(data["themes"]),
            staff_present=list(data["staff_present"]),
            profile_entries=[*data["noticed"], *data["needs_raised"]],
            new_entries=data["new_entries"],
            actions=actions,
        )


class ActionForm(forms.Form):
    """One agreed action. Rendered by templates/conversations/includes/
    action_fields.html, whose inputs MOJ Frontend's add-another renumbers."""

    what = forms.CharField(
        label="What will happen",
        max_length=AgreedAction._meta.get_field("what").max_length,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    owner_type = forms.ChoiceField(
        label="Who will do it", choices=Owner.choices, widget=forms.RadioSelect
    )
    owner_user = forms.TypedChoiceField(
        label="Member of staff", coerce=int, empty_value=None, required=False
    )
    owner_name = forms.CharField(
        label="Name of the person, organisation or group",
        max_length=AgreedAction._meta.get_field("owner_name").max_length,
        required=False,
    )
    # Quick due dates, counted from the day of the conversation, so that three
    # actions on a phone are not nine date boxes. "Choose a date" reveals them.
    due_in = forms.ChoiceField(
        label="Due by",
        choices=[(k, label) for k, (label, _) in QUICK_DUE.items()] + [(CHOOSE, "Choose a date")],
        widget=forms.RadioSelect,
        required=False,
    )
    due = GovukDateField(label="Due by", name="The due date", within_years=5)
    # For an action already saved: which one, and the version the user saw.
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args, team_id: int, staff: dict[int, User], completing: bool = True, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.team_id = team_id
        self.completing = completing
        # The team's staff, read once for the whole formset rather than once
        # for each action's list.
        self.staff = staff
        self.fields["owner_user"].choices = [("", "Choose a member of staff")] + [
            (pk, str(user)) for pk, user in staff.items()
        ]
        for field in self.fields.values():
            govuk_messages(field)
        self.fields["what"].error_messages["required"] = "Enter what will happen"
        self.fields["owner_type"].error_messages["required"] = "Select who will do it"
        self.fields["due"].error_messages["required"] = "Enter the date it is due by"
        # The date boxes are needed only when no quick due date is chosen.
        self.fields["due"].required = False
        if not completing:
            # A draft holds an action as far as it has been thought through.
            self.fields["owner_type"].required = False

    def is_blank(self) -> bool:
        """Nothing typed in this action at all."""
        visible = [name for name in self.fields if name not in ("id", "version", "due_in")]
        return not any(
            (v if not isinstance(v, list) else any(v))
            for v in (self[name].value() for name in visible)
        )

    def clean_owner_user(self) -> User | None:
        pk = self.cleaned_data.get("owner_user")
        return self.staff.get(pk) if pk is not None else None

    def clean(self) -> dict:
        cleaned = super().clean()
        due_in = cleaned.get("due_in")
        if due_in in QUICK_DUE:
            # Made a date when the conversation's day is known (check_due_dates);
            # today's date stands in until then.
            cleaned["due"] = timezone.localdate() + QUICK_DUE[due_in][1]
        elif cleaned.get("due") is None and "due" not in self.errors and self.completing:
            self.add_error("due", "Enter the date it is due by, or choose a quick date")
        owner_type = cleaned.get("owner_type")
        # A name refused already (too long) was entered: not "enter the name".
        if owner_type and not ({"owner_user", "owner_name"} & self.errors.keys()):
            for name, message in check_action_owner(
                owner_type=owner_type,
                owner_user=cleaned.get("owner_user"),
                owner_name=cleaned.get("owner_name", ""),
                team_id=self.team_id,
                draft=not self.completing,
            ).items():
                self.add_error(name, message)
        return cleaned

    def to_input(self) -> ActionInput:
        data = self.cleaned_data
        return ActionInput(
            what=data["what"],
            owner_type=data.get("owner_type") or "",
            owner_user=data.get("owner_user"),
            owner_name=data.get("owner_name", ""),
            due=data.get("due"),
            pk=data.get("id"),
            version=data.get("version"),
        )


class BaseActionFormSet(forms.BaseFormSet):
    # The error summary names the line: "Action 2: select who will do it".
    item_label = "Action"
    # How many lines are already saved actions: taken from the conversation,
    # never from the page's management form, whose INITIAL_FORMS (or
    # TOTAL_FORMS, for saved actions) an altered page could set to anything.
    # A saved action sent as a spare line would be skipped as blank and lose
    # its fields; a line sent as saved would be checked as one.
    saved_count = 0
    fixed_total = False

    def initial_form_count(self) -> int:
        return self.saved_count

    def total_form_count(self) -> int:
        if self.fixed_total:
            return self.saved_count
        return max(super().total_form_count(), 0)

    def clean(self) -> None:
        if any(self.errors):
            return
        # A blank action with filled ones after it is a slip: ask, rather than
        # guess. A blank one at the end is simply the spare line.
        last_filled = max(
            (i for i, form in enumerate(self.forms) if not form.is_blank()), default=-1
        )
        for index, form in enumerate(self.forms[:last_filled]):
            if form.is_blank():
                form.add_error("what", f"Action {index + 1} is empty: fill it in or remove it")

    def filled_forms(self) -> list[ActionForm]:
        return [form for form in self.forms if not form.is_blank()]

    def check_due_dates(self, conversation_date: dt.date) -> bool:
        ok = True
        for form in self.filled_forms():
            due_in = form.cleaned_data.get("due_in")
            if due_in in QUICK_DUE:
                form.cleaned_data["due"] = conversation_date + QUICK_DUE[due_in][1]
            due = form.cleaned_data.get("due")
            if due and due < conversation_date:
                form.add_error("due", "The due date must be on or after the conversation")
                ok = False
        return ok


def action_formset(
    data,
    *,
    person: Person,
    prefix: str,
    initial=None,
    blank_lines: int = 0,
    saved_actions: list[AgreedAction] | None = None,
    completing: bool = True,
    item_label: str = "Action",
    staff: TeamStaff | None = None,
) -> BaseActionFormSet:
    """The agreed actions of the form: the new ones (extra lines, which may be
    left blank) or the saved ones (exactly as many as were saved)."""
    saved_actions = saved_actions or []
    limit = len(saved_actions) if prefix == "saved" else MAX_ACTIONS
    formset_class = forms.formset_factory(
        ActionForm,
        formset=BaseActionFormSet,
        extra=blank_lines,
        max_num=limit,
        absolute_max=limit,
        validate_max=True,
    )
    # The team's active staff, read once for every line (and, given `staff`,
    # once for the whole page); anyone who has left but still owns a saved
    # action stays on the list for that action.
    owners = [a.owner_user_id for a in saved_actions if a.owner_user_id]
    if staff is None or not set(owners) <= staff.owners:
        staff = TeamStaff(person, owners=owners)
    staff = staff.for_owners()
    formset = formset_class(
        data,
        prefix=prefix,
        initial=initial,
        form_kwargs={"team_id": person.team_id, "staff": staff, "completing": completing},
    )
    formset.item_label = item_label
    formset.saved_count = len(saved_actions) if prefix == "saved" else 0
    formset.fixed_total = prefix == "saved"
    return formset


def initial_for_actions(actions) -> list[dict]:
    return [
        {
            "id": a.pk,
            "version": a.version,
            "what": a.what,
            "owner_type": a.owner_type,
            "owner_user": a.owner_user_id,
            "owner_name": a.owner_name,
            "due": a.due,
            "due_in": CHOOSE,
        }
        for a in actions
    ]


def new_submission_key() -> uuid.UUID:
    return uuid.uuid4()


def show_without_checking(*forms_and_formsets) -> None:
    """Mark bound forms as already checked and fine, so a page redrawn for
    "add another action" or "remove" shows what was typed without errors for
    what the user has not finished yet."""
    for thing in forms_and_formsets:
        if isinstance(thing, forms.BaseFormSet):
            thing._errors = [ErrorDict() for _ in thing.forms]
            thing._non_form_errors = ErrorList()
            for form in thing.forms:
                form._errors = ErrorDict()
        else:
            thing._errors = ErrorDict()
