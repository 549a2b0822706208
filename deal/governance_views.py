"""Information governance's pages: their index, the audit log (reading and
downloading it are themselves audited) and subject access."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from deal.audit import PERSON_MODEL, Actor, audit_record
from deal.governance import csv_lines, page_of
from deal.governance_forms import AuditFilterForm, FindSubjectForm
from deal.models import AuditAction, AuditEvent
from deal.permissions import Capability, capability_required
from deal.subject_access import as_json, export_person, find_people, printable

govern = capability_required(Capability.GOVERN_INFORMATION)
AUDIT_LOG = "deal.auditevent"


# What manage.py apply_retention --apply writes when it has run (a dry run
# writes nothing): the one record of when retention was last applied.
RETENTION_RUN = "Retention applied"


def last_retention_run() -> AuditEvent | None:
    """The latest run of apply_retention --apply, read newest first through
    the audit log's (action, at) index."""
    return (
        AuditEvent.objects.filter(action=AuditAction.ANONYMISE, detail__startswith=RETENTION_RUN)
        .order_by("-at", "-id")
        .first()
    )


def index_context() -> dict:
    return {
        "retention_years": settings.RETENTION_YEARS,
        "last_retention": last_retention_run(),
        "anonymised_kind": AuditAction.ANONYMISE.value,
    }


@require_GET
@govern
def index(request: HttpRequest) -> HttpResponse:
    """/governance/: what information governance can do here, and when
    retention last ran. The same page as their home (/)."""
    return render(request, "governance/index.html", index_context())


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


# --- Subject access -------------------------------------------------------------------


@require_GET
@govern
def find_person(request: HttpRequest) -> HttpResponse:
    """Find the person a subject access request is about, in any team."""
    form = FindSubjectForm(request.GET or None)
    found = None
    if form.is_valid() and form.cleaned_data["q"]:
        found = find_people(form.cleaned_data["q"])
        audit_record(
            actor=Actor.from_request(request),
            action=AuditAction.SEARCH,
            object_type=PERSON_MODEL,
            detail=f"Searched for a subject access request: {form.cleaned_data['q']}",
        )
    return render(request, "governance/find_person.html", {"form": form, "found": found})


def _export(request: HttpRequest, person_id: int, how: str):
    sections = export_person(person_id)
    if sections is None:
        raise Http404("No such person")
    audit_record(
        actor=Actor.from_request(request),
        action=AuditAction.EXPORT,
        object_type=PERSON_MODEL,
        object_id=person_id,
        about_person=person_id,
        detail=f"Subject access: everything held, {how}",
    )
    return sections


@require_GET
@govern
def subject_access(request: HttpRequest, person_id: int) -> HttpResponse:
    sections = _export(request, person_id, "as a page to print")
    return render(
        request,
        "governance/subject_access.html",
        {
            "person_id": person_id,
            "sections": [(s.title, s.name, printable(s.data)) for s in sections],
        },
    )


@require_GET
@govern
def subject_access_json(request: HttpRequest, person_id: int) -> HttpResponse:
    sections = _export(request, person_id, "as JSON")
    response = JsonResponse(as_json(person_id, sections), json_dumps_params={"indent": 2})
    response["Content-Disposition"] = f'attachment; filename="person-{person_id}.json"'
    return response
