"""Forms of the actions pages: the filters of /actions/ and following an
action up on /actions/<id>/."""

from __future__ import annotations

import datetime as dt

from crispy_forms_gds.layout import Field, Layout, Size
from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils import timezone

from conversations.models import (
    DUE_SOON_DAYS,
    LIVE_STATUSES,
    STATUSES_NEEDING_A_REASON,
    ActionStatus,
    AgreedAction,
    AgreedActionQuerySet,
)
from deal.forms import LONG_TEXT, GovukDateField, GovukFormMixin
from deal.models import Team, User

ANY = "any"
ME = "me"
ANYONE = "anyone"
ALL_TEAMS = ""


# How far back "Closed" looks, in days.
RECENTLY_CLOSED_DAYS = 30


class Due:
    OVERDUE = "overdue"
    THIS_WEEK = "this_week"
    # Both of those: what My work lists as "what to do next".
    NEXT = "next"
    LATER = "later"


class ActionFilterForm(GovukFormMixin, forms.Form):
    """The filters of the actions list, read from the query string.

    Every filter has a default (my open actions, in all my teams), so a filter
    missing from the address or given a value that is not on offer falls back
    to it; the bad value is named in the error summary.
    """

    DEFAULTS = {
        "status": ActionStatus.OPEN.value,
        "due": ANY,
        "since": ANY,
        "owner": ME,
        "team": ALL_TEAMS,
    }

    status = forms.ChoiceField(
        label="Status",
        choices=[*((s.value, s.label) for s in LIVE_STATUSES), (ANY, "Any status")],
        widget=forms.RadioSelect,
        required=False,
    )
    due = forms.ChoiceField(
        label="Due",
        choices=[
            (Due.OVERDUE, "Overdue"),
            (Due.THIS_WEEK, f"In the next {DUE_SOON_DAYS} days"),
            (Due.NEXT, f"Overdue or in the next {DUE_SOON_DAYS} days"),
            (Due.LATER, "Later"),
            (ANY, "Any time"),
        ],
        widget=forms.RadioSelect,
        required=False,
        help_text="Of open actions",
    )
    since = forms.ChoiceField(
        label="Closed",
        choices=[
            (str(RECENTLY_CLOSED_DAYS), f"In the last {RECENTLY_CLOSED_DAYS} days"),
            (ANY, "Any time"),
        ],
        widget=forms.RadioSelect,
        required=False,
        help_text="Of actions done or closed",
    )
    owner = forms.ChoiceField(label="Responsible member of staff", required=False)
    team = forms.ChoiceField(label="Team", required=False)

    def __init__(self, data: QueryDict, *, user: User) -> None:
        values = dict(self.DEFAULTS)
        for name in self.DEFAULTS:
            if data.get(name):
                values[name] = data.get(name)
        super().__init__(values)
        self.user = user
        colleagues = (
            User.objects.filter(teams__in=user.team_ids())
            .exclude(pk=user.pk)
            .distinct()
            .order_by("full_name", "id")
        )
        self.fields["owner"].choices = [
            (ME, "Me"),
            (ANYONE, "Anyone"),
            (
                "Colleagues",
                [
                    (str(c.pk), c.full_name if c.is_active else f"{c.full_name} (left)")
                    for c in colleagues
                ],
            ),
        ]
        if len(user.team_ids()) > 1:
            self.fields["team"].choices = [
                (ALL_TEAMS, "All my teams"),
                *((str(t.pk), t.name) for t in Team.objects.filter(id__in=user.team_ids())),
            ]
        else:
            # Nothing to choose between.
            del self.fields["team"]
        messages = {
            "status": "Select a status from the list",
            "due": "Select when it is due from the list",
            "since": "Select when it was closed from the list",
            "owner": "Select a member of staff from the list",
            "team": "Select one of your teams",
        }
        for name, field in self.fields.items():
            field.error_messages["invalid_choice"] = messages[name]
        self.helper.layout = Layout(
            Field.radios("status", small=True, legend_size=Size.SMALL),
            Field.radios("due", small=True, legend_size=Size.SMALL),
            Field.radios("since", small=True, legend_size=Size.SMALL),
            Field.select("owner"),
            *([Field.select("team")] if "team" in self.fields else []),
        )

    def chosen(self) -> dict[str, str]:
        """The filters to apply: what was asked for where it is on offer, the
        default where it is not."""
        self.is_valid()
        chosen = dict(self.DEFAULTS)
        for name in self.fields:
            if name not in self.errors and self.cleaned_data.get(name):
                chosen[name] = self.cleaned_data[name]
        return chosen

    def filter_actions(self, actions: AgreedActionQuerySet) -> AgreedActionQuerySet:
        """Narrow down `actions` (already limited to what the user may see)
        and put the overdue ones first."""
        chosen = self.chosen()
        if chosen["status"] != ANY:
            actions = actions.filter(status=chosen["status"])
        if chosen["due"] == Due.OVERDUE:
            actions = actions.overdue()
        elif chosen["due"] == Due.THIS_WEEK:
            actions = actions.due_within(DUE_SOON_DAYS)
        elif chosen["due"] == Due.NEXT:
            actions = actions.overdue_or_due_soon(DUE_SOON_DAYS)
        elif chosen["due"] == Due.LATER:
            actions = actions.due_later(DUE_SOON_DAYS)
        if chosen["since"] != ANY:
            since = timezone.now() - dt.timedelta(days=int(chosen["since"]))
            actions = actions.exclude(status=ActionStatus.OPEN).filter(closed_at__gte=since)
        if chosen["owner"] == ME:
            actions = actions.responsible(self.user)
        elif chosen["owner"] != ANYONE:
            actions = actions.responsible(int(chosen["owner"]))
        if chosen["team"] != ALL_TEAMS:
            actions = actions.filter(team_id=int(chosen["team"]))
        if chosen["status"] == ActionStatus.OPEN or chosen["due"] != ANY:
            # Only open actions: the earliest due are the overdue ones, and
            # ordering by the due date alone lets the database walk an index
            # instead of sorting a whole team's actions.
            return actions.for_list().order_by("due", "id")
        return actions.for_list().overdue_first()

    @property
    def is_default(self) -> bool:
        return self.chosen() == self.DEFAULTS

    @property
    def described(self) -> str:
        """The filters applied, in the panel's words ("status: Open; due:
        Overdue or in the next 7 days"), so that the list says what it holds
        while the panel is closed (on a phone, or arriving from My work)."""
        chosen = self.chosen()
        parts = []
        for name, field in self.fields.items():
            if chosen[name] in (ANY, ANYONE, ALL_TEAMS):
                continue
            labels = {}
            for value, label in field.choices:
                labels.update(dict(label) if isinstance(label, list | tuple) else {value: label})
            parts.append(f"{field.label.lower()}: {labels.get(chosen[name], chosen[name])}")
        return "; ".join(parts)


