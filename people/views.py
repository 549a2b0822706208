from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from deal.audit import Actor, audit_record
from deal.models import AuditAction, Team, staff_name_fields
from deal.permissions import Capability, capability_required, get_for_team
from deal.sections import sections_for
from deal.templatetags.govuk import govuk_time
from people import services
from people.forms import (
    ENTRY_WORDS,
    AddPersonForm,
    BreakGlassForm,
    FindPersonForm,
    PersonForm,
    PersonInLifeForm,
    ProfileEntryForm,
    RestrictionForm,
    WhatMattersForm,
)
from people.middleware import restricted_page
from people.models import (
    BreakGlass,
    EntryKind,
    Person,
    PersonInLife,
    ProfileEntry,
    name_fields,
)
from people.search import parse_search

PEOPLE_PER_PAGE = 25
# What an add-a-person form's key is kept under (services.submission_key).
ADD_PERSON = "add person"
work_with_people = capability_required(Capability.WORK_WITH_PEOPLE)


@work_with_people
def find(request: HttpRequest) -> HttpResponse:
    form = FindPersonForm(request.GET or None)
    query = parse_search(form.cleaned_data["q"] if form.is_valid() else "")
    # The columns the results table shows, and the named worker by name.
    people = (
        Person.objects.visible_to(request.user)
        .with_closed_to(request.user)
        .select_related("named_worker")
        .only(
            *name_fields(),
            "date_of_birth",
            "postcode",
            "nhs_number",
            "status",
            "is_restricted",
            *staff_name_fields("named_worker"),
        )
    )
    if not query.is_empty:
        people = people.search(query, user=request.user)
        audit_record(
            actor=Actor.from_request(request),
            action=AuditAction.SEARCH,
            object_type="people.person",
            detail=f"Searched for {query.text}",
        )
    page = Paginator(people.order_by("family_name", "given_name", "id"), PEOPLE_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "people/find.html",
        {"form": form, "query": query, "page": page, "searched": not query.is_empty},
    )


