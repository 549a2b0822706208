"""/team/: the manager's home page, and handing on a worker's work.

For each team the signed-in manager manages, each member's figures (counted
by the apps that hold the work, see deal.team_figures), each linking to the
list behind it; and the team's staff pulse, only where enough people answered.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from deal import pulse
from deal.audit import Actor
from deal.hand_on import (
    hand_on,
    managed_teams,
    restricted_note_text,
    restricted_work,
    work_held,
)
from deal.models import Membership
from deal.permissions import Capability, manager_only, user_can
from deal.prepared import prepared
from deal.sections import sections_for
from deal.services import memberships_waiting_for
from deal.team_figures import figure_groups
from deal.team_forms import HandOnForm, PulseForm

# Months of the staff pulse shown on the team view: the last complete ones
# (the month under way would let anyone compare its figures day by day and
# pick out the latest answer).
PULSE_MONTHS = 6


def _team_or_404(request: HttpRequest, pk: int):
    team = managed_teams(request.user).filter(pk=pk).first()
    if team is None:
        raise Http404("No such team")
    return team


def team_rows(teams: list, viewer) -> tuple[list[dict], list]:
    """Each team with a row per member: bounded queries whatever the size.
    The figures are what `viewer` may see, as the lists behind them are."""
    team_ids = [t.pk for t in teams]
    groups = figure_groups()
    counts = [group.counts(team_ids, viewer) for group in groups]
    columns = [column for group in groups for column in group.columns]
    members: dict[int, list] = {pk: [] for pk in team_ids}
    for membership in _members_of(team_ids=team_ids):
        members[membership.team_id].append(membership.user)
    result = []
    for team in teams:
        rows = []
        for member in members[team.pk]:
            cells = []
            for group, found in zip(groups, counts, strict=True):
                mine = found.get((team.pk, member.pk), {})
                for key, _heading, words in group.columns:
                    n = mine.get(key, 0)
                    cells.append(
                        {
                            "n": n,
                            "href": group.link(key, team.pk, member.pk),
                            "words": words.format(s="" if n == 1 else "s"),
                        }
                    )
            holds = any(cell["n"] for cell in cells)
            # A leaver stays in the list while they hold anything, to be handed on.
            if member.is_active or holds:
                rows.append({"member": member, "cells": cells})
        result.append({"team": team, "rows": rows})
    return result, columns


@prepared
def _members_of(*, team_ids):
    # On every team view, so prepared (deal.prepared).
    return (
        Membership.objects.confirmed()
        .filter(team_id__in=team_ids)
        .select_related("user")
        .order_by("user__full_name", "user_id")
    )


def _pulse_tables(teams: list) -> dict[int, list]:
    months = pulse.recent_months(PULSE_MONTHS + 1)[:-1]
    figures = pulse.team_month_figures([t.pk for t in teams], months[0], months[-1])
    by_team: dict[int, list] = {t.pk: [] for t in teams}
    for figure in figures:
        by_team[figure.team_id].append(figure)
    return by_team


PULSE_NOT_DUE_ON = "pulse_not_due_on"


def pulse_context(request: HttpRequest) -> dict:
    """The pulse questions, when it is this user's turn to be asked. Once
    found not due, it is not asked of the database again that day."""
    today = timezone.localdate().isoformat()
    if request.session.get(PULSE_NOT_DUE_ON) == today:
        return {}
    if not pulse.is_due(request.user):
        request.session[PULSE_NOT_DUE_ON] = today
        return {}
    return {
        "pulse_form": PulseForm(),
        "pulse_next": request.get_full_path(),
        "pulse_min_answers": settings.PULSE_MIN_ANSWERS,
    }


def pulse_section(request: HttpRequest, subject) -> dict | None:
    """The pulse on My work (a section of the "my_work" slot)."""
    return pulse_context(request) or None


def team_link_section(request: HttpRequest, subject) -> dict | None:
    """A manager's link from My work back to their team view."""
    return {} if user_can(request.user, Capability.MANAGE_TEAM) else None


@never_cache
@manager_only
def overview(request: HttpRequest) -> HttpResponse:
    teams = list(managed_teams(request.user))
    tables, columns = team_rows(teams, request.user)
    pulse_by_team = _pulse_tables(teams)
    for table in tables:
        table["pulse"] = pulse_by_team[table["team"].pk]
        # What the apps above add for each team (the "team" slot).
        table["sections"] = sections_for("team", request, table["team"])
    return render(
        request,
        "team/overview.html",
        {
            "tables": tables,
            "columns": columns,
            "questions": pulse.QUESTIONS,
            "min_answers": settings.PULSE_MIN_ANSWERS,
            # Joiners waiting for this manager, as on My work.
            "joiners_waiting": memberships_waiting_for(request.user).count(),
            **pulse_context(request),
        },
    )


@never_cache
@manager_only
def hand_on_work(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose whose work and who takes it on; check what moves; then move it."""
    team = _team_or_404(request, pk)
    initial = {}
    if request.method == "GET" and request.GET.get("worker", "").isdigit():
        initial["worker"] = request.GET["worker"]
    form = HandOnForm(request.POST or None, team=team, initial=initial)
    if request.method == "POST" and form.is_valid():
        worker = form.cleaned_data["worker"]
        colleagues = list(form.cleaned_data["colleagues"])
        if "confirm" not in request.POST:
            return render(
                request,
                "team/hand_on_check.html",
                {
                    "team": team,
                    "form": form,
                    "worker": worker,
                    "colleagues": colleagues,
                    "held": work_held(worker, team, request.user),
                    "restricted": [
                        restricted_note_text(note, done=False)
                        for note in restricted_work(worker, team, colleagues, request.user)
                    ],
                },
            )
        try:
            step, made_now, notes = hand_on(
                actor=Actor.from_request(request),
                team=team,
                worker=worker,
                colleagues=colleagues,
                key=form.cleaned_data["key"],
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            if made_now:
                moved = ", ".join(f"{n} {label}" for label, n in step.moved.items())
                messages.success(request, f"{worker.full_name}’s work is handed on: {moved}")
                for note in notes:
                    messages.warning(request, restricted_note_text(note, done=True))
            else:
                messages.info(request, f"{worker.full_name}’s work was already handed on")
            return redirect("team:overview")
    return render(request, "team/hand_on.html", {"team": team, "form": form})


@require_POST
@login_required
def answer_pulse(request: HttpRequest) -> HttpResponse:
    """Keep the pulse answers, or that it was skipped, then go back."""
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}) or (
        not back.startswith("/")
    ):
        back = reverse("home")
    form = PulseForm(request.POST)
    skipped = "skip" in request.POST
    if not skipped and not form.is_valid():
        messages.error(request, "Choose an answer from the list, or skip the questions")
        return redirect(back)
    answers = None if skipped else form.answers()
    if not skipped and not any(value is not None for value in answers.values()):
        messages.error(request, "Choose an answer to at least one question, or skip them")
        return redirect(back)
    if pulse.record(request.user, answers):
        if skipped:
            messages.info(request, "You skipped this month’s questions")
        else:
            messages.success(request, "Thank you. Your answers are kept without your name.")
    return redirect(back)
