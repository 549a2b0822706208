"""One record per person across teams: asking another team for a record, and
the holding team's manager deciding."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from deal.audit import Actor, audit_record
from deal.models import AuditAction
from deal.permissions import Capability, capability_required
from people import services
from people.forms import TransferDecisionForm
from people.models import TransferRequest

PER_PAGE = 25
work_with_people = capability_required(Capability.WORK_WITH_PEOPLE)


@work_with_people
def transfer_list(request: HttpRequest) -> HttpResponse:
    """Requests waiting for this manager's decision, and those the user asked."""
    user = request.user
    to_decide = (
        TransferRequest.objects.to_decide_by(user)
        .with_closed_to(user)
        .select_related("person", "from_team", "to_team", "requested_by")
        .order_by("requested_at", "id")
    )
    asked = (
        TransferRequest.objects.asked_by(user)
        .with_closed_to(user)
        .select_related("from_team", "to_team", "person")
    )
    return render(
        request,
        "people/transfers.html",
        {
            "to_decide": Paginator(to_decide, PER_PAGE).get_page(request.GET.get("page")),
            "asked": Paginator(asked, PER_PAGE).get_page(request.GET.get("asked_page")),
            "user_team_ids": user.team_ids(),
        },
    )


def _not_named_text(transfer, *, done: bool) -> str:
    """Said plainly to a manager who may not open a restricted record: whoever
    asked is not named on it (services.transfer_decide)."""
    asker = transfer.requested_by.full_name
    if done:
        return (
            f"{transfer.person.full_name}’s record stays restricted. As you may not open it, "
            f"{asker}, who asked, is not named on it: they will need to give a reason to "
            "open it, or someone named on it can add them on its restriction page."
        )
    return (
        f"If you transfer it, it stays restricted. As you may not open it, {asker}, who "
        "asked, will not be named on it: they will need to give a reason to open it, or "
        "someone named on it can add them on its restriction page."
    )


@work_with_people
def transfer_decide(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = (
        TransferRequest.objects.to_decide_by(request.user)
        .with_closed_to(request.user)
        .select_related("person", "from_team", "to_team", "requested_by")
        .filter(pk=pk)
        .first()
    )
    actor = Actor.from_request(request)
    if transfer is None and TransferRequest.objects.filter(pk=pk, decided_by=request.user).exists():
        # Back then send again, after deciding it.
        messages.info(request, "This request has already been decided")
        return redirect("people:transfers")
    if transfer is None:
        # Missing, decided, or not this user's to decide: the same 404.
        audit_record(
            actor=actor,
            action=AuditAction.DENIED,
            object_type="people.transferrequest",
            object_id=pk,
        )
        raise Http404("No such request")
    # A restricted record this manager may not open: they still decide, and
    # are shown its name, that it is restricted and who may open it, none of
    # its details. Which team holds a record is the manager's to answer for
    # (a restricted record is still the team's), and a request says nothing
    # of the case; making them break glass only to answer it would put an
    # opening in the list that was never needed to read the case, and
    # dilute what that list is for. A manager who wants the details first
    # asks the named staff, or gives a reason through the profile's link.
    named = (
        list(transfer.person.restricted_to.order_by("full_name", "id")) if transfer.closed else []
    )
    form = TransferDecisionForm(request.POST or None, to_team=transfer.to_team)
    if request.method == "POST" and form.is_valid():
        accept = form.cleaned_data["decision"] == TransferDecisionForm.ACCEPT
        try:
            services.transfer_decide(
                actor=actor, transfer=transfer, accept=accept, reason=form.cleaned_data["reason"]
            )
        except services.TransferDecidedError:
            messages.info(request, "This request has already been decided")
            return redirect("people:transfers")
        if accept:
            messages.success(
                request,
                f"{transfer.person.full_name}’s record has been transferred to {transfer.to_team}",
            )
            person = transfer.person
            if (
                person.is_restricted
                and not person.restricted_to.filter(pk=transfer.requested_by_id).exists()
            ):
                messages.warning(request, _not_named_text(transfer, done=True))
        else:
            messages.success(request, "The request has been declined")
        return redirect("people:transfers")
    return render(
        request,
        "people/transfer_decide.html",
        {
            "transfer": transfer,
            "form": form,
            "named": named,
            "not_named_text": _not_named_text(transfer, done=False) if transfer.closed else "",
        },
    )