@work_with_people
def add(request: HttpRequest, key: uuid.UUID | None = None) -> HttpResponse:
    """Add a person.

    Opening the page gives the form its key, in the address (as recording a
    conversation does): the page is never kept by the browser, so Back after
    adding someone asks for it again, and with the key in the address it
    finds the person already added instead of offering the form, typed
    values and all, to be sent a second time."""
    if not request.user.team_ids():
        messages.info(request, "You are not in a team yet, so you cannot add people. Ask an admin.")
        return redirect("people:find")
    if request.method == "GET":
        if key is None:
            return redirect("people:add_with_key", key=uuid.uuid4())
        used = services.submission_key(key, user=request.user, scope=ADD_PERSON)
        if first := services.already_submitted(used):
            messages.info(request, "This person has already been added")
            return redirect(first.saved_to)
    form = AddPersonForm(
        request.POST or None,
        user=request.user,
        initial={"submission_key": key} if key else None,
    )
    if request.method == "POST":
        key = _sent_key(request, form, scope=ADD_PERSON)
        if first := services.already_submitted(key):
            # Back then resend after adding them, or a double click: the
            # duplicate check would now find the person just added.
            messages.info(request, "This person has already been added")
            return redirect(first.saved_to)
        if "ask_transfer" in request.POST:
            return _ask_transfer(request, form)
        if form.is_valid():
            fields = {
                k: v
                for k, v in form.cleaned_data.items()
                if k not in ("not_a_duplicate", "add_anyway", "last_saved", "submission_key")
            }
            actor = Actor.from_request(request)
            try:
                saved_to, first_time = services.submit_once(
                    actor=actor,
                    key=key,
                    save=lambda: services.person_create(
                        actor=actor, fields=fields
                    ).get_absolute_url(),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if first_time:
                    messages.success(
                        request,
                        f"{form.cleaned_data['given_name']} "
                        f"{form.cleaned_data['family_name']} has been added",
                    )
                else:
                    messages.info(request, "This person has already been added")
                return redirect(saved_to)
        elif first := services.already_submitted(key):
            # A second click that raced the first: by the time it was checked
            # the first had added the person, so "may already exist" is about
            # this very sending.
            messages.info(request, "This person has already been added")
            return redirect(first.saved_to)
    return render(request, "people/person_form.html", {"form": form, "adding": True})


def _ask_transfer(request: HttpRequest, form: AddPersonForm) -> HttpResponse:
    """ "Ask them to transfer the record to you": the team that may hold the
    person is asked; what matched is worked out again here from what was
    typed, so the page never carries anything of their record."""
    form.is_valid()
    team = next(
        (t for t in form.known_elsewhere if str(t.pk) == request.POST.get("ask_transfer")), None
    )
    if team is None:
        # Nothing matches any more (the typing changed): the page again.
        return render(request, "people/person_form.html", {"form": form, "adding": True})
    to_team = form.cleaned_data.get("team") or Team.objects.get(pk=request.user.team_ids()[0])
    services.transfer_ask(
        actor=Actor.from_request(request), from_team=team, to_team=to_team, match=form.identity()
    )
    messages.success(
        request,
        f"{team.name} has been asked to transfer the record to {to_team.name}. Their manager "
        "will accept or decline; you will find the person here once it is transferred.",
    )
    return redirect("people:transfers")


def _sent_key(request: HttpRequest, form, *, scope: str):
    """The key the sent form is kept under (see services.submission_key)."""
    field = form.fields["submission_key"]
    return services.submission_key(
        field.clean(request.POST.get(form.add_prefix("submission_key"))),
        user=request.user,
        scope=scope,
    )


@work_with_people
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = services.get_person_for(request, pk)
    # The profile is put together from what each app contributes
    # (deal/sections.py): this app's details, what matters and entries; the
    # conversations app's actions, wellbeing and timeline; and so on.
    return render(
        request,
        "people/detail.html",
        {
            "person": person,
            "buttons": sections_for("profile_buttons", request, person),
            "sections": sections_for("profile", request, person),
            "can_restrict": services.can_restrict(request.user, person),
            **_restriction_context(request, person),
        },
    )


def _restriction_context(request: HttpRequest, person: Person) -> dict:
    """Who a restricted record is open to, and until when it is open to this
    user if they gave a reason. Nothing to read for an unrestricted record."""
    if not person.is_restricted:
        return {}
    named = list(person.restricted_to.order_by("full_name", "id"))
    opening = None
    if request.user not in named:
        opening = (
            BreakGlass.objects.open_for(request.user)
            .filter(person=person)
            .order_by("-until")
            .first()
        )
    return {"restricted_named": named, "break_glass": opening}


def _safe_next(request: HttpRequest, value: str, person: Person) -> str:
    """Where to go once the record is open: a page of this site, else the profile."""
    if value.startswith("/") and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}
    ):
        return value
    return person.get_absolute_url()


@work_with_people
def break_glass(request: HttpRequest, pk: int) -> HttpResponse:
    """ "This record is restricted": give a reason to open it for a few hours."""
    person = get_for_team(
        request,
        Person.objects.with_profile_joins(),
        pk,
        team_id_of=lambda p: p.team_id,
        record_view=False,
        checks=False,
    )
    form = BreakGlassForm(request.POST or None, initial={"next": request.GET.get("next", "")})
    if not Person.objects.closed_to(request.user).filter(pk=person.pk).exists():
        # Named on it, already opened, or not restricted (any more).
        return redirect(_safe_next(request, request.POST.get("next", ""), person))
    if request.method == "POST" and form.is_valid():
        opening = services.break_glass_open(
            actor=Actor.from_request(request), person=person, reason=form.cleaned_data["reason"]
        )
        messages.success(
            request,
            f"{person.full_name}’s record is open to you until "
            f"{govuk_time(timezone.localtime(opening.until))}. Your reason has been recorded.",
        )
        return redirect(_safe_next(request, form.cleaned_data.get("next", ""), person))
    return restricted_page(request, person, form)


