"""Conversations with a person, the actions agreed in them, and the follow-up
of each action until it is done or honestly recorded as not done."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import timezone
from simple_history.models import HistoricalRecords

from deal.links import record_url
from deal.models import Team, staff_name_fields
from people.models import Person, name_fields, seen_by, without_closed

DUE_SOON_DAYS = 7


class Theme(models.Model):
    """A tag for what a conversation was about: loneliness, money, housing…
    Admins add themes; a theme no longer used is switched off, not deleted."""

    name = models.CharField(max_length=60, unique=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Place(models.TextChoices):
    HOME = "home", "At their home"
    PHONE = "phone", "Phone call"
    VIDEO = "video", "Video call"
    COMMUNITY = "community", "Community venue"
    OFFICE = "office", "Office"
    OTHER = "other", "Somewhere else"


class ConversationKind(models.TextChoices):
    """The three-conversations idea, with the first meeting named for itself."""

    FIRST = "first", "First conversation"
    FOLLOW_UP = "follow_up", "Follow-up"
    CRISIS = "crisis", "Crisis support"
    GOOD_LIFE = "good_life", "Building a good life"


class ConversationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    COMPLETE = "complete", "Complete"
    # A draft thrown away: gone from every list and page, kept for the audit.
    DISCARDED = "discarded", "Discarded"


class ConversationQuerySet(models.QuerySet["Conversation"]):
    def visible_to(self, user) -> ConversationQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.visible_in(**seen_by(user))

    def visible_in(self, team_ids, closed) -> ConversationQuerySet:
        """visible_to, given the user's teams and the ids of the records
        closed to them (for a prepared query, deal.prepared)."""
        return without_closed(
            self.filter(person__team_id__in=team_ids).exclude(status=ConversationStatus.DISCARDED),
            closed,
        )

    def drafts_of(self, user) -> ConversationQuerySet:
        """The user's (a user or their id) drafts."""
        return self.filter(recorded_by=user, status=ConversationStatus.DRAFT)

    def with_joins(self) -> ConversationQuerySet:
        return self.select_related("person", "recorded_by")

    def for_list(self) -> ConversationQuerySet:
        """What a list of conversations shows (the reviews waiting, the
        drafts): its kind, when, its person and who recorded it, by name."""
        return self.select_related("person", "recorded_by").only(
            "kind",
            "happened_at",
            "created_at",
            "completed_at",
            "status",
            *staff_name_fields("recorded_by"),
            *name_fields("person"),
        )


WELLBEING_SCALE = [MinValueValidator(0), MaxValueValidator(10)]
# The four ONS personal wellbeing questions, in the order the ONS asks them.
WELLBEING_FIELDS = ["life_satisfaction", "worthwhile", "happiness", "anxiety"]
# A conversation in which the person answered at least one of them.
ANSWERED = (
    Q(life_satisfaction__isnull=False)
    | Q(worthwhile__isnull=False)
    | Q(happiness__isnull=False)
    | Q(anxiety__isnull=False)
)


