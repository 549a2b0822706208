"""The positive-risk decision pages: /risks/ (the team's decisions), proposing
one with a person, a decision's page (backing, talking first, notes, the
outcome), revising it before it is backed, and the team's learning page."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from conversations import decision_services as services
from conversations.decision_forms import (
    Backing,
    BackingForm,
    DecisionFilterForm,
    LearningFilterForm,
    NoteForm,
    OutcomeForm,
    ProposalForm,
)
from conversations.models import DecisionStatus, RiskDecision
from conversations.services import ConflictError
from deal.audit import Actor
from deal.permissions import Capability, capability_required, get_for_team
from people.services import get_person_for

DECISIONS_PER_PAGE = 25
work_with_people = capability_required(Capability.WORK_WITH_PEOPLE)


def get_decision_for(request: HttpRequest, pk: int, *, record_view: bool = True) -> RiskDecision:
    """The decision if it is one of the user's teams': the same 404 for
    missing and for anyone outside the team."""
    return get_for_team(
        request,
        RiskDecision.objects.with_joins(),
        pk,
        team_id_of=lambda decision: decision.team_id,
        record_view=record_view,
    )


@work_with_people
def decision_list(request: HttpRequest) -> HttpResponse:
    form = DecisionFilterForm(request.GET, user=request.user)
    decisions = form.filter_decisions(RiskDecision.objects.visible_to(request.user))
    page = Paginator(decisions, DECISIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "decisions/list.html", {"form": form, "page": page})


@work_with_people
def learning(request: HttpRequest) -> HttpResponse:
    form = LearningFilterForm(request.GET, user=request.user)
    decisions = form.filter_decisions(RiskDecision.objects.visible_to(request.user))
    page = Paginator(decisions, DECISIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "decisions/learning.html",
        {
            "form": form,
            "page": page,
            "counts": form.outcome_counts(RiskDecision.objects.visible_to(request.user)),
        },
    )


@never_cache
@work_with_people
def propose(request: HttpRequest, person_pk: int, key: uuid.UUID | None = None) -> HttpResponse:
    """Propose a decision with a person. Opening the page gives the decision
    its key, in the address, so Back after sending then sending again finds
    the decision already saved rather than making a second one."""
    person = get_person_for(request, person_pk, record_view=request.method == "GET")
    if key is None and request.method == "GET":
        return redirect("decisions:propose_with_key", person_pk=person.pk, key=uuid.uuid4())
    if key is not None:
        saved = RiskDecision.objects.filter(submission_key=key).first()
        if saved is not None:
            if saved.person_id != person.pk:
                raise Http404("No such record")
            messages.info(request, "This decision is already saved")
            return redirect(saved)
    form = ProposalForm(request.POST or None)
    # "enter": the hidden first button, which Enter in a one-line box presses:
    # it only redraws the page, so nothing is sent before the worker is ready.
    if request.method == "POST" and "enter" not in request.POST and form.is_valid():
        try:
            decision, _ = services.decision_propose(
                actor=Actor.from_request(request),
                person=person,
                fields=form.proposal(),
                themes=list(form.cleaned_data["themes"]),
                submission_key=key,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "Your proposal has been sent to your manager to back")
            return redirect(decision)
    return render(
        request,
        "decisions/propose.html",
        {"person": person, "form": form, "redrawn": "enter" in request.POST},
    )


@never_cache
@work_with_people
def revise(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a proposal before it is backed; after "talk first", this sends
    it again to be backed."""
    decision = get_decision_for(request, pk, record_view=request.method == "GET")
    if decision.is_locked:
        messages.info(
            request, "This decision has been backed, so its text is locked. Add a note instead."
        )
        return redirect(decision)
    if not decision.may_be_revised_by(request.user):
        raise PermissionDenied
    form = ProposalForm(request.POST or None, decision=decision)
    conflict = None
    if request.method == "POST" and "enter" not in request.POST:
        if form.is_stale():
            conflict = True
        elif form.is_valid():
            try:
                services.decision_revise(
                    actor=Actor.from_request(request),
                    decision=decision,
                    expected_version=form.cleaned_data["version"],
                    fields=form.proposal(),
                    themes=list(form.cleaned_data["themes"]),
                    note=form.cleaned_data["note"],
                )
            except ConflictError:
                conflict = True
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, "Your proposal has been sent to your manager to back")
                return redirect(decision)
    if conflict:
        current = get_decision_for(request, pk, record_view=False)
        if current.is_locked:
            messages.info(
                request,
                "This decision was backed while you were changing it, so its "
                "text is locked. Add what you wanted to say as a note.",
            )
            return redirect(current)
        data = request.POST.copy()
        data["version"] = str(current.version)
        form = ProposalForm(data, decision=current)
        form.is_valid()
        decision = current
    return render(
        request,
        "decisions/propose.html",
        {
            "person": decision.person,
            "decision": decision,
            "form": form,
            "conflict": conflict,
            "redrawn": "enter" in request.POST,
        },
    )


