"""The actions pages: /actions/ (my actions, filtered) and /actions/<id>/
(an action, its follow-up trail, and following it up)."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from conversations import services
from conversations.action_forms import NOTHING_CHANGED, ActionFilterForm, FollowUpForm
from conversations.models import AgreedAction, FollowUp, FollowUpKind
from conversations.services import ConflictError
from deal.audit import Actor
from deal.permissions import Capability, capability_required, check_for_team
from deal.prepared import by_pk, prepared

ACTIONS_PER_PAGE = 25
work_with_people = capability_required(Capability.WORK_WITH_PEOPLE)


@work_with_people
def action_list(request: HttpRequest) -> HttpResponse:
    form = ActionFilterForm(request.GET, user=request.user)
    actions = form.filter_actions(AgreedAction.objects.visible_to(request.user))
    page = Paginator(actions, ACTIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "actions/list.html", {"form": form, "page": page})


def get_action_for(request: HttpRequest, pk: int, *, record_view: bool = True) -> AgreedAction:
    """The action if the user may open it: one of their teams'."""
    return check_for_team(
        request,
        by_pk(_action_with_joins, pk),
        team_id_of=lambda action: action.team_id,
        record_view=record_view,
    )


@prepared
def _action_with_joins(*, pk: int):
    # Read for every page about an action, so prepared (deal.prepared).
    return AgreedAction.objects.with_joins().filter(pk=pk)


def _came_from(request: HttpRequest, action: AgreedAction) -> str:
    """Where the user came to the action from, to offer going back there: the
    address given in ?back=, else the page that linked here. Only a path on
    this site is taken, never another site's address."""
    back = request.GET.get("back", "")
    if not back:
        referer = request.headers.get("Referer", "")
        parts = urlsplit(referer)
        if parts.netloc == request.get_host():
            back = parts.path + (f"?{parts.query}" if parts.query else "")
    if (
        not back.startswith("/")
        or back.startswith("//")
        or not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()})
        or urlsplit(back).path == action.get_absolute_url()
    ):
        return ""
    return back


def _back_label(back: str, action: AgreedAction) -> str:
    path = urlsplit(back).path
    if path == action.person.get_absolute_url():
        return f"Back to {action.person.display_name}"
    if path == action.conversation.get_absolute_url():
        return "Back to the conversation"
    if path == "/":
        return "Back to My work"
    if path.startswith("/actions/"):
        return "Back to actions"
    return "Back"


@work_with_people
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_action_for(request, pk, record_view=request.method == "GET")
    back = _came_from(request, action)
    here = action.get_absolute_url() + (f"?{urlencode({'back': back})}" if back else "")
    form = FollowUpForm(request.POST or None, action=action)
    conflict = False
    if request.method == "POST":
        if form.is_stale():
            conflict = True
        elif form.is_valid():
            try:
                trail = services.action_follow_up(
                    actor=Actor.from_request(request),
                    action=action,
                    expected_version=form.cleaned_data["version"],
                    status=form.cleaned_data["status"],
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                    owner_user=form.cleaned_data["owner_user"],
                    due=form.cleaned_data["due"],
                    due_reason=form.cleaned_data["due_reason"],
                )
            except ConflictError:
                conflict = True
            except services.AlreadySaved:
                messages.info(request, "That note was saved already, so it was not added again.")
                return redirect(here)
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                if trail:
                    messages.success(request, _saved_message(action, trail))
                    return redirect(here)
                # The form checks this too; kept for the service's own answer.
                form.add_error(None, NOTHING_CHANGED)
    if conflict:
        # Show what is saved now beside what the user typed, and save nothing.
        action = get_action_for(request, pk, record_view=False)
        form = form.typed(action)
    follow_ups = list(action.follow_ups.select_related("by"))
    return render(
        request,
        "actions/detail.html",
        {
            "action": action,
            "follow_ups": follow_ups,
            "form": form,
            "conflict": conflict,
            "last_change": follow_ups[-1] if follow_ups else None,
            "back": back or "/actions/",
            "back_label": _back_label(back, action) if back else "Back to actions",
            "here": here,
        },
    )


def _saved_message(action: AgreedAction, trail: list[FollowUp]) -> str:
    done = []
    for step in trail:
        if step.kind == FollowUpKind.STATUS:
            done.append(f"it is now marked {action.get_status_display().lower()}")
        elif step.kind == FollowUpKind.REASSIGNED:
            done.append(f"it has been handed on to {action.responsible}")
        elif step.kind == FollowUpKind.DUE:
            done.append(f"it is now due by {action.due:%-d %B %Y}")
        elif step.kind == FollowUpKind.NOTE:
            done.append("your note has been added")
    return "Follow-up saved: " + ", ".join(done)
