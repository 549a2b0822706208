"""/reports/: a team's figures by month, each as a chart and a table, and
each table as a CSV file.

Managers see the figures of the teams they manage: counts and averages, with
no one's name, of records they can already open. Team reports are a
manager's part of the work (the product brief gives them to managers, not to
frontline workers), so anyone else gets the same 404 as on the team view.
Admins and information governance see none either: the figures are made from
residents' records, and a small team's month can point to one person (see
README, "Reports")."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from conversations.report_forms import ReportFilterForm
from conversations.report_tables import sections
from conversations.reports import cached_report
from deal.permissions import manager_only


@manager_only
def index(request: HttpRequest) -> HttpResponse:
    form = ReportFilterForm(request.GET, user=request.user)
    teams, period = form.chosen()
    report = cached_report(teams, period) if teams else None
    tables = sections(report) if report else []
    return render(
        request,
        "reports/index.html",
        {
            "form": form,
            "teams": teams,
            "period": period,
            "tables": tables,
            "read_at": report.read_at if report else None,
            "query": form.query_string(),
        },
    )


@manager_only
def download(request: HttpRequest, slug: str) -> HttpResponse:
    form = ReportFilterForm(request.GET, user=request.user)
    teams, period = form.chosen()
    if not teams:
        raise Http404("No such table")
    table = next((t for t in sections(cached_report(teams, period)) if t.slug == slug), None)
    if table is None:
        raise Http404("No such table")
    response = HttpResponse(table.csv(), content_type="text/csv; charset=utf-8")
    name = f"{slug}-{period.first:%Y-%m}-to-{period.last:%Y-%m}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