@work_with_people
def restriction(request: HttpRequest, pk: int) -> HttpResponse:
    """Restrict the record to named staff of the team, change who, or lift it."""
    person = services.get_person_for(request, pk, record_view=request.method == "GET")
    if not services.can_restrict(request.user, person):
        raise PermissionDenied
    named = list(person.restricted_to.all()) if person.is_restricted else []
    initial = {
        "named": named or [u for u in (person.named_worker,) if u is not None],
        "reason": person.restriction_reason,
    }
    form = RestrictionForm(request.POST or None, team=person.team, initial=initial)
    actor = Actor.from_request(request)
    if request.method == "POST" and "lift" in request.POST:
        services.person_unrestrict(actor=actor, person=person)
        messages.success(
            request, "The restriction has been lifted: everyone in the team can open the record"
        )
        return redirect(person.get_absolute_url())
    if request.method == "POST" and form.is_valid():
        try:
            services.person_restrict(
                actor=actor,
                person=person,
                named=list(form.cleaned_data["named"]),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The record is restricted")
            if Person.objects.closed_to(request.user).filter(pk=person.pk).exists():
                return redirect("people:find")
            return redirect(person.get_absolute_url())
    return render(
        request, "people/restriction.html", {"person": person, "form": form, "named": named}
    )


@work_with_people
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = services.get_person_for(request, pk, record_view=request.method == "GET")
    form = PersonForm(
        request.POST or None, instance=Person.objects.get(pk=person.pk), user=request.user
    )
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        last_saved = fields.pop("last_saved", "")
        try:
            changed = services.person_update(
                actor=Actor.from_request(request),
                person=person,
                fields=fields,
                last_saved=last_saved,
            )
        except ValidationError as error:
            form.add_error(None, error)
        except services.PersonChangedError as error:
            # Keep what they typed, show that someone else saved first, and let
            # a second save (made knowing that) go through.
            data = request.POST.copy()
            data["last_saved"] = error.current.updated_at.isoformat()
            form = PersonForm(data, instance=error.current, user=request.user)
            form.is_valid()
            form.add_error(
                None,
                "Someone else saved changes to their details after you opened this page. "
                "Check what is saved now on their profile, then save again if your changes "
                "are still right",
            )
        else:
            if changed:
                messages.success(request, "Their details have been saved")
            if person.team_id not in request.user.team_ids():
                return redirect("people:find")
            return redirect("people:detail", pk=person.pk)
    return render(request, "people/person_form.html", {"form": form, "person": person})


@work_with_people
def what_matters(request: HttpRequest, pk: int) -> HttpResponse:
    person = services.get_person_for(request, pk, record_view=request.method == "GET")
    versions = list(person.what_matters.select_related("recorded_by"))
    current = versions[0] if versions else None
    form = WhatMattersForm(request.POST or None, initial={"text": current.text if current else ""})
    if request.method == "POST" and form.is_valid():
        saved = services.what_matters_record(
            actor=Actor.from_request(request), person=person, text=form.cleaned_data["text"]
        )
        if saved:
            messages.success(request, "What matters to them has been saved")
        return redirect("people:detail", pk=person.pk)
    return render(
        request,
        "people/what_matters.html",
        {"person": person, "form": form, "current": current, "earlier": versions[1:]},
    )


def _entry_kind(kind: str) -> EntryKind:
    try:
        return EntryKind(kind)
    except ValueError:
        raise Http404("No such kind of entry") from None


@work_with_people
def entry_add(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    entry_kind = _entry_kind(kind)
    person = services.get_person_for(request, pk, record_view=request.method == "GET")
    form = ProfileEntryForm(request.POST or None, kind=entry_kind)
    here = f"{person.get_absolute_url()}#{entry_kind.value}s"
    if request.method == "POST":
        key = _sent_key(request, form, scope=f"person {person.pk} {entry_kind.value}s")
        if services.already_submitted(key):
            messages.info(request, f"Those {entry_kind.label.lower()}s were already recorded")
            return redirect(here)
        if form.is_valid():
            actor = Actor.from_request(request)
            added = []

            def save() -> str:
                added.extend(
                    services.profile_entries_add(
                        actor=actor,
                        person=person,
                        kind=entry_kind,
                        texts=form.cleaned_data["text"],
                    )
                )
                return here

            _, first_time = services.submit_once(actor=actor, key=key, save=save)
            if first_time and len(added) == 1:
                messages.success(request, f"{entry_kind.label} added")
            elif first_time and added:
                messages.success(request, f"{len(added)} {entry_kind.label.lower()}s added")
            else:
                messages.info(request, f"Those {entry_kind.label.lower()}s were already recorded")
            return redirect(here)
    return render(
        request,
        "people/entry_form.html",
        {
            "person": person,
            "form": form,
            "kind": entry_kind,
            "article": ENTRY_WORDS[entry_kind][0],
        },
    )


def _entry_for(request: HttpRequest, pk: int, entry_pk: int) -> ProfileEntry:
    person = services.get_person_for(request, pk, record_view=False)
    entry = get_object_or_404(
        ProfileEntry.objects.select_related("person"), pk=entry_pk, person=person
    )
    return entry


@require_POST
@work_with_people
def entry_archive(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    entry = _entry_for(request, pk, entry_pk)
    services.profile_entry_archive(actor=Actor.from_request(request), entry=entry)
    messages.success(request, f"“{entry.text}” has been archived. You can restore it below.")
    return redirect(f"{entry.person.get_absolute_url()}#{entry.kind}s")


@require_POST
@work_with_people
def entry_restore(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    entry = _entry_for(request, pk, entry_pk)
    services.profile_entry_restore(actor=Actor.from_request(request), entry=entry)
    messages.success(request, f"“{entry.text}” has been restored")
    return redirect(f"{entry.person.get_absolute_url()}#{entry.kind}s")


@work_with_people
def person_in_life(
    request: HttpRequest,
    pk: int,
    connection_pk: int | None = None,
    key: uuid.UUID | None = None,
) -> HttpResponse:
    """Add someone in the person's life, or change what we know of them.

    Adding, the form's key is in its address (as for adding a person): Back
    after saving asks for the page again and finds them already added."""
    person = services.get_person_for(request, pk, record_view=request.method == "GET")
    existing = None
    if connection_pk is not None:
        existing = get_object_or_404(PersonInLife, pk=connection_pk, person=person)
    here = f"{person.get_absolute_url()}#people-in-their-life"
    if existing is not None and existing.archived_at is not None:
        # Taken off their list (perhaps by a colleague while this page was
        # open): a change would be saved where no one sees it.
        messages.info(
            request, f"{existing.name} was taken off their list: there is nothing to change"
        )
        return redirect(here)
    scope = f"person {person.pk} people in their life"
    if request.method == "GET" and existing is None:
        if key is None:
            return redirect("people:person_in_life_add_with_key", pk=person.pk, key=uuid.uuid4())
        if services.already_submitted(services.submission_key(key, user=request.user, scope=scope)):
            messages.info(request, "They have already been added")
            return redirect(here)
    form = PersonInLifeForm(
        request.POST or None,
        instance=existing,
        initial={"submission_key": key} if key else None,
    )
    key = None
    if request.method == "POST" and existing is None:
        key = _sent_key(request, form, scope=scope)
        if services.already_submitted(key):
            messages.info(request, "They have already been added")
            return redirect(here)
    if request.method == "POST" and form.is_valid():
        actor = Actor.from_request(request)
        fields = {k: v for k, v in form.cleaned_data.items() if k != "submission_key"}

        def save() -> str:
            services.person_in_life_save(
                actor=actor, person=person, fields=fields, existing=existing
            )
            return here

        if key is None:
            save()
            first_time = True
        else:
            _, first_time = services.submit_once(actor=actor, key=key, save=save)
        if first_time:
            messages.success(request, f"{form.cleaned_data['name']} has been saved")
        else:
            messages.info(request, "They have already been added")
        return redirect(here)
    return render(
        request,
        "people/person_in_life_form.html",
        {"person": person, "form": form, "existing": existing},
    )


@require_POST
@work_with_people
def person_in_life_archive(request: HttpRequest, pk: int, connection_pk: int) -> HttpResponse:
    person = services.get_person_for(request, pk, record_view=False)
    connection = get_object_or_404(PersonInLife, pk=connection_pk, person=person)
    services.person_in_life_archive(actor=Actor.from_request(request), connection=connection)
    messages.success(request, f"{connection.name} has been taken off their list")
    return redirect(f"{person.get_absolute_url()}#people-in-their-life")