class Conversation(models.Model):
    """One conversation with a person, recorded in the order a good one goes:
    their words first, then strengths and interests, then needs, then what was
    agreed."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="conversations")
    # The team whose person it was when it was recorded: the team that had the
    # conversation, which the reports count it for. Unlike an action's team it
    # stays when the person moves on, as the work was that team's.
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        related_name="conversations",
        editable=False,
        db_index=False,  # conversation_team_idx starts with it
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="conversations_recorded"
    )
    happened_at = models.DateTimeField("When")
    # Blank only while a draft: completing a conversation needs both.
    place = models.CharField("Where", max_length=20, choices=Place.choices, blank=True)
    kind = models.CharField(
        "Kind of conversation", max_length=20, choices=ConversationKind.choices, blank=True
    )
    what_matters = models.TextField("What matters to them, in their words", blank=True)
    staff_present = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="conversations_attended"
    )
    others_present = models.CharField(
        "Others there", max_length=500, blank=True, help_text="Name and relationship"
    )
    themes = models.ManyToManyField(Theme, blank=True, related_name="conversations")
    notes = models.TextField(blank=True)
    # Strengths and interests noticed and needs raised: chosen from the profile
    # or added to it while recording.
    profile_entries = models.ManyToManyField(
        "people.ProfileEntry", blank=True, related_name="conversations"
    )

    # The four ONS personal wellbeing questions, 0 to 10, when the person
    # chose to answer them.
    life_satisfaction = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=WELLBEING_SCALE
    )
    worthwhile = models.PositiveSmallIntegerField(null=True, blank=True, validators=WELLBEING_SCALE)
    happiness = models.PositiveSmallIntegerField(null=True, blank=True, validators=WELLBEING_SCALE)
    anxiety = models.PositiveSmallIntegerField(null=True, blank=True, validators=WELLBEING_SCALE)

    status = models.CharField(
        max_length=10, choices=ConversationStatus.choices, default=ConversationStatus.DRAFT
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    # Raised by one on every save, so that of two people editing at once the
    # later save is refused rather than silently overwriting the first.
    version = models.PositiveIntegerField(default=1)
    # Sent with the form; a second submission with the same key (a double
    # click, a resubmitted POST) finds this conversation instead of making one.
    submission_key = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    # The key of the last correction saved, so that sending the same
    # correction again (a refresh, a double click) changes nothing more.
    last_submission_key = models.UUIDField(null=True, blank=True, editable=False)

    history = HistoricalRecords(
        excluded_fields=[
            "version",
            "updated_at",
            "submission_key",
            "last_submission_key",
            "created_at",
            "team",
        ],
        m2m_fields=[themes, staff_present, profile_entries],
    )
    objects = ConversationQuerySet.as_manager()

    class Meta:
        ordering = ["-happened_at", "-id"]
        indexes = [
            models.Index(fields=["person", "-happened_at"], name="conversation_person_idx"),
            models.Index(
                fields=["recorded_by", "status", "-happened_at"], name="conversation_by_idx"
            ),
            # The team view's drafts left for more than a week, found through
            # each of the team's people: drafts only, so a small index.
            models.Index(
                fields=["person", "created_at"],
                condition=Q(status="draft"),
                name="conversation_draft_idx",
            ),
            # The reports: a team's completed conversations in a period, and
            # those with wellbeing answers, read from the index alone; the
            # team view's counts of each worker's conversations waiting for
            # review and drafts left for a week, likewise (who recorded them,
            # when a draft was started).
            models.Index(
                fields=["team", "status", "happened_at", "person", "id"],
                include=["recorded_by", "created_at"],
                name="conversation_team_idx",
            ),
            models.Index(
                fields=["team", "happened_at", "person", "id", *WELLBEING_FIELDS],
                condition=Q(status=ConversationStatus.COMPLETE) & ANSWERED,
                name="conversation_answers_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} with {self.person} on {self.happened_at:%d %b %Y}"

    def get_absolute_url(self) -> str:
        return record_url("conversations:detail", self.pk)

    @property
    def is_draft(self) -> bool:
        return self.status == ConversationStatus.DRAFT

    def may_be_discarded_by(self, user) -> bool:
        """A draft is thrown away by whoever started it, or by a manager of
        the team (tidying up after a leaver); a colleague's work in progress
        is not someone else's to lose."""
        return self.is_draft and (self.recorded_by_id == user.pk or user.is_manager)

    @property
    def is_discarded(self) -> bool:
        return self.status == ConversationStatus.DISCARDED

    @property
    def has_wellbeing(self) -> bool:
        return any(
            v is not None
            for v in (self.life_satisfaction, self.worthwhile, self.happiness, self.anxiety)
        )


class Owner(models.TextChoices):
    """Who will do an agreed action."""

    STAFF = "staff", "A member of staff"
    PERSON = "person", "The person themself"
    SOMEONE_IN_LIFE = "someone_in_life", "Someone in their life"
    PARTNER = "partner", "A partner organisation"
    COMMUNITY = "community", "A community group"


class ActionStatus(models.TextChoices):
    # Part of a draft conversation: not live, in nobody's list, until the
    # conversation is completed.
    DRAFT = "draft", "Not agreed yet (draft)"
    OPEN = "open", "Open"
    DONE = "done", "Done"
    NOT_DONE = "not_done", "Not done"
    NO_LONGER_NEEDED = "no_longer_needed", "No longer needed"


