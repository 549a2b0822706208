"""Recording, finishing and correcting a conversation; reading it; and the
plain-English summary for the person."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from conversations import review, services
from conversations.forms import (
    ConversationForm,
    TeamStaff,
    action_formset,
    initial_for_actions,
    new_submission_key,
    show_without_checking,
)
from conversations.history import conversation_changes
from conversations.models import Conversation, ConversationStatus
from conversations.owner_names import offered_names
from conversations.review import CommentForm
from conversations.team_figures import DRAFT_OLD_DAYS
from deal.audit import Actor
from deal.models import User
from deal.permissions import Capability, capability_required, check_for_team, manager_only
from deal.prepared import by_pk, prepared
from people.models import Person
from people.services import get_person_for

work_with_people = capability_required(Capability.WORK_WITH_PEOPLE)
NEW_ACTIONS = "actions"
MAX_ACTIONS = 30
SAVED_ACTIONS = "saved"
DRAFTS_PER_PAGE = 25
REVIEWS_PER_PAGE = 25


def get_conversation_for(request: HttpRequest, pk: int, *, record_view: bool) -> Conversation:
    """The conversation if the user may open its person's record."""
    return check_for_team(
        request,
        by_pk(_conversation_with_joins, pk),
        team_id_of=lambda conversation: conversation.person.team_id,
        record_view=record_view,
    )


@prepared
def _conversation_with_joins(*, pk: int):
    # Read for every page about a conversation, so prepared (deal.prepared).
    # A discarded draft is gone, for everyone: the audit log keeps it.
    return (
        Conversation.objects.exclude(status=ConversationStatus.DISCARDED).with_joins().filter(pk=pk)
    )


def _with_action_lines(data: QueryDict, prefix: str, *, add: bool, remove: int | None) -> QueryDict:
    """The posted form with a blank action line added, or one taken out, for
    the page redrawn when JavaScript is not there to do it."""
    data = data.copy()
    try:
        total = int(data.get(f"{prefix}-TOTAL_FORMS") or 0)
    except ValueError:
        total = 1
    # Never more lines than a conversation may have, whatever was sent.
    total = min(max(total, 0), MAX_ACTIONS)
    if remove is not None and 0 <= remove < total:
        for index in range(remove, total - 1):
            for key in [k for k in data if k.startswith(f"{prefix}-{index + 1}-")]:
                data.setlist(
                    key.replace(f"{prefix}-{index + 1}-", f"{prefix}-{index}-", 1),
                    data.getlist(key),
                )
        for key in [k for k in data if k.startswith(f"{prefix}-{total - 1}-")]:
            del data[key]
        total -= 1
    if add:
        total = min(total + 1, MAX_ACTIONS)
    data[f"{prefix}-TOTAL_FORMS"] = str(max(total, 1))
    return data


def _remove_index(data: QueryDict) -> int | None:
    try:
        return int(data["remove_action"])
    except (KeyError, ValueError):
        return None


