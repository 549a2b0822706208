"""Recording conversations and following up agreed actions.

Every write here is one transaction (all or nothing), leaves an entry in the
audit log, and refuses to overwrite a change someone else saved in the
meantime (ConflictError) rather than silently losing it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from conversations.models import (
    LIVE_STATUSES,
    STATUSES_NEEDING_A_REASON,
    ActionStatus,
    AgreedAction,
    Conversation,
    ConversationStatus,
    FollowUp,
    FollowUpKind,
    Owner,
    RiskDecision,
)
from conversations.signals import action_saved
from deal.audit import Actor, audit_record, changes_between
from deal.models import AuditAction, User
from people.models import EntryKind, Person, ProfileEntry, WhatMatters


class ConflictError(Exception):
    """Someone else saved this record after the user opened it."""

    def __init__(self, current: Conversation | AgreedAction | RiskDecision) -> None:
        super().__init__(f"{current} was changed by someone else")
        self.current = current


class ActionConflictError(ConflictError):
    """One of a conversation's agreed actions was changed (followed up,
    handed on) after the user opened the conversation to correct it."""


class AlreadySaved(Exception):
    """The follow-up sent is one the same member of staff saved moments ago:
    the page sent again (Back, then Save), not a new one."""


# A note the same member of staff saved on the same action this recently is
# the same save sent again. Back after saving fetches the page afresh (it is
# never stored) with the action's new version, and the browser puts the typed
# note back, so nothing else tells the two apart; nobody means to write the
# same note twice within minutes.
SAME_NOTE_WITHIN = dt.timedelta(minutes=15)


@dataclass
class ActionInput:
    """One agreed action as typed into the conversation form."""

    what: str
    owner_type: str
    # Both may be left blank while the conversation is a draft.
    due: dt.date | None
    owner_user: User | None = None
    owner_name: str = ""
    # Set when correcting an action that was already saved.
    pk: int | None = None
    version: int | None = None

    CORRECTABLE = ("what", "owner_type", "owner_user", "owner_name", "due")


@dataclass
class ConversationContent:
    """Everything the conversation form collects."""

    fields: dict[str, Any]
    themes: list = field(default_factory=list)
    staff_present: list = field(default_factory=list)
    profile_entries: list[ProfileEntry] = field(default_factory=list)
    new_entries: list[tuple[EntryKind, str]] = field(default_factory=list)
    actions: list[ActionInput] = field(default_factory=list)


def conversation_save(
    *,
    actor: Actor,
    person: Person,
    content: ConversationContent,
    complete: bool,
    conversation: Conversation | None = None,
    expected_version: int | None = None,
    submission_key: uuid.UUID | None = None,
) -> tuple[Conversation, bool]:
    """Record a new conversation, or finish or correct one, with its actions
    and any new profile entries: all or nothing.

    Returns the conversation and whether this call saved it; False means the
    same submission had already been saved (a double click or a resubmitted
    form), and nothing more was done.
    """
    if conversation is None and submission_key is not None:
        already = Conversation.objects.filter(submission_key=submission_key).first()
        if already is not None:
            return already, False
    if (
        conversation is not None
        and submission_key is not None
        and conversation.last_submission_key == submission_key
    ):
        return conversation, False
    try:
        return _conversation_save(
            actor=actor,
            person=person,
            content=content,
            complete=complete,
            conversation=conversation,
            expected_version=expected_version,
            submission_key=submission_key,
        )
    except IntegrityError:
        # The same submission, saved by a request that ran at the same moment.
        if conversation is None and submission_key is not None:
            already = Conversation.objects.filter(submission_key=submission_key).first()
            if already is not None:
                return already, False
        raise


def _conversation_save(
    *,
    actor: Actor,
    person: Person,
    content: ConversationContent,
    complete: bool,
    conversation: Conversation | None,
    expected_version: int | None,
    submission_key: uuid.UUID | None,
) -> tuple[Conversation, bool]:
    with transaction.atomic():
        if conversation is None:
            conversation = Conversation(
                person=person, team_id=person.team_id, recorded_by=actor.user
            )
            if submission_key is not None:
                conversation.submission_key = submission_key
            creating = True
        else:
            take_version(conversation, expected_version)
            conversation.last_submission_key = submission_key
            creating = False
        said_before = conversation.what_matters if not creating else None
        was_draft = creating or conversation.status == ConversationStatus.DRAFT

        # Every history row this save writes (one for the fields, one for each
        # list of choices that changed) carries the same mark, so the
        # conversation page can show them as one change.
        conversation._change_reason = uuid.uuid4().hex
        was_complete = conversation.status == ConversationStatus.COMPLETE
        before = (
            {}
            if creating
            else {
                **{name: getattr(conversation, name) for name in content.fields},
                "status": conversation.status,
                "themes": sorted(str(t) for t in conversation.themes.all()),
                "staff present": sorted(str(u) for u in conversation.staff_present.all()),
            }
        )
        for name, value in content.fields.items():
            setattr(conversation, name, value)
        if complete or was_complete:
            # A completed conversation can be corrected, never made a draft again.
            conversation.status = ConversationStatus.COMPLETE
            conversation.completed_at = conversation.completed_at or timezone.now()
        _check_complete(conversation)
        conversation.full_clean(exclude=["person", "recorded_by", "submission_key"])
        conversation.save()

        conversation.themes.set(content.themes)
        conversation.staff_present.set(content.staff_present)
        entries = list(content.profile_entries)
        for kind, text in content.new_entries:
            entries.append(
                ProfileEntry.objects.create(
                    person=person,
                    kind=kind,
                    text=text.strip(),
                    recorded_by=actor.user,
                    source_conversation=conversation,
                )
            )
        conversation.profile_entries.set(entries)
        is_complete = conversation.status == ConversationStatus.COMPLETE
        # What matters changes on the profile only when a conversation is
        # completed (or corrected) saying it has changed: a draft holds it.
        if is_complete and (was_draft or conversation.what_matters != said_before):
            _keep_what_matters(actor, person, conversation)
        for number, action in enumerate(content.actions, start=1):
            _save_action(actor, conversation, action, number=number)
        if is_complete and was_draft:
            _make_actions_live(conversation)

        after = {
            **{name: getattr(conversation, name) for name in content.fields},
            "status": conversation.status,
            "themes": sorted(str(t) for t in content.themes),
            "staff present": sorted(str(u) for u in content.staff_present),
        }
        audit_record(
            actor=actor,
            action=AuditAction.CREATE if creating else AuditAction.CHANGE,
            obj=conversation,
            detail=f"{'Recorded' if creating else 'Changed'} conversation with person "
            f"{person.pk} ({conversation.status})",
            changes=changes_between(before, after) if not creating else {},
        )
    return conversation, True


def _make_actions_live(conversation: Conversation) -> None:
    """A draft's actions become open actions when it is completed: each then
    needs who will do it and by when."""
    waiting = list(conversation.actions.filter(status=ActionStatus.DRAFT).order_by("id"))
    unfinished = [a for a in waiting if not a.owner_type or a.due is None]
    if unfinished:
        raise ValidationError([f"“{a.what}” needs who will do it and by when" for a in unfinished])
    conversation.actions.filter(status=ActionStatus.DRAFT).update(
        status=ActionStatus.OPEN, updated_at=timezone.now()
    )


def conversation_discard(
    *, actor: Actor, conversation: Conversation, expected_version: int | None = None
) -> None:
    """Throw a draft away: it goes from every list and page; the audit log
    and its history keep that it was there and who discarded it."""
    if not conversation.is_draft:
        raise ValidationError("Only a draft can be discarded")
    if not conversation.may_be_discarded_by(actor.user):
        raise PermissionDenied("Only who started a draft, or a manager, discards it")
    with transaction.atomic():
        take_version(conversation, expected_version)
        conversation._change_reason = uuid.uuid4().hex
        conversation.status = ConversationStatus.DISCARDED
        conversation.save()
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=conversation,
            detail=f"Discarded a draft conversation with person {conversation.person_id}",
            changes={"status": [ConversationStatus.DRAFT, ConversationStatus.DISCARDED]},
        )


def _just_noted(action: AgreedAction, user: User, note: str, now: dt.datetime) -> bool:
    """Whether this member of staff added this very note to the action
    moments ago (SAME_NOTE_WITHIN)."""
    return FollowUp.objects.filter(
        action=action,
        by=user,
        kind=FollowUpKind.NOTE,
        note=note,
        at__gte=now - SAME_NOTE_WITHIN,
    ).exists()


def moved_with_person(from_team, to_team) -> str:
    """The trail's words for an action or a decision that moved with its
    person to the team that now holds their record."""
    return f"From {from_team} to {to_team}, with the person’s record"


def take_version(
    obj: Conversation | AgreedAction | RiskDecision, expected_version: int | None, **also: Any
) -> None:
    """Claim the next version of a conversation, an action or a decision
    (with `also`, other columns set in the same UPDATE), or raise
    ConflictError (ActionConflictError for an action) if someone saved it
    since `expected_version` was read. The conditional UPDATE takes the row
    lock, so two saves at the same moment cannot both pass. A save that does
    not say which version it was made from (an altered page, the version
    left out) is a conflict too: it cannot be shown not to overwrite a later
    save."""
    model = type(obj)
    claimed = expected_version is not None and model.objects.filter(
        pk=obj.pk, version=expected_version
    ).update(version=F("version") + 1, **also)
    if not claimed:
        error = ActionConflictError if model is AgreedAction else ConflictError
        raise error(model.objects.get(pk=obj.pk))
    obj.version = expected_version + 1


def _check_complete(conversation: Conversation) -> None:
    if conversation.status != ConversationStatus.COMPLETE:
        return
    errors = {}
    if not conversation.place:
        errors["place"] = "Select where the conversation happened"
    if not conversation.kind:
        errors["kind"] = "Select the kind of conversation"
    if errors:
        raise ValidationError(errors)


def _keep_what_matters(actor: Actor, person: Person, conversation: Conversation) -> None:
    """What the person said matters becomes the newest version on their
    profile, unless a later conversation has said something newer."""
    words = conversation.what_matters.strip()
    if not words:
        return
    later = person.conversations.filter(happened_at__gt=conversation.happened_at).exclude(
        what_matters=""
    )
    if later.exists():
        return
    current = person.what_matters.first()
    if current is not None and current.text == words:
        return
    WhatMatters.objects.create(
        person=person, text=words, recorded_by=actor.user, conversation=conversation
    )


def check_action_owner(
    *,
    owner_type: str,
    owner_user: User | None,
    owner_name: str,
    team_id: int,
    draft: bool = False,
) -> dict[str, str]:
    """The rules for who will do an action, as field errors (empty when fine).
    A draft may leave the name to fill in later, never name a stranger."""
    errors = {}
    if owner_type == Owner.STAFF:
        if owner_user is None:
            if not draft:
                errors["owner_user"] = "Select the member of staff who will do it"
        elif team_id not in owner_user.team_ids():
            errors["owner_user"] = f"{owner_user} is not in this person’s team"
    elif (
        owner_type in (Owner.SOMEONE_IN_LIFE, Owner.PARTNER, Owner.COMMUNITY)
        and not owner_name.strip()
        and not draft
    ):
        errors["owner_name"] = {
            Owner.SOMEONE_IN_LIFE: "Enter the name of the person in their life",
            Owner.PARTNER: "Enter the name of the partner organisation",
            Owner.COMMUNITY: "Enter the name of the community group",
        }[owner_type]
    return errors


def _save_action(
    actor: Actor, conversation: Conversation, data: ActionInput, *, number: int = 1
) -> AgreedAction:
    person = conversation.person
    is_draft = conversation.status == ConversationStatus.DRAFT
    errors = check_action_owner(
        owner_type=data.owner_type,
        owner_user=data.owner_user,
        owner_name=data.owner_name,
        team_id=person.team_id,
        draft=is_draft,
    )
    if not is_draft:
        if not data.owner_type:
            errors["owner_type"] = "Select who will do it"
        if data.due is None:
            errors["due"] = "Enter the date it is due by"
    if errors:
        raise ValidationError([f"Action {number}: {_lower_first(m)}" for m in errors.values()])
    values = {
        "what": data.what.strip(),
        "owner_type": data.owner_type,
        "owner_user": data.owner_user if data.owner_type == Owner.STAFF else None,
        "owner_name": data.owner_name.strip() if data.owner_type != Owner.STAFF else "",
        "due": data.due,
    }
    if data.pk is None:
        action = AgreedAction(
            conversation=conversation,
            person=person,
            team_id=person.team_id,
            created_by=actor.user,
            # Who answers for it: the member of staff who will do it, or else
            # who recorded the conversation.
            responsible=(
                data.owner_user
                if data.owner_type == Owner.STAFF and data.owner_user
                else conversation.recorded_by
            ),
            status=ActionStatus.DRAFT if is_draft else ActionStatus.OPEN,
            **values,
        )
        action.full_clean()
        action.save()
        action_saved.send(
            sender=AgreedAction, action=action, actor=actor, created=True, changed=list(values)
        )
        return action

    action = AgreedAction.objects.filter(pk=data.pk, conversation=conversation).first()
    if action is None:
        raise ValidationError("One of the actions is not part of this conversation any more")
    changed = [name for name, value in values.items() if getattr(action, name) != value]
    if not changed:
        return action
    take_version(action, data.version)
    before = {name: _shown(action, name) for name in changed}
    before_values = {name: getattr(action, name) for name in changed}
    for name in changed:
        setattr(action, name, values[name])
    update = [*changed, "updated_at"]
    if "owner_user" in changed and action.owner_type == Owner.STAFF and action.owner_user:
        # A member of staff who will do it answers for it.
        action.responsible = action.owner_user
        update.append("responsible")
    action.full_clean()
    action.save(update_fields=update)
    action_saved.send(
        sender=AgreedAction, action=action, actor=actor, created=False, changed=changed
    )
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        obj=action,
        detail="Corrected with its conversation",
        changes=changes_between(before_values, {name: getattr(action, name) for name in changed}),
    )
    if is_draft:
        # A draft's actions are not live yet: no trail until they are.
        return action
    FollowUp.objects.create(
        action=action,
        kind=FollowUpKind.CHANGED,
        note="Corrected: "
        + "; ".join(
            f"{AgreedAction._meta.get_field(n).verbose_name} from {before[n]} to "
            f"{_shown(action, n)}"
            for n in changed
            if n != "owner_name" or "owner_type" not in changed
        ),
        by=actor.user,
    )
    return action


def _lower_first(message: str) -> str:
    return message[:1].lower() + message[1:]


def _shown(action: AgreedAction, name: str) -> str:
    """A field of an action as the trail shows it: "3 May 2026", "Bob"."""
    if name == "due":
        return f"{action.due:%-d %B %Y}" if action.due else "no date"
    if name in ("owner_type", "owner_user", "owner_name"):
        return action.owner_display
    return f"“{getattr(action, name)}”"


def action_follow_up(
    *,
    actor: Actor,
    action: AgreedAction,
    expected_version: int,
    status: str | None = None,
    reason: str = "",
    note: str = "",
    owner_user: User | None = None,
    due: dt.date | None = None,
    due_reason: str = "",
) -> list[FollowUp]:
    """Follow an action up: change its status (with a reason where one is
    needed), move its due date (with why), add a note, hand it on to a
    colleague in the team, who then answers for it. Each is kept in the
    action's trail in order, with who and when."""
    note = note.strip()
    reason = reason.strip()
    due_reason = due_reason.strip()
    if action.status == ActionStatus.DRAFT:
        raise ValidationError("This action is part of a draft: finish the conversation first")
    status_changes = status is not None and status != action.status
    reassigns = owner_user is not None and owner_user != action.responsible
    due_changes = due is not None and due != action.due
    if status_changes and status not in LIVE_STATUSES:
        raise ValidationError({"status": "Select a status"})
    if status_changes and status in STATUSES_NEEDING_A_REASON and not reason:
        raise ValidationError({"status_reason": "Enter why"})
    if due_changes and not due_reason:
        raise ValidationError({"due_reason": "Enter why the due date has changed"})
    if reassigns and action.team_id not in owner_user.team_ids():
        raise ValidationError({"owner_user": f"{owner_user} is not in this person’s team"})
    if not (status_changes or reassigns or due_changes or note):
        return []

    trail = []
    before = {
        "status": action.status,
        "status_reason": action.status_reason,
        "due": action.due,
        "responsible": action.responsible,
        "owner_user": action.owner_user,
    }
    with transaction.atomic():
        # Holds the action's row lock from here, so a note sent twice at once
        # is checked after the first is saved.
        take_version(action, expected_version)
        fields = ["version", "updated_at"]
        now = timezone.now()
        if note and _just_noted(action, actor.user, note, now):
            note = ""
            if not (status_changes or reassigns or due_changes):
                raise AlreadySaved
        if status_changes:
            trail.append(
                FollowUp(
                    action=action,
                    kind=FollowUpKind.STATUS,
                    from_status=action.status,
                    to_status=status,
                    note=reason,
                    by=actor.user,
                    at=now,
                )
            )
            action.status = status
            action.status_reason = reason if status in STATUSES_NEEDING_A_REASON else ""
            action.closed_at = None if status == ActionStatus.OPEN else now
            fields += ["status", "status_reason", "closed_at"]
        if due_changes:
            trail.append(
                FollowUp(
                    action=action,
                    kind=FollowUpKind.DUE,
                    from_due=action.due,
                    to_due=due,
                    note=due_reason,
                    by=actor.user,
                    at=now,
                )
            )
            action.due = due
            fields.append("due")
        if reassigns:
            trail.append(
                FollowUp(
                    action=action,
                    kind=FollowUpKind.REASSIGNED,
                    note=f"From {action.responsible} to {owner_user}",
                    by=actor.user,
                    at=now,
                )
            )
            action.responsible = owner_user
            fields.append("responsible")
            if action.owner_type == Owner.STAFF:
                # A member of staff was doing it: the colleague now does.
                action.owner_user = owner_user
                fields.append("owner_user")
        if note:
            trail.append(
                FollowUp(action=action, kind=FollowUpKind.NOTE, note=note, by=actor.user, at=now)
            )
        action.save(update_fields=fields)
        FollowUp.objects.bulk_create(trail)
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=action,
            detail="Followed up: " + ", ".join(f.get_kind_display().lower() for f in trail),
            changes=changes_between(before, {name: getattr(action, name) for name in before})
            | ({"note": [None, note]} if note else {}),
        )
    return trail
