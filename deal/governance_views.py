"""Information governance's pages: the audit log. Reading and downloading it
are themselves audited."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from deal.audit import Actor, audit_record
from deal.governance import csv_lines, page_of
from deal.governance_forms import AuditFilterForm
from deal.models import AuditAction
from deal.permissions import Capability, capability_required

govern = capability_required(Capability.GOVERN_INFORMATION)
AUDIT_LOG = "deal.auditevent"


def _older_than(request: HttpRequest) -> int | None:
    value = request.GET.get("older", "")
    return int(value) if value.isdigit() and len(value) < 19 else None


@require_GET
@govern
def audit_log(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    chosen = form.chosen() if request.GET else AuditFilterForm({}).chosen()
    page = page_of(chosen.events(), _older_than(request))
    audit_record(
        actor=Actor.from_request(request),
        action=AuditAction.VIEW,
        object_type=AUDIT_LOG,
        detail=f"Read the audit log: {chosen.describe()}",
    )
    query = request.GET.copy()
    query.pop("older", None)
    return render(
        request,
        "governance/audit.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@require_GET
@govern
def audit_csv(request: HttpRequest) -> HttpResponse:
    chosen = AuditFilterForm(request.GET).chosen()
    audit_record(
        actor=Actor.from_request(request),
        action=AuditAction.EXPORT,
        object_type=AUDIT_LOG,
        detail=f"Downloaded the audit log: {chosen.describe()}",
    )
    response = StreamingHttpResponse(csv_lines(chosen.events()), content_type="text/csv")
    stamp = timezone.localtime().strftime("%Y-%m-%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="audit-log-{stamp}.csv"'
    return response
