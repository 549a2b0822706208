"""The "This record is restricted" page, wherever a restricted record was asked
for: its profile, a conversation, an action, a decision, a form of theirs.
Every case page reaches the record through one door
(deal.permissions.get_for_team), which raises RecordRestricted; this draws the
page that asks for a reason ("break glass") instead."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from deal.audit import Actor, audit_record
from deal.models import AuditAction
from people.forms import BreakGlassForm
from people.models import BREAK_GLASS_HOURS
from people.services import RecordRestricted


def restricted_page(
    request: HttpRequest, person, form: BreakGlassForm, *, status: int = 200
) -> HttpResponse:
    named = list(person.restricted_to.order_by("full_name", "id"))
    response = TemplateResponse(
        request,
        "people/restricted.html",
        {"person": person, "form": form, "named": named, "hours": BREAK_GLASS_HOURS},
        status=status,
    )
    return response.render()


class RestrictedRecordMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, RecordRestricted):
            return None
        person = exception.person
        audit_record(
            actor=Actor.from_request(request),
            action=AuditAction.DENIED,
            obj=person,
            detail="Restricted record: asked for a reason to open it",
        )
        # Once the reason is given, back to the page asked for; a form sent
        # (an archive button, an expired opening mid-edit) goes to the
        # profile instead: nothing is saved on the way, and an address that
        # only takes a POST would not open.
        here = request.get_full_path() if request.method == "GET" else person.get_absolute_url()
        form = BreakGlassForm(initial={"next": here})
        response = restricted_page(request, person, form, status=403)
        response.refusal_audited = True
        return response
