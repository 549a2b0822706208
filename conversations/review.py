"""A manager's comments on a completed conversation, and marking it reviewed.

Only a manager of the person's team comments, and not on a conversation they
recorded themself. Whoever recorded it sees new comments on My work until
they open the conversation.
"""

from __future__ import annotations

import datetime as dt
import uuid

from crispy_forms_gds.layout import Field, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from conversations.models import (
    Conversation,
    ConversationComment,
    ConversationQuerySet,
    ConversationStatus,
)
from deal.audit import Actor, audit_record
from deal.forms import LONG_TEXT, GovukFormMixin
from deal.models import AuditAction, User
from deal.permissions import Capability, user_can
from people.models import seen_by, without_closed


def may_comment(user: User, conversation: Conversation) -> bool:
    return (
        conversation.status == ConversationStatus.COMPLETE
        and user_can(user, Capability.MANAGE_TEAM)
        and conversation.person.team_id in user.team_ids()
        and conversation.recorded_by_id != user.pk
    )


# How far back a completed conversation waits for a manager's review. A
# review is worth most while the conversation is fresh in the worker's mind,
# and a quarter is the usual round of supervision; older ones are not listed,
# so that everything recorded before a team had a manager (or before a long
# absence) does not leave a figure that never comes down.
REVIEW_WITHIN_DAYS = 90


def waiting_for_review(user: User, now: dt.datetime | None = None) -> ConversationQuerySet:
    """Completed conversations of the user's teams, that happened in the last
    REVIEW_WITHIN_DAYS days, that no manager has marked reviewed, and that
    this user may review: not their own, and not of a restricted record they
    may not open now (visible_to). The team view's figure and the list
    behind it both read this, so they agree."""
    since = (now or timezone.now()) - dt.timedelta(days=REVIEW_WITHIN_DAYS)
    return waiting_for_review_in(**seen_by(user), user_id=user.pk, since=since)


def waiting_for_review_in(
    team_ids, closed, *, user_id: int, since: dt.datetime
) -> ConversationQuerySet:
    """waiting_for_review, given the user's teams, the records closed to them
    and their id, from `since` (for a prepared query, deal.prepared)."""
    return (
        Conversation.objects.visible_in(team_ids, closed)
        # Those the team had (Conversation.team) from the last days: one range
        # of conversation_team_idx, rather than every conversation of each of
        # the team's people (a seq scan of a million at council size).
        .filter(team_id__in=team_ids, status=ConversationStatus.COMPLETE, happened_at__gte=since)
        .exclude(recorded_by=user_id)
        .exclude(
            Exists(
                ConversationComment.objects.filter(conversation=OuterRef("pk"), marks_reviewed=True)
            )
        )
    )


def is_reviewed(comments: list[ConversationComment]) -> bool:
    return any(comment.marks_reviewed for comment in comments)


class CommentForm(GovukFormMixin, forms.Form):
    text = forms.CharField(
        label="Comment",
        required=False,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What went well, or what to think about next time",
    )
    reviewed = forms.BooleanField(label="Mark this conversation as reviewed", required=False)
    key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, already_reviewed: bool, worker: User, **kwargs) -> None:
        kwargs.setdefault("initial", {}).setdefault("key", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.fields["text"].label = f"Comment for {worker.full_name}"
        if already_reviewed:
            del self.fields["reviewed"]
        self.helper.layout = Layout(
            Field.textarea("text", rows=4, max_characters=LONG_TEXT),
            *([Field("reviewed")] if "reviewed" in self.fields else []),
            Field("key"),
        )

    def clean(self) -> dict:
        cleaned = super().clean()
        if not self.errors and not (cleaned.get("text", "").strip() or cleaned.get("reviewed")):
            self.add_error("text", "Write a comment, or mark the conversation as reviewed")
        return cleaned


def comment_add(
    *, actor: Actor, conversation: Conversation, text: str, reviewed: bool, key: uuid.UUID
) -> tuple[ConversationComment, bool]:
    """Keep the comment; the same key sent again saves nothing more. Returns
    the comment and whether it was saved now."""
    if not may_comment(actor.user, conversation):
        raise ValidationError("Only a manager of the team can comment on this conversation")
    saved = ConversationComment.objects.filter(submission_key=key).first()
    if saved is not None:
        return saved, False
    try:
        with transaction.atomic():
            comment = ConversationComment.objects.create(
                conversation=conversation,
                by=actor.user,
                text=text.strip(),
                marks_reviewed=reviewed,
                submission_key=key,
            )
            audit_record(
                actor=actor,
                action=AuditAction.CREATE,
                obj=comment,
                detail="Commented on the conversation"
                + (" and marked it reviewed" if reviewed else ""),
            )
    except IntegrityError:
        return ConversationComment.objects.get(submission_key=key), False
    return comment, True


def mark_seen(user: User, conversation: Conversation, comments: list) -> None:
    """Whoever recorded the conversation has opened it: its comments (as
    read for the page) are no longer new to them."""
    if conversation.recorded_by_id == user.pk and any(c.seen_at is None for c in comments):
        ConversationComment.objects.filter(conversation=conversation, seen_at__isnull=True).update(
            seen_at=timezone.now()
        )


def new_comments_for(user: User):
    """Conversations this user recorded with comments they have not seen,
    but for records closed to them now (they could not open the
    conversation to see the comment)."""
    return new_comments_in(**seen_by(user), user_id=user.pk)


def new_comments_in(team_ids, closed, user_id: int):
    """new_comments_for, given the user's teams, the records closed to them
    and their id (for a prepared query, deal.prepared)."""
    return (
        without_closed(
            ConversationComment.objects.filter(
                seen_at__isnull=True,
                conversation__recorded_by=user_id,
                conversation__person__team_id__in=team_ids,
            ),
            closed,
            "conversation__person_id",
        )
        .select_related("by", "conversation__person")
        .order_by("-at", "-id")
    )