# Closing an action this way needs a reason: an honest record of why.
STATUSES_NEEDING_A_REASON = {ActionStatus.NOT_DONE, ActionStatus.NO_LONGER_NEEDED}
# What an action that is live can be set to by following it up.
LIVE_STATUSES = [
    ActionStatus.OPEN,
    ActionStatus.DONE,
    ActionStatus.NOT_DONE,
    ActionStatus.NO_LONGER_NEEDED,
]


class AgreedActionQuerySet(models.QuerySet["AgreedAction"]):
    def visible_to(self, user) -> AgreedActionQuerySet:
        if not user.is_authenticated:
            return self.none()
        # A restricted person's actions are left out for anyone who may not
        # open their record now (PersonQuerySet.closed_ids).
        return self.visible_in(**seen_by(user))

    def visible_in(self, team_ids, closed) -> AgreedActionQuerySet:
        """visible_to, given the user's teams and the ids of the records
        closed to them (for a prepared query, deal.prepared)."""
        return without_closed(
            self.filter(team_id__in=team_ids).exclude(status=ActionStatus.DRAFT), closed
        )

    def open(self) -> AgreedActionQuerySet:
        return self.filter(status=ActionStatus.OPEN)

    def responsible(self, user) -> AgreedActionQuerySet:
        """The actions a member of staff (a user or their id) answers for,
        whoever does them."""
        return self.filter(responsible=user)

    def overdue(self, today: dt.date | None = None) -> AgreedActionQuerySet:
        today = today or timezone.localdate()
        return self.open().filter(due__lt=today)

    def due_within(self, days: int, today: dt.date | None = None) -> AgreedActionQuerySet:
        today = today or timezone.localdate()
        return self.open().filter(due__gte=today, due__lte=today + dt.timedelta(days=days))

    def overdue_first(self, today: dt.date | None = None) -> AgreedActionQuerySet:
        """Open and overdue first, then open by due date, then closed ones."""
        today = today or timezone.localdate()
        return self.annotate(
            urgency=Case(
                When(Q(status=ActionStatus.OPEN, due__lt=today), then=Value(0)),
                When(status=ActionStatus.OPEN, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        ).order_by("urgency", "due", "id")

    def with_joins(self) -> AgreedActionQuerySet:
        return self.select_related("person", "owner_user", "responsible", "conversation")

    def for_list(self) -> AgreedActionQuerySet:
        """What a list of actions shows (`/actions/`): what, whose, who does
        it, who answers for it, when and its status; people and staff by
        name. A page of 25 reads these columns alone, not four whole rows
        for each action."""
        return self.select_related("person", "owner_user", "responsible").only(
            "what",
            "due",
            "status",
            "owner_type",
            "owner_name",
            *staff_name_fields("owner_user"),
            *staff_name_fields("responsible"),
            *name_fields("person"),
        )

    def due_later(
        self, days: int = DUE_SOON_DAYS, today: dt.date | None = None
    ) -> AgreedActionQuerySet:
        """Open and due after the next `days` days."""
        today = today or timezone.localdate()
        return self.open().filter(due__gt=today + dt.timedelta(days=days))

    def overdue_or_due_soon(
        self, days: int = DUE_SOON_DAYS, today: dt.date | None = None
    ) -> AgreedActionQuerySet:
        """Open and overdue, or due within the next `days` days: what to do next."""
        today = today or timezone.localdate()
        return self.due_by(today + dt.timedelta(days=days))

    def due_by(self, day: dt.date) -> AgreedActionQuerySet:
        """Open and due on or before `day`, overdue ones included."""
        return self.open().filter(due__lte=day)


class AgreedAction(models.Model):
    """Something agreed in a conversation: what will happen, who will do it,
    by when, and what became of it."""

    conversation = models.ForeignKey(Conversation, on_delete=models.PROTECT, related_name="actions")
    # Copied from the conversation so the actions lists filter on one table.
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="actions")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="actions")

    what = models.CharField("What will happen", max_length=500)
    # Blank, like the due date, only while its conversation is a draft.
    owner_type = models.CharField(
        "Who will do it", max_length=20, choices=Owner.choices, blank=True
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="actions_owned",
        verbose_name="Member of staff",
    )
    owner_name = models.CharField(
        "Their name",
        max_length=200,
        blank=True,
        help_text="The person in their life, organisation or group",
    )
    due = models.DateField("Due by", null=True, blank=True)
    # The member of staff who answers for it, whoever does it (the person, a
    # partner, a group): it is in their list until it is closed. By default
    # who recorded the conversation; it moves when it is handed on.
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="actions_responsible_for",
        verbose_name="Responsible member of staff",
    )
    status = models.CharField(
        max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    status_reason = models.CharField("Why", max_length=1000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords(excluded_fields=["version", "updated_at", "created_at"])
    objects = AgreedActionQuerySet.as_manager()

    class Meta:
        ordering = ["due", "id"]
        indexes = [
            models.Index(fields=["owner_user", "status", "due"], name="action_owner_idx"),
            # My open actions by due date, and how many there are, read from
            # the index alone (team and person: visible_to's conditions).
            models.Index(
                fields=["responsible", "status", "due"],
                include=["team", "person"],
                name="action_responsible_idx",
            ),
            # A team's open actions by due date; the team view counts them
            # for each responsible member of staff from the index alone.
            models.Index(
                fields=["team", "status", "due"],
                include=["responsible", "person"],
                name="action_team_idx",
            ),
            # The team view's actions done in the last 30 days, likewise.
            models.Index(
                fields=["team", "status", "closed_at"],
                include=["responsible", "person"],
                name="action_team_closed_idx",
            ),
            models.Index(fields=["person", "status", "due"], name="action_person_idx"),
            # The reports: the actions of a team's conversations, read from
            # the index alone.
            models.Index(
                fields=["conversation", "status", "due", "closed_at"],
                name="action_conversation_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.what

    def get_absolute_url(self) -> str:
        return record_url("conversations:action", self.pk)

    def clean(self) -> None:
        if self.status in STATUSES_NEEDING_A_REASON and not self.status_reason.strip():
            raise ValidationError({"status_reason": "Enter why"})

    @property
    def owner_display(self) -> str:
        if not self.owner_type:
            return "Not decided yet"
        if self.owner_type == Owner.STAFF:
            return str(self.owner_user) if self.owner_user_id else "A member of staff"
        if self.owner_type == Owner.PERSON:
            return f"{self.person.display_name} (themself)" if self.person_id else "Themself"
        label = Owner(self.owner_type).label.removeprefix("A ").removeprefix("Someone ")
        name = self.owner_name.strip()
        if not name:
            return label
        if name.endswith(")") and "(" in name:
            # "Tom (grandson)" as typed: one pair of brackets, not two.
            return f"{name[:-1]}, {label.lower()})"
        return f"{name} ({label.lower()})"

    @property
    def is_open(self) -> bool:
        return self.status == ActionStatus.OPEN

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return self.is_open and self.due is not None and self.due < (today or timezone.localdate())


class FollowUpKind(models.TextChoices):
    NOTE = "note", "Note"
    STATUS = "status", "Status changed"
    REASSIGNED = "reassigned", "Handed on"
    CHANGED = "changed", "Corrected"
    DUE = "due", "Due date changed"
    # Moved with its person to the team that now holds their record.
    MOVED = "moved", "Moved to another team"


class FollowUp(models.Model):
    """One step in an action's trail: a note, a change of status or of owner.
    Kept in order with who and when; never changed afterwards."""

    # The app's database role may only INSERT and SELECT (deal.database_roles).
    append_only = True

    action = models.ForeignKey(AgreedAction, on_delete=models.PROTECT, related_name="follow_ups")
    kind = models.CharField(max_length=20, choices=FollowUpKind.choices)
    note = models.TextField(blank=True)
    from_status = models.CharField(max_length=20, choices=ActionStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=ActionStatus.choices, blank=True)
    # A change of due date: from and to, with why in the note.
    from_due = models.DateField(null=True, blank=True)
    to_due = models.DateField(null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["action", "at"], name="follow_up_action_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.by} at {self.at:%d %b %Y %H:%M}"


class ConversationComment(models.Model):
    """A manager's comment on a completed conversation, kept with who and
    when; it may mark the conversation reviewed. Whoever recorded the
    conversation sees it on My work until they open the conversation."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.PROTECT, related_name="comments"
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    text = models.TextField("Comment", blank=True)
    marks_reviewed = models.BooleanField(default=False)
    # When whoever recorded the conversation first opened it after this.
    seen_at = models.DateTimeField(null=True, blank=True)
    # Sent with the form: sending it again (Back, a double click) saves nothing more.
    submission_key = models.UUIDField(unique=True, editable=False)

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["conversation", "at"], name="comment_conversation_idx"),
            # New comments on My work: few rows, unseen ones only.
            models.Index(
                fields=["conversation"],
                condition=Q(seen_at__isnull=True),
                name="comment_unseen_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Comment by {self.by} at {self.at:%d %b %Y %H:%M}"


# --- Positive-risk decisions ----------------------------------------------------


class DecisionStatus(models.TextChoices):
    """Where a positive-risk decision has got to. A manager backs it or asks to
    talk first; after talking, the worker revises it and it waits again. Once
    backed, at or after the review date, the worker records how it went."""

    WAITING = "waiting", "Waiting for backing"
    TALK_FIRST = "talk_first", "Talk first"
    BACKED = "backed", "Backed"
    OUTCOME_RECORDED = "outcome_recorded", "Outcome recorded"


class DecisionOutcome(models.TextChoices):
    WENT_WELL = "went_well", "Went well"
    PARTLY = "partly", "Partly went well"
    NOT_AS_HOPED = "not_as_hoped", "Did not go as hoped"


# The proposal itself: locked once a manager has backed it.
DECISION_PROPOSAL_FIELDS = (
    "what",
    "why_it_matters",
    "benefits",
    "what_could_go_wrong",
    "risk_of_not_doing",
    "what_will_help",
    "their_view",
    "review_date",
)


class RiskDecisionQuerySet(models.QuerySet["RiskDecision"]):
    def visible_to(self, user) -> RiskDecisionQuerySet:
        """Decisions of the user's teams: nobody outside the team sees one (an
        admin, in no team, sees none)."""
        if not user.is_authenticated:
            return self.none()
        return self.visible_in(**seen_by(user))

    def visible_in(self, team_ids, closed) -> RiskDecisionQuerySet:
        """visible_to, given the user's teams and the ids of the records
        closed to them (for a prepared query, deal.prepared)."""
        return without_closed(self.filter(team_id__in=team_ids), closed)

    def waiting(self) -> RiskDecisionQuerySet:
        return self.filter(status=DecisionStatus.WAITING)

    def proposed_by(self, user) -> RiskDecisionQuerySet:
        return self.filter(proposed_by=user)

    def waiting_for_backing_by(self, user) -> RiskDecisionQuerySet:
        """What a manager could back: waiting, in a team they manage, and not
        their own proposal. Empty for anyone who is not a manager."""
        if not user.is_authenticated or not user.is_manager:
            return self.none()
        return self.visible_to(user).waiting().exclude(proposed_by=user)

    def due_for_review(self, today: dt.date | None = None) -> RiskDecisionQuerySet:
        """Backed, and the review date has come: the outcome can be recorded."""
        today = today or timezone.localdate()
        return self.filter(status=DecisionStatus.BACKED, review_date__lte=today)

    def review_overdue(self, today: dt.date | None = None) -> RiskDecisionQuerySet:
        """Backed, and the review date has passed with no outcome recorded."""
        today = today or timezone.localdate()
        return self.filter(status=DecisionStatus.BACKED, review_date__lt=today)

    def backed(self) -> RiskDecisionQuerySet:
        """Every decision a manager backed, whether or not its outcome is in."""
        return self.filter(backed_at__isnull=False)

    def with_outcome(self) -> RiskDecisionQuerySet:
        return self.filter(status=DecisionStatus.OUTCOME_RECORDED)

    def with_joins(self) -> RiskDecisionQuerySet:
        return self.select_related("person", "proposed_by", "backed_by", "team")


class RiskDecision(models.Model):
    """A positive-risk decision: something a person wants to do that carries a
    risk, thought through with them by a worker and backed by a manager of the
    person's team ("We will back you"), then looked back on to learn from."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="risk_decisions")
    # Copied from the person, like AgreedAction.team, so the lists filter on
    # one table; it moves with the person when they change team.
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="risk_decisions")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="risk_decisions_proposed"
    )

    what = models.CharField("What they want to do", max_length=500)
    why_it_matters = models.TextField("Why it matters to them")
    benefits = models.TextField("What good could come of it")
    what_could_go_wrong = models.TextField("What could go wrong")
    risk_of_not_doing = models.TextField("The risk of not doing it")
    what_will_help = models.TextField("What will help it go well")
    their_view = models.TextField("What they say about it, in their words")
    review_date = models.DateField("Review date")
    themes = models.ManyToManyField(Theme, blank=True, related_name="risk_decisions")

    status = models.CharField(
        max_length=20, choices=DecisionStatus.choices, default=DecisionStatus.WAITING
    )
    backed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="risk_decisions_backed",
    )
    backed_at = models.DateTimeField(null=True, blank=True)
    backing_comment = models.TextField(blank=True)

    outcome = models.CharField(max_length=20, choices=DecisionOutcome.choices, blank=True)
    learning = models.TextField("What was learned", blank=True)
    outcome_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    outcome_recorded_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    # Raised on every change: a change made from an older version is refused.
    version = models.PositiveIntegerField(default=1)
    # From the propose page's address: Back then send again finds this
    # decision instead of making a second one.
    submission_key = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)

    objects = RiskDecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The team's list by status, and what waits for backing.
            models.Index(fields=["team", "status", "-created_at"], name="decision_team_idx"),
            # A worker's own, and their reviews by date.
            models.Index(
                fields=["proposed_by", "status", "review_date"], name="decision_proposer_idx"
            ),
            # Reviews coming up or overdue across a team.
            models.Index(fields=["team", "status", "review_date"], name="decision_review_idx"),
            # The learning page: outcomes, newest first, by kind of outcome.
            models.Index(
                fields=["team", "outcome", "-outcome_recorded_at"], name="decision_outcome_idx"
            ),
            models.Index(fields=["person", "-created_at"], name="decision_person_idx"),
        ]

    def __str__(self) -> str:
        return self.what

    def get_absolute_url(self) -> str:
        return record_url("decisions:detail", self.pk)

    @property
    def is_locked(self) -> bool:
        """Backed: the proposal's text stands as it was backed."""
        return self.status in (DecisionStatus.BACKED, DecisionStatus.OUTCOME_RECORDED)

    def may_be_revised_by(self, user) -> bool:
        return not self.is_locked and self.proposed_by_id == user.pk

    def may_be_backed_by(self, user) -> bool:
        """A manager of the person's team, never for their own proposal."""
        return (
            self.status == DecisionStatus.WAITING
            and user.is_manager
            and self.proposed_by_id != user.pk
            and self.team_id in user.team_ids()
        )

    def is_due_for_review(self, today: dt.date | None = None) -> bool:
        return self.status == DecisionStatus.BACKED and self.review_date <= (
            today or timezone.localdate()
        )

    def is_review_overdue(self, today: dt.date | None = None) -> bool:
        return self.status == DecisionStatus.BACKED and self.review_date < (
            today or timezone.localdate()
        )