def _decision_page(
    request: HttpRequest, decision: RiskDecision, *, conflict: bool = False, **bound
) -> HttpResponse:
    user = request.user
    forms = {
        "backing_form": BackingForm(decision=decision) if decision.may_be_backed_by(user) else None,
        "outcome_form": OutcomeForm(decision=decision)
        if services.may_record_outcome(user, decision)
        else None,
        "note_form": NoteForm(decision=decision),
    }
    forms.update(bound)
    steps = list(decision.steps.select_related("by"))
    return render(
        request,
        "decisions/detail.html",
        {
            "decision": decision,
            "person": decision.person,
            "themes": list(decision.themes.all()),
            "steps": steps,
            "last_step": steps[-1] if steps else None,
            "talk_first": next((s for s in reversed(steps) if s.kind == "talk_first"), None)
            if decision.status == DecisionStatus.TALK_FIRST
            else None,
            "may_revise": decision.may_be_revised_by(user),
            "conflict": conflict,
            "own_proposal_waiting": decision.status == DecisionStatus.WAITING
            and decision.proposed_by_id == user.pk,
            **forms,
        },
    )


@work_with_people
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _decision_page(request, get_decision_for(request, pk))


def _handle(request, pk, *, form_class, form_name, allowed, save, saved_message, gone_message):
    """A form posted from a decision's page: refused from an older version
    (showing what is saved now, keeping what was typed), redrawn on errors,
    saved otherwise."""
    decision = get_decision_for(request, pk, record_view=False)
    if not allowed(decision):
        if gone_message(decision):
            # Already done (Back, then send again; or a colleague got there
            # first): say so, rather than refuse.
            messages.info(request, gone_message(decision))
            return redirect(decision)
        raise PermissionDenied
    form = form_class(request.POST, decision=decision)
    if "enter" in request.POST:
        # Enter pressed in the form: show it again, save nothing.
        form = form.typed(decision)
        return _decision_page(request, decision, **{form_name: form})
    conflict = form.is_stale()
    if not conflict and form.is_valid():
        try:
            save(decision, form.cleaned_data, Actor.from_request(request))
        except ConflictError:
            conflict = True
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, saved_message(form.cleaned_data))
            return redirect(decision)
    if conflict:
        current = get_decision_for(request, pk, record_view=False)
        typed = form.typed(current) if allowed(current) else None
        return _decision_page(request, current, conflict=True, **{form_name: typed})
    return _decision_page(request, decision, **{form_name: form})


def _no_longer_waiting(decision: RiskDecision) -> str:
    if decision.status == DecisionStatus.WAITING:
        return ""
    if decision.backed_by_id:
        return f"This decision was backed by {decision.backed_by} on " + (
            f"{decision.backed_at:%-d %B %Y}"
        )
    status = decision.get_status_display().lower()
    return f"This decision is no longer waiting for backing: it is {status}"


@require_POST
@work_with_people
def back(request: HttpRequest, pk: int) -> HttpResponse:
    def save(decision, data, actor):
        if data["answer"] == Backing.BACK:
            services.decision_back(
                actor=actor,
                decision=decision,
                expected_version=data["version"],
                comment=data["comment"],
            )
        else:
            services.decision_talk_first(
                actor=actor,
                decision=decision,
                expected_version=data["version"],
                comment=data["comment"],
            )

    return _handle(
        request,
        pk,
        form_class=BackingForm,
        form_name="backing_form",
        allowed=lambda d: d.may_be_backed_by(request.user),
        save=save,
        saved_message=lambda data: (
            "You have backed this decision"
            if data["answer"] == Backing.BACK
            else "You have asked to talk first. "
            "The worker can change the proposal and send it again."
        ),
        gone_message=_no_longer_waiting,
    )


@require_POST
@work_with_people
def outcome(request: HttpRequest, pk: int) -> HttpResponse:
    return _handle(
        request,
        pk,
        form_class=OutcomeForm,
        form_name="outcome_form",
        allowed=lambda d: services.may_record_outcome(request.user, d),
        save=lambda decision, data, actor: services.decision_record_outcome(
            actor=actor,
            decision=decision,
            expected_version=data["version"],
            outcome=data["outcome"],
            learning=data["learning"],
        ),
        saved_message=lambda data: (
            "The outcome has been recorded. Thank you for sharing what was learned."
        ),
        gone_message=lambda d: (
            "The outcome of this decision is already recorded"
            if d.status == DecisionStatus.OUTCOME_RECORDED
            else ""
        ),
    )


@require_POST
@work_with_people
def note(request: HttpRequest, pk: int) -> HttpResponse:
    return _handle(
        request,
        pk,
        form_class=NoteForm,
        form_name="note_form",
        allowed=lambda d: True,
        save=lambda decision, data, actor: services.decision_add_note(
            actor=actor, decision=decision, expected_version=data["version"], note=data["note"]
        ),
        saved_message=lambda data: "Your note has been added",
        gone_message=lambda d: "",
    )
