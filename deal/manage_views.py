"""/manage/: staff, teams, confirming joins and the log of admin changes.

Admins look after accounts here without reading any case record; managers
confirm who joins their teams. Each view fetches, checks, calls a form or a
service from deal.services, and renders.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from deal import services
from deal.audit import Actor, audit_record
from deal.forms import PasswordResetForm, SetPasswordForm
from deal.manage_forms import (
    AddManagerForm,
    InviteForm,
    StaffChangeForm,
    StaffFilterForm,
    TeamForm,
)
from deal.models import AuditAction, AuditEvent, Membership, Role, Team, User
from deal.open_work import open_work_of
from deal.permissions import Capability, capability_required

STAFF_PER_PAGE = 50
CHANGES_PER_PAGE = 50
RECENT_CHANGES = 10
# What /manage/changes/ lists: the records admins look after. (Themes belong to
# conversations; naming the type as text keeps deal/ free of that app.)
ADMIN_OBJECT_TYPES = ["deal.user", "deal.team", "conversations.theme"]
ADMIN_ACTIONS = [
    AuditAction.CREATE,
    AuditAction.CHANGE,
    AuditAction.INVITE,
    AuditAction.CONFIRM,
    AuditAction.DEACTIVATE,
    AuditAction.REACTIVATE,
]
OBJECT_LABELS = {"deal.user": "Staff", "deal.team": "Team", "conversations.theme": "Theme"}

manage = capability_required(Capability.MANAGE_STAFF)


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _invitation_link(request: HttpRequest):
    def link_for(user: User, token: str) -> str:
        return request.build_absolute_uri(reverse("accept_invitation", args=[user.pk, token]))

    return link_for


def _membership_states(memberships, managed_team_ids: set[int]) -> list[dict]:
    return [
        {
            "membership": m,
            "team": m.team,
            "waiting_for": ""
            if m.is_confirmed
            else ("a manager of the team" if m.team_id in managed_team_ids else "a second admin"),
        }
        for m in memberships
    ]


def _managed_team_ids() -> set[int]:
    return set(
        Membership.objects.confirmed()
        .filter(user__role=Role.MANAGER, user__is_active=True)
        .values_list("team_id", flat=True)
    )


def _open_work_context(member: User) -> dict:
    """How much open work they hold, and the managers of the teams it is in,
    who can hand it on."""
    work = open_work_of(member)
    team_ids = {team_id for item in work for team_id, n in item.by_team.items() if n}
    teams = Team.objects.filter(pk__in=team_ids).prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.confirmed()
            .filter(user__role=Role.MANAGER, user__is_active=True)
            .exclude(user=member)
            .select_related("user")
            .order_by("user__full_name"),
            to_attr="manager_memberships",
        )
    )
    return {
        "open_work": work,
        "work_teams": sorted(teams, key=lambda t: t.name),
        "has_open_work": any(item.count for item in work),
    }


# --- Staff ------------------------------------------------------------------------------


@manage
def staff_list(request: HttpRequest) -> HttpResponse:
    form = StaffFilterForm(request.GET or None)
    users = form.filtered(User.objects.all()).for_staff_list()
    page = Paginator(users, STAFF_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "manage/staff_list.html", {"form": form, "page": page})


@manage
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(User.objects.for_staff_list(), pk=pk)
    memberships = sorted(member.memberships.all(), key=lambda m: m.team.name)
    changes = (
        AuditEvent.objects.filter(object_type="deal.user", object_id=str(member.pk))
        .filter(action__in=ADMIN_ACTIONS)
        .select_related("user")[:RECENT_CHANGES]
    )
    invitation = member.invitations.first()
    return render(
        request,
        "manage/staff_detail.html",
        {
            "member": member,
            "memberships": _membership_states(memberships, _managed_team_ids()),
            **_open_work_context(member),
            "changes": changes,
            "invitation": invitation,
            "is_me": member.pk == request.user.pk,
        },
    )


@manage
def staff_invite(request: HttpRequest) -> HttpResponse:
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.staff_invite(
                actor=Actor.from_request(request),
                link_for=_invitation_link(request),
                **form.cleaned_data,
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, f"Invitation sent to {member.email}")
            return redirect("manage:staff_detail", pk=member.pk)
    return render(request, "manage/staff_invite.html", {"form": form})


@manage
def staff_change(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(User, pk=pk, is_active=True)
    if member.pk == request.user.pk:
        raise Http404("You cannot change your own role or teams")
    initial = {
        "role": member.role,
        "teams": list(member.memberships.values_list("team_id", flat=True)),
    }
    form = StaffChangeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.staff_change(
                actor=Actor.from_request(request),
                user=member,
                role=form.cleaned_data["role"],
                teams=form.cleaned_data["teams"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, f"{member}’s role and teams are saved")
            return redirect("manage:staff_detail", pk=member.pk)
    return render(request, "manage/staff_change.html", {"form": form, "member": member})


@manage
def staff_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(User, pk=pk, is_active=True)
    if member.pk == request.user.pk:
        raise Http404("You cannot deactivate your own account")
    problems = []
    if request.method == "POST":
        try:
            services.staff_deactivate(actor=Actor.from_request(request), user=member)
        except ValidationError as error:
            problems = error.messages
        else:
            messages.success(
                request, f"{member} is deactivated: they are signed out and cannot sign in"
            )
            return redirect("manage:staff_detail", pk=member.pk)
    return render(
        request,
        "manage/staff_deactivate.html",
        {
            "member": member,
            "problems": problems,
            **_open_work_context(member),
        },
    )


@require_POST
@manage
def staff_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(User, pk=pk, is_active=False)
    services.staff_reactivate(actor=Actor.from_request(request), user=member)
    messages.success(
        request, f"{member} can sign in again. Their teams wait for a manager to confirm."
    )
    return redirect("manage:staff_detail", pk=member.pk)


@require_POST
@manage
def staff_send_link(request: HttpRequest, pk: int) -> HttpResponse:
    """A forgotten password is answered with a reset link; an invitation not
    taken up with a new one. The admin never sets or sees a password."""
    member = get_object_or_404(User, pk=pk, is_active=True)
    actor = Actor.from_request(request)
    if member.has_usable_password():
        form = PasswordResetForm(data={"email": member.email})
        if form.is_valid():
            form.save(
                request=request,
                use_https=request.is_secure(),
                subject_template_name="registration/password_reset_subject.txt",
                email_template_name="registration/password_reset_email.html",
            )
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=member,
            detail=f"Sent {member} a password reset link",
        )
        messages.success(request, f"A link to set a new password was sent to {member.email}")
    else:
        services.staff_invite_again(actor=actor, user=member, link_for=_invitation_link(request))
        messages.success(request, f"A new invitation link was sent to {member.email}")
    return redirect("manage:staff_detail", pk=member.pk)


# --- Joining: the invitation link and the manager's confirmation -------------------


@never_cache
def accept_invitation(request: HttpRequest, user_id: int, token: str) -> HttpResponse:
    invitation = services.invitation_for(user_id, token)
    if invitation is None:
        return render(request, "manage/invitation_invalid.html", status=404)
    if request.user.is_authenticated and request.user.pk != invitation.user_id:
        return render(request, "manage/invitation_signed_in.html", {"invitation": invitation})
    form = SetPasswordForm(invitation.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_accept(
                invitation=invitation, password=form.cleaned_data["new_password1"]
            )
        except ValidationError:
            return render(request, "manage/invitation_invalid.html", status=404)
        if request.user.is_authenticated:
            logout(request)
        messages.success(
            request, "Your password is set. Sign in with your email address and password."
        )
        return redirect("login")
    return render(
        request, "manage/invitation_accept.html", {"form": form, "invitation": invitation}
    )


@capability_required(Capability.CONFIRM_MEMBERS)
def confirmations(request: HttpRequest) -> HttpResponse:
    waiting = services.memberships_waiting_for(request.user)
    admins = services.admins_waiting_for(request.user)
    if request.method == "POST" and request.POST.get("admin"):
        new_admin = admins.filter(
            pk=request.POST["admin"] if request.POST["admin"].isdigit() else 0
        ).first()
        if new_admin is None:
            messages.error(request, "That request has already been dealt with")
        else:
            services.admin_confirm(actor=Actor.from_request(request), user=new_admin)
            messages.success(request, f"{new_admin} is now an admin")
        return redirect("manage:confirmations")
    if request.method == "POST":
        pk = request.POST.get("membership", "")
        membership = waiting.filter(pk=pk if pk.isdigit() else 0).first()
        if membership is None:
            messages.error(request, "That request has already been dealt with")
            return redirect("manage:confirmations")
        actor = Actor.from_request(request)
        if request.POST.get("decision") == "decline":
            services.membership_decline(actor=actor, membership=membership)
            messages.success(request, f"{membership.user} will not join {membership.team}")
        else:
            services.membership_confirm(actor=actor, membership=membership)
            messages.success(request, f"{membership.user} has joined {membership.team}")
        return redirect("manage:confirmations")
    return render(
        request, "manage/confirmations.html", {"waiting": list(waiting), "admins": list(admins)}
    )


# --- Teams ---------------------------------------------------------------------------------


@manage
def team_list(request: HttpRequest) -> HttpResponse:
    teams = Team.objects.annotate(
        member_count=Count(
            "memberships",
            filter=Q(memberships__confirmed_at__isnull=False, memberships__user__is_active=True),
        ),
        waiting_count=Count(
            "memberships",
            filter=Q(memberships__confirmed_at__isnull=True, memberships__user__is_active=True),
        ),
    ).prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.confirmed()
            .filter(user__role=Role.MANAGER, user__is_active=True)
            .select_related("user")
            .order_by("user__full_name"),
            to_attr="manager_memberships",
        )
    )
    return render(request, "manage/team_list.html", {"teams": teams})


@manage
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_object_or_404(Team, pk=pk)
    memberships = (
        team.memberships.filter(user__is_active=True)
        .select_related("user", "confirmed_by")
        .order_by("user__full_name")
    )
    managed = _managed_team_ids()
    return render(
        request,
        "manage/team_detail.html",
        {
            "team": team,
            "memberships": _membership_states(memberships, managed),
            "managers": [m for m in memberships if m.is_confirmed and m.user.role == Role.MANAGER],
        },
    )


@manage
def team_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    team = get_object_or_404(Team, pk=pk) if pk else Team()
    form = TeamForm(request.POST or None, instance=team)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        team = services.team_save(
            actor=Actor.from_request(request),
            team=Team.objects.get(pk=pk) if pk else Team(),
            fields=fields,
        )
        messages.success(request, f"{team.name} is saved")
        return redirect("manage:team_detail", pk=team.pk)
    return render(request, "manage/team_form.html", {"form": form, "team": team if pk else None})


@manage
def team_add_manager(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_object_or_404(Team, pk=pk)
    form = AddManagerForm(request.POST or None, team=team)
    if request.method == "POST" and form.is_valid():
        try:
            services.team_add_manager(
                actor=Actor.from_request(request), team=team, manager=form.cleaned_data["manager"]
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request,
                f"{form.cleaned_data['manager']} will manage {team.name} once confirmed",
            )
            return redirect("manage:team_detail", pk=team.pk)
    return render(
        request,
        "manage/team_add_manager.html",
        {
            "form": form,
            "team": team,
            "team_has_manager": services.team_managers(team).exists(),
        },
    )


# --- The log of admin changes ------------------------------------------------------------


@manage
def changes(request: HttpRequest) -> HttpResponse:
    events = (
        AuditEvent.objects.filter(object_type__in=ADMIN_OBJECT_TYPES, action__in=ADMIN_ACTIONS)
        .select_related("user")
        .order_by("-at", "-id")
    )
    page = Paginator(events, CHANGES_PER_PAGE).get_page(request.GET.get("page"))
    for event in page.object_list:
        event.kind = OBJECT_LABELS.get(event.object_type, "")
    return render(request, "manage/changes.html", {"page": page})