class DecisionStepKind(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    REVISED = "revised", "Revised and sent again"
    BACKED = "backed", "Backed"
    TALK_FIRST = "talk_first", "Asked to talk first"
    OUTCOME = "outcome", "Outcome recorded"
    NOTE = "note", "Note"
    # Moved with its person to the team that now holds their record.
    MOVED = "moved", "Moved to another team"


class DecisionStep(models.Model):
    """One step in a decision's trail: proposed, backed, asked to talk first,
    revised, a later thought, the outcome. Kept in order with who and when;
    never changed afterwards."""

    # The app's database role may only INSERT and SELECT (deal.database_roles).
    append_only = True

    decision = models.ForeignKey(RiskDecision, on_delete=models.PROTECT, related_name="steps")
    kind = models.CharField(max_length=20, choices=DecisionStepKind.choices)
    note = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["decision", "at"], name="decision_step_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.by} at {self.at:%d %b %Y %H:%M}"


class ReminderKind(models.TextChoices):
    MY_ACTIONS = "my_actions", "Your overdue and due-soon actions"
    MY_REVIEWS = "my_reviews", "Your positive-risk decisions due for review"
    TEAM_SUMMARY = "team_summary", "Your team's actions"


class ReminderSent(models.Model):
    """A reminder email claimed for someone on a day, before it is sent: so
    send_reminders run twice in a day (or twice at once) sends it once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    kind = models.CharField(max_length=20, choices=ReminderKind.choices)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "day", "kind"], name="one_reminder_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.user} on {self.day}"
