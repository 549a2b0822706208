"""Forms of the positive-risk decision pages: proposing and revising one,
backing it or asking to talk first, notes, the outcome, and the filters of
the list and the learning page."""

from __future__ import annotations

import uuid

from crispy_forms_gds.layout import Field, Layout, Size
from django import forms
from django.db.models import Count, Q
from django.http import QueryDict
from django.utils import dateformat, timezone

from conversations.models import (
    DECISION_PROPOSAL_FIELDS,
    DecisionOutcome,
    DecisionStatus,
    RiskDecision,
    RiskDecisionQuerySet,
    Theme,
)
from deal.forms import LONG_TEXT, GovukDateField, GovukFormMixin
from deal.models import Team, User
from people.models import Person

ANY = "any"
ME = "me"
ANYONE = "anyone"
ALL_TEAMS = ""


class VersionedForm(GovukFormMixin, forms.Form):
    """A form about a decision as it was when the page was opened: a save made
    from an older version is refused rather than overwriting someone else's."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, decision: RiskDecision, **kwargs) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("version", decision.version)
        super().__init__(*args, **kwargs)
        self.decision = decision

    def is_stale(self) -> bool:
        try:
            return int(self.data.get(self.add_prefix("version"), "")) != self.decision.version
        except ValueError:
            return True

    def typed(self, current: RiskDecision) -> VersionedForm:
        """A fresh form for the decision as saved now, holding what the user
        typed: after a conflict, or Enter, so they can check it and save."""
        typed = {
            name: self.data.get(self.add_prefix(name), "")
            for name in self.fields
            if name != "version"
        }
        return type(self)(decision=current, initial=typed)

    def add_service_errors(self, error) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, messages in error.message_dict.items():
            self.add_error(name if name in self.fields else None, messages)


def _text(label: str, help_text: str = "", rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=LONG_TEXT,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


# What each question is called in an error message: "Enter what could go wrong".
PROPOSAL_WORDS = {
    "what": "what they want to do",
    "why_it_matters": "why it matters to them",
    "benefits": "what good could come of it",
    "what_could_go_wrong": "what could go wrong",
    "risk_of_not_doing": "the risk of not doing it",
    "what_will_help": "what will help it go well",
    "their_view": "what they say about it",
    "review_date": "the review date",
}


class ProposalForm(GovukFormMixin, forms.Form):
    """What the person wants to do, thought through with them. The same form
    proposes a decision and revises it before it is backed."""

    message_names = {"what": "What they want to do"}

    what = forms.CharField(
        label="What do they want to do?",
        max_length=RiskDecision._meta.get_field("what").max_length,
        help_text="For example, go to the match on their own by bus",
    )
    why_it_matters = _text("Why does it matter to them?", "In their words where you can")
    benefits = _text("What good could come of it?", "The benefits to them and to others")
    what_could_go_wrong = _text(
        "What could go wrong?", "What worries them, you or others, and how likely it is"
    )
    risk_of_not_doing = _text(
        "What is the risk of not doing it?",
        "Staying as things are has risks too: to their health, confidence, friendships",
    )
    what_will_help = _text("What will help it go well?", "Who and what will make the risk smaller")
    their_view = _text("What do they say about it?", "In their own words", rows=4)
    review_date = GovukDateField(
        label="Review date",
        future_only=True,
        within_years=5,
        help_text="When you will look back on how it went. For example, 27 4 2026",
    )
    themes = forms.ModelMultipleChoiceField(
        label="Themes",
        queryset=Theme.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply",
    )
    note = forms.CharField(
        label="What has changed, and why",
        required=False,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Optional. Kept in the decision's trail",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, decision: RiskDecision | None = None, **kwargs) -> None:
        if decision is not None:
            initial = {name: getattr(decision, name) for name in DECISION_PROPOSAL_FIELDS}
            initial["themes"] = [t.pk for t in decision.themes.all()]
            initial["version"] = decision.version
            initial.update(kwargs.pop("initial", {}))
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.decision = decision
        for name, words in PROPOSAL_WORDS.items():
            field = self.fields[name]
            field.error_messages["required"] = f"Enter {words}"
            if getattr(field, "max_length", None):
                too_long = f"{words[0].upper()}{words[1:]} must be {field.max_length} characters "
                too_long += "or fewer"
                field.error_messages["max_length"] = too_long
                for validator in field.validators:
                    if getattr(validator, "code", "") == "max_length":
                        validator.message = too_long
        chosen = Q(pk__in=decision.themes.all()) if decision is not None else Q(pk__in=[])
        self.fields["themes"].queryset = Theme.objects.filter(Q(is_active=True) | chosen)
        if decision is not None:
            # A review date already saved may have passed while it waited.
            self.fields["review_date"].future_only = False
        else:
            del self.fields["note"]
            del self.fields["version"]
        self.helper.layout = Layout(
            Field.text("what"),
            Field.textarea("why_it_matters", rows=3, max_characters=LONG_TEXT),
            Field.textarea("benefits", rows=3, max_characters=LONG_TEXT),
            Field.textarea("what_could_go_wrong", rows=3, max_characters=LONG_TEXT),
            Field.textarea("risk_of_not_doing", rows=3, max_characters=LONG_TEXT),
            Field.textarea("what_will_help", rows=3, max_characters=LONG_TEXT),
            Field.textarea("their_view", rows=4, max_characters=LONG_TEXT),
            Field("review_date"),
            Field.checkboxes("themes", small=True, legend_size=Size.SMALL),
            *(
                [Field.textarea("note", rows=3, max_characters=LONG_TEXT), Field("version")]
                if decision is not None
                else []
            ),
        )

    def clean(self) -> dict:
        cleaned = super().clean()
        date = cleaned.get("review_date")
        # A new date must be ahead; one already saved may have passed while
        # the decision waited, and keeping it is fine.
        if (
            date is not None
            and self.decision is not None
            and date != self.decision.review_date
            and date < timezone.localdate()
        ):
            self.add_error("review_date", "Review date must be today or in the future")
        return cleaned

    def proposal(self) -> dict:
        return {name: self.cleaned_data[name] for name in DECISION_PROPOSAL_FIELDS}

    def is_stale(self) -> bool:
        if self.decision is None:
            return False
        try:
            return int(self.data.get("version", "")) != self.decision.version
        except ValueError:
            return True

    def add_service_errors(self, error) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, messages in error.message_dict.items():
            self.add_error(name if name in self.fields else None, messages)


def new_submission_key() -> uuid.UUID:
    return uuid.uuid4()


class Backing:
    BACK = "back"
    TALK_FIRST = "talk_first"


class BackingForm(VersionedForm):
    """A manager's answer: "We will back you", or let's talk first."""

    prefix = "backing"

    answer = forms.ChoiceField(
        label="Will you back it?",
        choices=[
            (Backing.BACK, "Yes, we will back you"),
            (Backing.TALK_FIRST, "Let’s talk first"),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label="Comment",
        required=False,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Optional when you back it. When you want to talk first, say what about.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["answer"].error_messages["required"] = "Select whether you will back it"
        self.helper.layout = Layout(
            Field.radios("answer", legend_size=Size.MEDIUM),
            Field.textarea("comment", rows=3, max_characters=LONG_TEXT),
            Field("version"),
        )

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("answer") == Backing.TALK_FIRST and not cleaned.get("comment", "").strip():
            self.add_error("comment", "Enter what you would like to talk about")
        return cleaned


class OutcomeForm(VersionedForm):
    prefix = "outcome"
    message_names = {"outcome": "How it went", "learning": "What was learned"}

    outcome = forms.ChoiceField(
        label="How did it go?",
        choices=DecisionOutcome.choices,
        widget=forms.RadioSelect,
    )
    learning = forms.CharField(
        label="What was learned?",
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What helped, what did not, and what you would do the same or differently. "
        "This is for learning, not blame.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome"].error_messages["required"] = "Select how it went"
        self.fields["learning"].error_messages["required"] = "Enter what was learned"
        self.helper.layout = Layout(
            Field.radios("outcome", legend_size=Size.MEDIUM),
            Field.textarea("learning", rows=5, max_characters=LONG_TEXT),
            Field("version"),
        )


class NoteForm(VersionedForm):
    prefix = "note"

    note = forms.CharField(
        label="Add a note",
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="A later thought, kept in the trail with your name and the time",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["note"].error_messages["required"] = "Enter your note"
        self.helper.layout = Layout(
            Field.textarea("note", rows=3, max_characters=LONG_TEXT),
            Field("version"),
        )


# --- Filters ----------------------------------------------------------------------


class Show:
    WAITING = "waiting"
    TALK_FIRST = "talk_first"
    REVIEW = "review"
    BACKED = "backed"
    RECENT = "recent"


class FilterForm(GovukFormMixin, forms.Form):
    """Filters read from the query string. Each has a default, so a filter
    missing from the address, or given a value not on offer, falls back to it;
    the bad value is named in the error summary."""

    DEFAULTS: dict[str, str] = {}
    MESSAGES: dict[str, str] = {}

    def __init__(self, data: QueryDict, *, user: User) -> None:
        values = dict(self.DEFAULTS)
        for name in self.DEFAULTS:
            if data.get(name):
                values[name] = data.get(name)
        super().__init__(values)
        self.user = user
        if len(user.team_ids()) > 1:
            self.fields["team"].choices = [
                (ALL_TEAMS, "All my teams"),
                *((str(t.pk), t.name) for t in Team.objects.filter(id__in=user.team_ids())),
            ]
        else:
            del self.fields["team"]
        for name, field in self.fields.items():
            field.error_messages["invalid_choice"] = self.MESSAGES[name]

    def chosen(self) -> dict[str, str]:
        self.is_valid()
        chosen = dict(self.DEFAULTS)
        for name in self.fields:
            if name not in self.errors and self.cleaned_data.get(name):
                chosen[name] = str(self.cleaned_data[name])
        return chosen

    @property
    def is_default(self) -> bool:
        return self.chosen() == self.DEFAULTS

    def _team(self, decisions: RiskDecisionQuerySet, chosen: dict) -> RiskDecisionQuerySet:
        if chosen.get("team", ALL_TEAMS) != ALL_TEAMS:
            decisions = decisions.filter(team_id=int(chosen["team"]))
        return decisions


class DecisionFilterForm(FilterForm):
    DEFAULTS = {"show": Show.WAITING, "person": ANYONE, "proposer": ANYONE, "team": ALL_TEAMS}
    MESSAGES = {
        "show": "Select which decisions to show from the list",
        "person": "Select a person from the list",
        "proposer": "Select who proposed them from the list",
        "team": "Select one of your teams",
    }

    show = forms.ChoiceField(
        label="Show",
        choices=[
            (Show.WAITING, "Waiting for backing"),
            (Show.TALK_FIRST, "Talk first"),
            (Show.REVIEW, "Due for review"),
            (Show.BACKED, "Backed, review to come"),
            (Show.RECENT, "All, newest first"),
        ],
        widget=forms.RadioSelect,
        required=False,
    )
    person = forms.ChoiceField(label="Person", required=False)
    proposer = forms.ChoiceField(label="Proposed by", required=False)
    team = forms.ChoiceField(label="Team", required=False)

    def __init__(self, data: QueryDict, *, user: User) -> None:
        super().__init__(data, user=user)
        # The people with a decision in the user's teams, as their profile
        # links to theirs: another team's person, or a missing one, is not on
        # offer, so both are refused alike.
        self.people = {
            str(p.pk): p
            for p in Person.objects.filter(
                pk__in=RiskDecision.objects.visible_to(user).values("person_id")
            ).order_by("family_name", "given_name", "id")
        }
        self.fields["person"].choices = [
            (ANYONE, "Anyone"),
            *((pk, _person_label(p)) for pk, p in self.people.items()),
        ]
        colleagues = (
            User.objects.filter(teams__in=user.team_ids())
            .exclude(pk=user.pk)
            .distinct()
            .order_by("full_name", "id")
        )
        # A colleague's id too, as the team view links to a worker's decisions.
        self.fields["proposer"].choices = [
            (ANYONE, "Anyone"),
            (ME, "Me"),
            (
                "Colleagues",
                [
                    (str(c.pk), c.full_name if c.is_active else f"{c.full_name} (left)")
                    for c in colleagues
                ],
            ),
        ]
        self.helper.layout = Layout(
            Field.radios("show", small=True, legend_size=Size.SMALL),
            Field.select("person"),
            Field.select("proposer"),
            *([Field.select("team")] if "team" in self.fields else []),
        )

    @property
    def chosen_person(self) -> Person | None:
        return self.people.get(self.chosen()["person"])

    def filter_decisions(self, decisions: RiskDecisionQuerySet) -> RiskDecisionQuerySet:
        chosen = self.chosen()
        if chosen["person"] != ANYONE:
            decisions = decisions.filter(person_id=int(chosen["person"]))
        show = chosen["show"]
        if show == Show.WAITING:
            decisions = decisions.waiting().order_by("created_at", "id")
        elif show == Show.TALK_FIRST:
            decisions = decisions.filter(status=DecisionStatus.TALK_FIRST).order_by(
                "-updated_at", "-id"
            )
        elif show == Show.REVIEW:
            decisions = decisions.due_for_review().order_by("review_date", "id")
        elif show == Show.BACKED:
            decisions = decisions.filter(status=DecisionStatus.BACKED).order_by("review_date", "id")
        else:
            decisions = decisions.order_by("-created_at", "-id")
        if chosen["proposer"] == ME:
            decisions = decisions.proposed_by(self.user)
        elif chosen["proposer"] != ANYONE:
            decisions = decisions.filter(proposed_by_id=int(chosen["proposer"]))
        return self._team(decisions, chosen).with_joins()


def _person_label(person: Person) -> str:
    """Their name, and their date of birth to tell apart two of one name."""
    if person.date_of_birth:
        return f"{person.display_name}, born {dateformat.format(person.date_of_birth, 'j F Y')}"
    return person.display_name


class LearningFilterForm(FilterForm):
    DEFAULTS = {"outcome": ANY, "theme": ANY, "team": ALL_TEAMS}
    MESSAGES = {
        "outcome": "Select an outcome from the list",
        "theme": "Select a theme from the list",
        "team": "Select one of your teams",
    }

    outcome = forms.ChoiceField(
        label="How it went",
        choices=[(ANY, "Any outcome"), *DecisionOutcome.choices],
        widget=forms.RadioSelect,
        required=False,
    )
    theme = forms.ChoiceField(label="Theme", required=False)
    team = forms.ChoiceField(label="Team", required=False)

    def __init__(self, data: QueryDict, *, user: User) -> None:
        super().__init__(data, user=user)
        self.fields["theme"].choices = [
            (ANY, "Any theme"),
            *((str(t.pk), t.name) for t in Theme.objects.order_by("name")),
        ]
        self.helper.layout = Layout(
            Field.radios("outcome", small=True, legend_size=Size.SMALL),
            Field.select("theme"),
            *([Field.select("team")] if "team" in self.fields else []),
        )

    def _narrow(self, decisions: RiskDecisionQuerySet, *, outcome: bool) -> RiskDecisionQuerySet:
        chosen = self.chosen()
        decisions = decisions.with_outcome()
        if outcome and chosen["outcome"] != ANY:
            decisions = decisions.filter(outcome=chosen["outcome"])
        if chosen["theme"] != ANY:
            decisions = decisions.filter(themes=int(chosen["theme"]))
        return self._team(decisions, chosen)

    def filter_decisions(self, decisions: RiskDecisionQuerySet) -> RiskDecisionQuerySet:
        return (
            self._narrow(decisions, outcome=True)
            .select_related("person")
            .prefetch_related("themes")
            .order_by("-outcome_recorded_at", "-id")
        )

    def outcome_counts(self, decisions: RiskDecisionQuerySet) -> list[tuple[str, int]]:
        """How many went each way, with the other filters but any outcome: the
        team's figures in one query, never anyone's own."""
        counts = (
            self._narrow(decisions, outcome=False)
            .order_by()
            .aggregate(**{o.value: Count("id", filter=Q(outcome=o.value)) for o in DecisionOutcome})
        )
        return [(o.label, counts[o.value]) for o in DecisionOutcome]
