"""The choices of /reports/: which team and which months."""

from __future__ import annotations

import datetime as dt

from crispy_forms_gds.layout import Field, Layout
from django import forms
from django.http import QueryDict
from django.utils import dateformat, timezone

from conversations.reports import Period, add_months, month_start
from deal.forms import GovukFormMixin
from deal.models import Team, User

ALL_TEAMS = ""
# How far back the month lists go.
MONTHS_OFFERED = 120


def month_value(month: dt.date) -> str:
    return f"{month:%Y-%m}"


class ReportFilterForm(GovukFormMixin, forms.Form):
    """Read from the query string. Every choice has a default (all my teams,
    the last 12 months), so a choice missing from the address, or one not on
    offer, falls back to it; a bad one is named in the error summary."""

    team = forms.ChoiceField(label="Team", required=False)
    start = forms.ChoiceField(label="From", required=False)
    end = forms.ChoiceField(label="To", required=False)

    def __init__(self, data: QueryDict, *, user: User, today: dt.date | None = None) -> None:
        this_month = month_start(today or timezone.localdate())
        default = Period.last_12_months(this_month)
        self.defaults = {
            "team": ALL_TEAMS,
            "start": month_value(default.first),
            "end": month_value(default.last),
        }
        values = {name: data.get(name) or value for name, value in self.defaults.items()}
        super().__init__(values)
        self.user = user
        self.my_teams = list(Team.objects.filter(id__in=user.team_ids()).order_by("name"))
        months = [add_months(this_month, -n) for n in range(MONTHS_OFFERED)]
        month_choices = [(month_value(m), dateformat.format(m, "F Y")) for m in months]
        self.fields["start"].choices = month_choices
        self.fields["end"].choices = month_choices
        if len(self.my_teams) > 1:
            self.fields["team"].choices = [
                (ALL_TEAMS, "All my teams"),
                *((str(t.pk), t.name) for t in self.my_teams),
            ]
        else:
            del self.fields["team"]  # nothing to choose between
        messages = {
            "team": "Select one of your teams",
            "start": "Select a month from the list",
            "end": "Select a month from the list",
        }
        for name, field in self.fields.items():
            field.error_messages["invalid_choice"] = messages[name]
        self.helper.layout = Layout(
            *([Field.select("team")] if "team" in self.fields else []),
            Field.select("start"),
            Field.select("end"),
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "The month to must be the same as or after the month from")
        return data

    def chosen(self) -> tuple[list[Team], Period]:
        """The teams and months to report on: what was asked for where it is
        on offer, the default where it is not."""
        self.is_valid()
        values = dict(self.defaults)
        for name in self.fields:
            if name not in self.errors and self.cleaned_data.get(name):
                values[name] = self.cleaned_data[name]
        if "end" in self.errors:
            values["start"], values["end"] = self.defaults["start"], self.defaults["end"]
        teams = self.my_teams
        if values["team"] != ALL_TEAMS:
            teams = [t for t in self.my_teams if str(t.pk) == values["team"]]
        return teams, Period(_month(values["start"]), _month(values["end"]))

    def query_string(self) -> str:
        """The choices as applied, for the CSV links."""
        teams, period = self.chosen()
        query = QueryDict(mutable=True)
        if len(teams) == 1 and len(self.my_teams) > 1:
            query["team"] = str(teams[0].pk)
        query["start"], query["end"] = month_value(period.first), month_value(period.last)
        return query.urlencode()


def _month(value: str) -> dt.date:
    year, month = value.split("-")
    return dt.date(int(year), int(month), 1)