def _conversation_page(
    request: HttpRequest,
    *,
    person: Person,
    conversation: Conversation | None,
    key: uuid.UUID | None = None,
    rekeyed: bool = False,
) -> HttpResponse:
    """The one form for recording, finishing and correcting: the same rules,
    the same page. `rekeyed`: the page was sent with a key that is not this
    user's for this person; it is drawn again with what was typed and its new
    key, and nothing is saved."""
    saved_actions = list(conversation.actions.order_by("id")) if conversation else []
    # Every list of staff on the page, read once.
    staff = TeamStaff(
        person, conversation, owners=[a.owner_user_id for a in saved_actions if a.owner_user_id]
    )
    redraw = request.method == "POST" and (
        "add_action" in request.POST or "remove_action" in request.POST
    )
    conflict = None
    conflict_action = None

    def saved_formset(data, completing=True):
        """The actions already saved with this conversation, as they were
        sent back (data) or as they are saved (None)."""
        return action_formset(
            data,
            person=person,
            prefix=SAVED_ACTIONS,
            initial=initial_for_actions(saved_actions),
            saved_actions=saved_actions,
            completing=completing,
            item_label="Agreed action",
            staff=staff,
        )

    new_label = "New action" if saved_actions else "Action"

    if (
        request.method == "POST"
        and conversation is not None
        and conversation.last_submission_key is not None
        and request.POST.get("submission_key") == str(conversation.last_submission_key)
    ):
        # The same correction sent again (Back then resend, a double click):
        # before its lines are read, as the page it came from may hold fewer
        # saved actions than the conversation has now.
        messages.info(request, _already_saved_message(conversation))
        return redirect(conversation)
    if request.method == "POST":
        data = request.POST
        # The hidden first button, which Enter in a one-line box presses, of a
        # completed conversation: redraw the page, save nothing.
        redraw = redraw or "enter" in data or rekeyed
        if rekeyed:
            data = data.copy()
            data["submission_key"] = str(key)
        if redraw:
            data = _with_action_lines(
                data, NEW_ACTIONS, add="add_action" in data, remove=_remove_index(data)
            )
        completing = "complete" in data or (conversation is not None and not conversation.is_draft)
        form = ConversationForm(
            data, person=person, completing=completing, instance=conversation, staff=staff
        )
        new_actions = action_formset(
            data,
            person=person,
            prefix=NEW_ACTIONS,
            completing=completing,
            item_label=new_label,
            staff=staff,
        )
        saved = saved_formset(data, completing)
        if redraw:
            show_without_checking(form, new_actions, saved)
        elif _all_valid(form, new_actions, saved):
            was_draft = conversation is None or conversation.is_draft
            try:
                result, first_time = services.conversation_save(
                    actor=Actor.from_request(request),
                    person=person,
                    conversation=conversation,
                    expected_version=form.cleaned_data.get("version"),
                    # A new conversation's key is in its address; the form's
                    # copy is only for the browser's kept typing.
                    submission_key=key or form.cleaned_data["submission_key"],
                    complete=completing,
                    content=form.content(
                        [
                            # Each saved line is the saved action it was drawn
                            # for, whatever id an altered page sends with it.
                            dataclasses.replace(f.to_input(), pk=action.pk)
                            for f, action in zip(saved.forms, saved_actions, strict=True)
                        ]
                        + [f.to_input() for f in new_actions.filled_forms()]
                    ),
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            except services.ActionConflictError as error:
                # An action was followed up or handed on meanwhile: show it as
                # it is now, keep what was typed, and take its new version so a
                # second save, made knowing that, goes through.
                conflict_action = error.current
                data = data.copy()
                for index, action in enumerate(saved_actions):
                    if action.pk == conflict_action.pk:
                        data[f"{SAVED_ACTIONS}-{index}-version"] = str(conflict_action.version)
                form = ConversationForm(
                    data, person=person, completing=completing, instance=conversation, staff=staff
                )
                saved = saved_formset(data, completing)
                show_without_checking(form, saved)
            except services.ConflictError as error:
                conflict = error.current
                # Show both versions; a second save, made knowing theirs, wins.
                data = data.copy()
                data["version"] = str(conflict.version)
                form = ConversationForm(
                    data, person=person, completing=completing, instance=conversation, staff=staff
                )
                show_without_checking(form)
            else:
                if first_time:
                    messages.success(request, _saved_message(result, was_draft=was_draft))
                else:
                    messages.info(request, _already_saved_message(result))
                return redirect(result)
    else:
        # A new conversation's key comes with its address, so going Back to
        # the page, or reopening the tab, brings the same key (see record);
        # a correction gets a new one each time the page is opened.
        initial = {"submission_key": key or new_submission_key()}
        if conversation is None:
            now = timezone.localtime()
            # Whoever records it was there.
            initial.update(
                date=now.date(), time=now.strftime("%H:%M"), staff_present=[request.user.pk]
            )
        form = ConversationForm(
            person=person, completing=False, instance=conversation, initial=initial, staff=staff
        )
        # Always one spare line: MOJ Frontend's add-another copies it to add
        # more, and a spare line left blank is simply not saved.
        new_actions = action_formset(
            None,
            person=person,
            prefix=NEW_ACTIONS,
            blank_lines=1,
            item_label=new_label,
            staff=staff,
        )
        saved = saved_formset(None)

    return render(
        request,
        "conversations/record.html",
        {
            "person": person,
            "conversation": conversation,
            "form": form,
            "new_actions": new_actions,
            "saved_actions": saved,
            "saved_action_objects": dict(
                zip([f.prefix for f in saved.forms], saved_actions, strict=False)
            ),
            "conflict": conflict,
            "conflict_action": conflict_action,
            # Enter pressed while correcting: the page is drawn again, and
            # says so, as nothing the user typed has been kept yet.
            "redrawn": request.method == "POST" and "enter" in request.POST,
            "wellbeing_open": form.is_bound and form.wellbeing_answered,
            # Without JavaScript, "Add another action" comes back to the new
            # line: its first box has the focus (and the page's address the
            # line's anchor, from the button's formaction).
            "focus_line": new_actions.total_form_count() - 1
            if request.method == "POST" and "add_action" in request.POST
            else None,
            # Offered as names for "someone in their life".
            "people_in_life": list(person.people_in_life.current()),
            # And groups and organisations from the parts that offer them.
            "offered_names": offered_names(person),
            "keep_typed_as": reverse("conversations:record", kwargs={"person_pk": person.pk})
            if conversation is None
            else "",
            "form_action": reverse(
                "conversations:record_with_key", kwargs={"person_pk": person.pk, "key": key}
            )
            if key is not None
            else request.path,
        },
    )


def _all_valid(form: ConversationForm, new_actions, saved) -> bool:
    valid = form.is_valid() & new_actions.is_valid() & saved.is_valid()
    happened_at = form.cleaned_data.get("happened_at") if hasattr(form, "cleaned_data") else None
    if happened_at is not None:
        day = timezone.localtime(happened_at).date()
        valid &= new_actions.check_due_dates(day) & saved.check_due_dates(day)
    return bool(valid)


def _saved_message(conversation: Conversation, *, was_draft: bool) -> str:
    if conversation.is_draft:
        return "Your draft has been saved. You can finish it from My work."
    if was_draft:
        return "The conversation has been recorded"
    return "Your corrections have been saved"


def _already_saved_message(conversation: Conversation) -> str:
    if conversation.is_draft:
        return "This conversation is already saved as a draft. You can finish it here."
    return "This conversation is already saved"


@never_cache
@work_with_people
def record(request: HttpRequest, person_pk: int, key: uuid.UUID | None = None) -> HttpResponse:
    """Record a new conversation.

    Opening the page gives the conversation its key, in the address: Back to
    the page after saving, a reopened tab or a resent form all bring the same
    key, and a key already used finds the conversation it saved rather than
    making a second one."""
    person = get_person_for(request, person_pk, record_view=request.method == "GET")
    if key is None and request.method == "GET":
        return redirect("conversations:record_with_key", person_pk=person.pk, key=uuid.uuid4())
    if key is not None:
        saved = Conversation.objects.filter(submission_key=key).first()
        if saved is not None and not _key_is_theirs(saved, request.user, person):
            # The key of another person's conversation, a colleague's, or a
            # discarded draft: never a way to their record, and never a reason
            # to lose what was typed. A new key, and the page again.
            if request.method == "GET":
                return redirect(
                    "conversations:record_with_key", person_pk=person.pk, key=uuid.uuid4()
                )
            messages.info(
                request,
                "Nothing has been saved yet: this page had been used before. "
                "Check what you typed, then save it.",
            )
            return _conversation_page(
                request, person=person, conversation=None, key=uuid.uuid4(), rekeyed=True
            )
        if saved is not None:
            if request.method == "POST":
                messages.info(request, _already_saved_message(saved))
                return redirect(saved)
            return render(
                request,
                "conversations/already_saved.html",
                {"person": person, "conversation": saved},
            )
    return _conversation_page(request, person=person, conversation=None, key=key)


def _key_is_theirs(saved: Conversation, user, person: Person) -> bool:
    """A new conversation's key finds what it saved only for whoever saved it,
    with the person it was saved for."""
    return (
        saved.person_id == person.pk
        and saved.recorded_by_id == user.pk
        and not (saved.is_discarded)
    )


@never_cache
@work_with_people
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = get_conversation_for(request, pk, record_view=request.method == "GET")
    return _conversation_page(request, person=conversation.person, conversation=conversation)


@work_with_people
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = get_conversation_for(request, pk, record_view=True)
    context = _detail_context(request, conversation)
    review.mark_seen(request.user, conversation, context["comments"])
    return render(request, "conversations/detail.html", context)


def _detail_context(
    request: HttpRequest, conversation: Conversation, comment_form: CommentForm | None = None
) -> dict:
    comments = list(conversation.comments.select_related("by"))
    if comment_form is None and review.may_comment(request.user, conversation):
        comment_form = CommentForm(
            already_reviewed=review.is_reviewed(comments), worker=conversation.recorded_by
        )
    return {
        "conversation": conversation,
        "person": conversation.person,
        "may_discard": conversation.may_be_discarded_by(request.user),
        "entries": list(conversation.profile_entries.order_by("kind", "id")),
        "actions": list(conversation.actions.with_joins().order_by("due", "id")),
        "themes": list(conversation.themes.all()),
        "staff_present": list(conversation.staff_present.all()),
        "changes": conversation_changes(conversation),
        "comments": comments,
        "reviewed": next((c for c in comments if c.marks_reviewed), None),
        "comment_form": comment_form,
        "form": comment_form,
    }


@require_POST
@work_with_people
def comment(request: HttpRequest, pk: int) -> HttpResponse:
    """A manager of the team comments on the conversation, or marks it reviewed."""
    conversation = get_conversation_for(request, pk, record_view=False)
    if not review.may_comment(request.user, conversation):
        raise Http404("No such page")
    comments = list(conversation.comments.all())
    form = CommentForm(
        request.POST,
        already_reviewed=review.is_reviewed(comments),
        worker=conversation.recorded_by,
    )
    if form.is_valid():
        _comment, saved_now = review.comment_add(
            actor=Actor.from_request(request),
            conversation=conversation,
            text=form.cleaned_data["text"],
            reviewed=form.cleaned_data.get("reviewed", False),
            key=form.cleaned_data["key"],
        )
        if saved_now:
            messages.success(request, "Your comment is saved")
        return redirect(reverse("conversations:detail", args=[pk]) + "#comments")
    return render(
        request, "conversations/detail.html", _detail_context(request, conversation, form)
    )


@work_with_people
def drafts(request: HttpRequest) -> HttpResponse:
    """Drafts of the user's teams left for more than a week, by who started
    them: the list behind the team view's figure."""
    found = (
        Conversation.objects.visible_to(request.user)
        .filter(
            # As the team view counts them (conversations.team_figures).
            team_id__in=request.user.team_ids(),
            status=ConversationStatus.DRAFT,
            created_at__lt=timezone.now() - dt.timedelta(days=DRAFT_OLD_DAYS),
        )
        .for_list()
        .order_by("created_at", "id")
    )
    found, worker = _of_worker_and_team(request, found)
    page = Paginator(found, DRAFTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "conversations/drafts.html",
        {"page": page, "worker": worker, "old_days": DRAFT_OLD_DAYS},
    )


def _of_worker_and_team(request: HttpRequest, found):
    """A team view list narrowed to the worker and team its figure was for
    (?worker=&team=), and that worker when they are in the user's teams."""
    worker_id = _id_or_none(request.GET.get("worker"))
    team_id = _id_or_none(request.GET.get("team"))
    worker = None
    if worker_id is not None:
        found = found.filter(recorded_by_id=worker_id)
        worker = User.objects.filter(pk=worker_id, teams__in=request.user.team_ids()).first()
    if team_id is not None:
        found = found.filter(person__team_id=team_id)
    return found, worker


@never_cache
@manager_only
def reviews(request: HttpRequest) -> HttpResponse:
    """Completed conversations of the manager's teams waiting for their
    review (review.waiting_for_review), newest first: the list behind the
    team view's figure, filtered by who recorded them and team. Each opens
    the conversation, where the manager comments and marks it reviewed."""
    found = review.waiting_for_review(request.user).for_list().order_by("-completed_at", "-id")
    found, worker = _of_worker_and_team(request, found)
    page = Paginator(found, REVIEWS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "conversations/reviews.html",
        {"page": page, "worker": worker, "within_days": review.REVIEW_WITHIN_DAYS},
    )


@never_cache
@work_with_people
def discard(request: HttpRequest, pk: int) -> HttpResponse:
    """Throw away a draft started by mistake, after asking."""
    conversation = get_conversation_for(request, pk, record_view=request.method == "GET")
    if not conversation.is_draft:
        messages.info(request, "Only a draft can be discarded. This conversation is complete.")
        return redirect(conversation)
    if not conversation.may_be_discarded_by(request.user):
        messages.info(
            request,
            f"Only {conversation.recorded_by}, who started this draft, or a manager of the team "
            "can discard it.",
        )
        return redirect(conversation)
    if request.method == "POST":
        try:
            services.conversation_discard(
                actor=Actor.from_request(request),
                conversation=conversation,
                expected_version=_int_or_none(request.POST.get("version")),
            )
        except services.ConflictError:
            messages.info(
                request,
                "Someone saved this draft after you opened it, so it was not discarded. "
                "Check it, then discard it again if you still want to.",
            )
            return redirect(conversation)
        messages.success(request, "The draft has been discarded")
        return redirect(conversation.person)
    return render(
        request,
        "conversations/discard.html",
        {
            "conversation": conversation,
            "person": conversation.person,
            "actions": list(conversation.actions.order_by("id")),
        },
    )


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _id_or_none(value: str | None) -> int | None:
    """An id from the address; anything else (words, a number too big for the
    database) is taken as not given."""
    if value and value.isascii() and value.isdigit() and len(value) <= 15:
        return int(value)
    return None


@work_with_people
def summary(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = get_conversation_for(request, pk, record_view=True)
    if conversation.is_draft:
        # What was agreed is not settled until the conversation is complete.
        messages.info(
            request, "The summary for the person is ready once the conversation is complete"
        )
        return redirect(conversation)
    entries = list(conversation.profile_entries.order_by("kind", "id"))
    return render(
        request,
        "conversations/summary.html",
        {
            "conversation": conversation,
            "person": conversation.person,
            # Said in this conversation, or else what their profile said then.
            "what_matters": conversation.what_matters
            or getattr(
                conversation.person.what_matters.filter(
                    recorded_at__lte=conversation.completed_at or timezone.now()
                ).first(),
                "text",
                "",
            ),
            "strengths_and_interests": [e for e in entries if e.kind != "need"],
            "actions": list(
                conversation.actions.with_joins().exclude(status="no_longer_needed").order_by("due")
            ),
        },
    )
