"""/directory/: find a group, see one (with the people the team has connected
to it), add and change groups, import and export Open Referral UK."""

from __future__ import annotations

import uuid
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from conversations.models import ActionStatus, AgreedAction
from deal.audit import Actor
from deal.permissions import Capability, user_can
from directory import openreferral, services
from directory.forms import FindGroupForm, GroupForm, ImportForm, StatusForm
from directory.models import Connection, Service
from directory.permissions import edits_directory, reads_directory
from directory.receivers import GROUP_OWNERS

GROUPS_PER_PAGE = 25
PEOPLE_PER_PAGE = 25
SHOWN_PROBLEMS = 50


def _allowed(check):
    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


reader = _allowed(reads_directory)
editor = _allowed(edits_directory)
admin_only = _allowed(lambda user: user_can(user, Capability.MANAGE_STAFF))


@reader
def group_list(request: HttpRequest) -> HttpResponse:
    form = FindGroupForm(request.GET or None)
    chosen = form.chosen()
    groups = Service.objects.all() if chosen["retired"] else Service.objects.running()
    groups = groups.search(
        text=chosen["text"], area=chosen["area"], category=chosen["category"]
    ).select_related("organisation")
    page = Paginator(groups.order_by("name", "id"), GROUPS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "directory/list.html",
        {
            "form": form,
            "page": page,
            "searched": any(chosen[k] for k in ("text", "area", "category")),
            "may_edit": edits_directory(request.user),
            "may_import": user_can(request.user, Capability.MANAGE_STAFF),
        },
    )


@reader
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    service = get_object_or_404(
        Service.objects.select_related("organisation").prefetch_related("areas", "categories"),
        pk=pk,
    )
    team_ids = request.user.team_ids()
    # The people of my own teams connected to it: another team's never show,
    # nor a restricted record closed to me (in the list or the count).
    connections = (
        Connection.objects.visible_to(request.user)
        .filter(service=service)
        .select_related("action__person")
        .order_by("-action__created_at", "-id")
    )
    counted = connections.aggregate(people=Count("action__person", distinct=True))
    page = Paginator(connections, PEOPLE_PER_PAGE).get_page(request.GET.get("people_page"))
    unlinked = []
    if team_ids:
        # Actions typed before the group was listed, or spelt differently:
        # offered to be linked.
        unlinked = list(
            AgreedAction.objects.visible_to(request.user)
            .filter(
                owner_type__in=GROUP_OWNERS,
                directory_connection__isnull=True,
                owner_name__icontains=service.name[:60],
            )
            .exclude(status=ActionStatus.DRAFT)
            .select_related("person")
            .order_by("-created_at", "-id")[:10]
        )
    return render(
        request,
        "directory/detail.html",
        {
            "service": service,
            "organisation": service.organisation,
            "areas": list(service.areas.all()),
            "categories": list(service.categories.all()),
            "page": page,
            "people_count": counted["people"],
            "in_a_team": bool(team_ids),
            "unlinked": unlinked,
            "may_edit": edits_directory(request.user),
        },
    )


@editor
def group_add(request: HttpRequest) -> HttpResponse:
    return _group_form(request, None)


@editor
def group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _group_form(request, get_object_or_404(Service, pk=pk))


def _group_form(request: HttpRequest, service: Service | None) -> HttpResponse:
    initial = GroupForm.initial_for(service) if service else {"submission_key": uuid.uuid4()}
    form = GroupForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved, first_time = services.group_save(
                actor=Actor.from_request(request), data=form.cleaned_data, service=service
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if not first_time:
                messages.info(request, f"{saved.name} is already added")
            else:
                messages.success(request, f"{saved.name} is {'saved' if service else 'added'}")
            return redirect(saved)
    return render(request, "directory/form.html", {"form": form, "service": service})


@editor
def group_status(request: HttpRequest, pk: int) -> HttpResponse:
    service = get_object_or_404(Service, pk=pk)
    form = StatusForm(request.POST or None, initial={"status": service.status})
    if request.method == "POST" and form.is_valid():
        service = services.group_set_status(
            actor=Actor.from_request(request), service=service, status=form.cleaned_data["status"]
        )
        messages.success(request, f"{service.name} is now {service.get_status_display().lower()}")
        return redirect(service)
    return render(request, "directory/status.html", {"form": form, "service": service})


@require_POST
@reader
def link_action(request: HttpRequest, pk: int) -> HttpResponse:
    service = get_object_or_404(Service, pk=pk)
    action = (
        AgreedAction.objects.visible_to(request.user)
        .filter(pk=request.POST.get("action") if str(request.POST.get("action")).isdigit() else 0)
        .first()
    )
    if action is None or action.owner_type not in GROUP_OWNERS:
        messages.info(request, "That action cannot be linked to this group")
        return redirect(service)
    services.action_link(actor=Actor.from_request(request), action=action, service=service)
    messages.success(request, f"“{action.what}” is linked to {service.name}")
    return redirect(service)


@admin_only
def import_file(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[openreferral.Problem] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > openreferral.MAX_IMPORT_BYTES:
                # Refused before it is read into memory.
                raise openreferral.too_big()
            result = openreferral.import_openreferral(
                actor=Actor.from_request(request), content=upload.read()
            )
        except openreferral.ImportRefused as refused:
            problems = refused.problems
        else:
            messages.success(request, f"The file is imported: {result}")
            return redirect("directory:list")
    return render(
        request,
        "directory/import.html",
        {
            "form": form,
            "problems": problems,
            # Each problem names the record's id and the field; a long list
            # is cut short rather than filling the page.
            "error_items": [
                {"target": "id_file", "message": str(p)} for p in problems[:SHOWN_PROBLEMS]
            ],
            "more_problems": max(len(problems) - SHOWN_PROBLEMS, 0),
        },
    )


@reader
def export_file(request: HttpRequest) -> HttpResponse:
    response = JsonResponse(
        openreferral.export_openreferral(), json_dumps_params={"indent": 2, "ensure_ascii": False}
    )
    response["Content-Disposition"] = 'attachment; filename="directory.json"'
    return response
