"""The lists of break-glass openings of restricted records: a team's, for its
manager (/team/<id>/break-glass/), and everyone's, for information governance
(/governance/break-glass/). Reading either is audited, as reading the audit
log is."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from deal.audit import Actor, audit_record
from deal.hand_on import managed_teams
from deal.models import AuditAction
from deal.permissions import Capability, capability_required, user_can
from people.forms import BreakGlassFilterForm
from people.models import BreakGlass

OPENINGS_PER_PAGE = 50
BREAK_GLASS = "people.breakglass"


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@require_GET
@never_cache
@login_required
def team_list(request: HttpRequest, team_pk: int) -> HttpResponse:
    """A manager's own team's openings, newest first. Anyone else (a worker,
    a manager of another team) gets the same 404 as a missing team."""
    if not user_can(request.user, Capability.MANAGE_TEAM):
        raise Http404("No such page")
    team = managed_teams(request.user).filter(pk=team_pk).first()
    if team is None:
        raise Http404("No such team")
    openings = BreakGlass.objects.filter(team=team).with_joins()
    page = Paginator(openings, OPENINGS_PER_PAGE).get_page(request.GET.get("page"))
    audit_record(
        actor=Actor.from_request(request),
        action=AuditAction.VIEW,
        object_type=BREAK_GLASS,
        detail=f"Read the break-glass openings of team {team.pk}",
    )
    return render(
        request, "people/break_glass_list.html", {"team": team, "page": page, "governance": False}
    )


@require_GET
@capability_required(Capability.GOVERN_INFORMATION)
def governance_list(request: HttpRequest) -> HttpResponse:
    """Every team's openings, filtered by team and dates, newest first."""
    form = BreakGlassFilterForm(request.GET or None)
    chosen = form.chosen() if request.GET else {}
    openings = BreakGlass.objects.with_joins()
    described = []
    if team := chosen.get("team"):
        openings = openings.filter(team=team)
        described.append(f"team {team.pk}")
    if start := chosen.get("start"):
        openings = openings.filter(at__gte=_day_start(start))
        described.append(f"from {start.isoformat()}")
    if end := chosen.get("end"):
        openings = openings.filter(at__lt=_day_start(end + dt.timedelta(days=1)))
        described.append(f"to {end.isoformat()}")
    page = Paginator(openings, OPENINGS_PER_PAGE).get_page(request.GET.get("page"))
    audit_record(
        actor=Actor.from_request(request),
        action=AuditAction.VIEW,
        object_type=BREAK_GLASS,
        detail="Read the break-glass openings: " + (", ".join(described) or "all"),
    )
    return render(
        request,
        "people/break_glass_list.html",
        {"form": form, "page": page, "governance": True},
    )