def _why_message(status: str) -> str:
    if status == ActionStatus.NOT_DONE:
        return "Enter why it was not done"
    return "Enter why it is no longer needed"


NOTHING_CHANGED = "Choose a new status or due date, write a note or choose a colleague"


class FollowUpForm(GovukFormMixin, forms.Form):
    """Follow an action up: a new status (with why, where one is needed), a
    note, handing it to a colleague; any of them, at least one."""

    status = forms.ChoiceField(
        label="Status",
        choices=[(s.value, s.label) for s in LIVE_STATUSES],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Why",
        required=False,
        max_length=AgreedAction._meta.get_field("status_reason").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed when it was not done or is no longer needed",
    )
    note = forms.CharField(
        label="Follow-up note",
        required=False,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example, who you spoke to and what happens next",
    )
    due = GovukDateField(
        label="Due by",
        name="The due date",
        within_years=5,
        required=False,
        help_text="Change the date if it has moved. For example, 27 4 2026",
    )
    due_reason = forms.CharField(
        label="Why the due date has changed",
        required=False,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed when you change the date. It is kept in the trail with both dates.",
    )
    owner_user = forms.ModelChoiceField(
        label="Hand it on to a colleague",
        queryset=User.objects.none(),
        required=False,
        help_text="They become responsible for it",
    )
    # What the user saw when they opened the page: a save from an older
    # version is refused as a conflict rather than overwriting someone else.
    version = forms.IntegerField(widget=forms.HiddenInput)
    seen_status = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, action: AgreedAction, **kwargs) -> None:
        initial = {
            "status": action.status,
            "due": action.due,
            "version": action.version,
            "seen_status": action.status,
            **kwargs.pop("initial", {}),
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.action = action
        colleagues = User.objects.filter(
            is_active=True,
            memberships__team=action.team_id,
            memberships__confirmed_at__isnull=False,
        ).order_by("full_name", "id")
        colleagues = colleagues.exclude(pk=action.responsible_id)
        owner = self.fields["owner_user"]
        owner.queryset = colleagues
        owner.empty_label = f"No, keep it with {action.responsible}"
        owner.error_messages["invalid_choice"] = "Select a colleague from this team"
        self.fields["status"].error_messages["required"] = "Select a status"
        self.helper.layout = Layout(
            Field.radios("status", small=True, legend_size=Size.SMALL),
            Field.textarea("reason", rows=3),
            Field("due"),
            Field.textarea("due_reason", rows=2),
            Field.textarea("note", rows=4, max_characters=LONG_TEXT),
            Field.select("owner_user"),
            Field("version"),
            Field("seen_status"),
        )

    def is_stale(self) -> bool:
        """Whether the form was filled in from an older version of the action
        than the one saved now (or does not say which)."""
        try:
            return int(self.data.get("version", "")) != self.action.version
        except ValueError:
            return True

    def clean(self) -> dict:
        cleaned = super().clean()
        status = cleaned.get("status")
        reason = cleaned.get("reason", "").strip()
        status_changes = bool(status) and status != self.action.status
        if status_changes and status in STATUSES_NEEDING_A_REASON and not reason:
            self.add_error("reason", _why_message(status))
        elif reason and status and not status_changes:
            # Why is kept with a change of status; with none it would be lost.
            self.add_error(
                "reason",
                "You wrote why but kept the same status: choose a new status, "
                "or write it as a follow-up note",
            )
        due = cleaned.get("due")
        due_changes = due is not None and due != self.action.due
        if due_changes and not cleaned.get("due_reason", "").strip():
            self.add_error("due_reason", "Enter why the due date has changed")
        if due_changes and due < timezone.localtime(self.action.conversation.happened_at).date():
            self.add_error("due", "The due date must be on or after the conversation")
        if not self.errors and not (
            status_changes
            or due_changes
            or cleaned.get("note", "").strip()
            or cleaned.get("owner_user")
        ):
            raise ValidationError(NOTHING_CHANGED)
        return cleaned

    def add_service_errors(self, error: ValidationError) -> None:
        """Show a refusal of services.action_follow_up beside the field it is about."""
        fields = {
            "status_reason": "reason",
            "owner_user": "owner_user",
            "due_reason": "due_reason",
            "status": "status",
        }
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, messages in error.message_dict.items():
            self.add_error(fields.get(name), messages)

    def typed(self, current: AgreedAction) -> FollowUpForm:
        """A fresh form for the action as saved now, holding what the user
        typed: after a conflict, so they can check it and save again."""
        data = self.data
        status = data.get("status", "")
        if status == data.get("seen_status") or status not in ActionStatus.values:
            # They did not ask for a new status: show the one saved now.
            status = current.status
        return FollowUpForm(
            action=current,
            initial={
                "status": status,
                "reason": data.get("reason", ""),
                "note": data.get("note", ""),
                "owner_user": data.get("owner_user", ""),
                "due_reason": data.get("due_reason", ""),
            },
        )
