"""A person and everything in their profile."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import BooleanField, Case, Count, Q, Value, When, Window
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from deal.links import record_url
from deal.models import Team
from deal.prepared import prepared
from people.search import SearchQuery, normalise_name


class PreferredContact(models.TextChoices):
    PHONE = "phone", "Phone call"
    TEXT = "text", "Text message"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"
    IN_PERSON = "in_person", "In person"
    THROUGH_SOMEONE = "through_someone", "Through someone in their life"


class LawfulBasis(models.TextChoices):
    """UK GDPR Article 6 bases most used in council and NHS work."""

    PUBLIC_TASK = "public_task", "Public task"
    CONSENT = "consent", "Consent"
    LEGAL_OBLIGATION = "legal_obligation", "Legal obligation"
    VITAL_INTERESTS = "vital_interests", "Vital interests"


class ConsentToShare(models.TextChoices):
    YES = "yes", "Yes, with the partners we work with"
    ASK = "ask", "Ask them each time"
    NO = "no", "No"


class PersonStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class PersonQuerySet(models.QuerySet["Person"]):
    def visible_to(self, user) -> PersonQuerySet:
        """The people whose records this user may open: those of their teams."""
        if not user.is_authenticated:
            return self.none()
        return self.in_teams(user.team_ids())

    def in_teams(self, team_ids) -> PersonQuerySet:
        """visible_to, given the user's teams (for a prepared query)."""
        return self.filter(team_id__in=team_ids)

    def closed_to(self, user) -> PersonQuerySet:
        """The restricted people of this user's teams whose records the user
        may not open now: not named on the restriction and holding no
        break-glass opening that is still running.

        Used as a subquery (`person__in=Person.objects.closed_to(user)`), so
        the lists that leave these records out need no query of their own."""
        if not user.is_authenticated:
            return self.none()
        return self.closed_in(user.team_ids(), user.pk, timezone.now())

    def closed_in(self, team_ids, user_id: int, now: dt.datetime) -> PersonQuerySet:
        """closed_to, for the user with this id in these teams, at `now`."""
        # Both exclusions as plain subqueries of ids: excluding through the
        # many-to-many (restricted_to=user) has the ORM build a correlated
        # subquery, which cost more to build than the query takes to run.
        named = Person.restricted_to.through.objects.filter(user_id=user_id).values("person_id")
        opened = BreakGlass.objects.filter(user_id=user_id, until__gt=now).values("person_id")
        return (
            self.filter(team_id__in=team_ids, is_restricted=True)
            .exclude(pk__in=named)
            .exclude(pk__in=opened)
            .order_by()
        )

    def closed_ids(self, user) -> frozenset[int]:
        """The ids of closed_to(user), read once per request and kept on the
        user, as their team ids are (deal.models.User.team_ids).

        The lists of a page (My work has five) leave these records out by
        id. Restricted records are few, so the set is nearly always empty and
        the lists carry no condition at all: building and planning the
        closed_to subquery in each of them cost more than this one small
        query, which reads the restricted people of the user's teams from
        person_restricted_idx. Whatever changes who may open a record (a
        reason given, a restriction set) forgets the set (forget_closed)."""
        if not user.is_authenticated:
            return frozenset()
        kept = getattr(user, "_closed_person_ids", None)
        if kept is None:
            kept = frozenset(
                _closed_ids(team_ids=user.team_ids(), user_id=user.pk, now=timezone.now())
            )
            user._closed_person_ids = kept
        return kept

    def with_closed_to(self, user) -> PersonQuerySet:
        """Each person with `closed`: whether the list shows them only as a
        restricted record (its name, nothing more)."""
        return self.with_closed(Person.objects.closed_ids(user))

    def with_closed(self, closed) -> PersonQuerySet:
        """with_closed_to, given the ids closed to the user."""
        return self.annotate(closed=closed_flag_of(closed, "pk"))

    def with_profile_joins(self) -> PersonQuerySet:
        return self.select_related("team", "named_worker")

    def search(self, query: SearchQuery, *, user=None) -> PersonQuerySet:
        """Filter by what a search box was given (see people.search.parse_search).

        Given the user searching, a record closed to them (closed_to) is
        matched by its name words alone: an NHS number, date of birth,
        postcode or postcode area never selects it, or finding it by one and
        not by a digit changed would confirm what the restriction keeps from
        them. Its name still finds it, so nobody adds the person twice."""
        names = Q()
        for term in query.name_terms:
            # search_names holds every name word with a space before it, so
            # " jo" finds a word starting "jo" anywhere in the names. On
            # PostgreSQL a trigram index serves this LIKE (people migration 0002).
            names &= Q(search_names__contains=f" {term}")
        identifiers = Q()
        if query.nhs_number:
            identifiers &= Q(nhs_number=query.nhs_number)
        if query.postcode:
            identifiers &= Q(postcode=query.postcode)
        if query.postcode_outward:
            identifiers &= Q(postcode_outward=query.postcode_outward)
        if query.date_of_birth:
            identifiers &= Q(date_of_birth=query.date_of_birth)
        qs = self.filter(names)
        if user is None or not identifiers:
            return qs.filter(identifiers)
        # By id, as in the lists that leave closed records out, so the
        # identifier's or the names' index still leads.
        closed = Person.objects.closed_ids(user)
        if not closed:
            return qs.filter(identifiers)
        if not query.name_terms:
            return qs.filter(identifiers).exclude(pk__in=closed)
        return qs.filter(identifiers | Q(pk__in=closed))

    def likely_duplicates(
        self,
        *,
        nhs_number: str = "",
        given_name: str = "",
        family_name: str = "",
        date_of_birth: dt.date | None = None,
    ) -> PersonQuerySet:
        """Same NHS number, or the same name and date of birth."""
        match = Q(pk__in=[])
        if nhs_number:
            match |= Q(nhs_number=nhs_number)
        if given_name and family_name and date_of_birth:
            match |= Q(
                search_given=normalise_name(given_name),
                search_family=normalise_name(family_name),
                date_of_birth=date_of_birth,
            )
        return self.filter(match)


class Person(models.Model):
    """A resident staff have conversations with."""

    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    preferred_name = models.CharField(
        max_length=100, blank=True, help_text="What they like to be called"
    )
    pronouns = models.CharField(max_length=50, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    nhs_number = models.CharField("NHS number", max_length=10, blank=True)

    address_line_1 = models.CharField("Address line 1", max_length=200, blank=True)
    address_line_2 = models.CharField("Address line 2", max_length=200, blank=True)
    town = models.CharField("Town or city", max_length=100, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    # The part before the space ("WN1" of "WN1 1AA"), so a search for an area
    # uses an ordinary index.
    postcode_outward = models.CharField(max_length=4, blank=True, editable=False)
    phone = models.CharField("Phone number", max_length=30, blank=True)
    email = models.EmailField("Email address", blank=True)
    preferred_contact = models.CharField(
        "How they prefer to be contacted",
        max_length=20,
        choices=PreferredContact.choices,
        blank=True,
    )

    language = models.CharField("Main language", max_length=100, blank=True, default="English")
    interpreter_needed = models.BooleanField("Needs an interpreter", default=False)
    communication_needs = models.TextField(
        blank=True,
        help_text="For example: large print, British Sign Language, "
        "speak slowly, a family member helps",
    )

    lawful_basis = models.CharField(
        "Lawful basis for recording", max_length=20, choices=LawfulBasis.choices
    )
    consent_to_share = models.CharField(
        "Do they agree to us sharing information about them?",
        max_length=10,
        choices=ConsentToShare.choices,
    )
    consent_notes = models.TextField("Notes about consent", blank=True)

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="people")
    named_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="named_people",
        db_index=False,  # person_named_worker_idx starts with it
    )
    status = models.CharField(
        max_length=10, choices=PersonStatus.choices, default=PersonStatus.OPEN
    )
    # Why and when the record was closed: the retention period runs from then
    # (manage.py apply_retention).
    closed_reason = models.TextField(
        "If you are closing the record, why",
        blank=True,
        help_text="For example: moved out of the area, no longer wants our support",
    )
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # When the retention period ran out and what identified them was removed.
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)

    # Restricted records: only the named staff open them without giving a
    # reason; others of the team see that the record exists and break the
    # glass (BreakGlass) to open it. Set by the team's manager or the named
    # worker (people.services.person_restrict).
    is_restricted = models.BooleanField("Restricted", default=False, editable=False)
    restricted_to = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="restricted_people"
    )
    restriction_reason = models.TextField(
        "Why the record is restricted", blank=True, editable=False
    )

    # Names lower-cased with accents and punctuation taken off, for searching:
    # "Zoë O'Brien" is found by "zoe obrien". Kept up to date by save().
    search_given = models.CharField(max_length=100, editable=False, default="")
    search_family = models.CharField(max_length=100, editable=False, default="")
    search_names = models.CharField(max_length=400, editable=False, default="")

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(
        excluded_fields=["search_given", "search_family", "search_names", "postcode_outward"]
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "people"
        ordering = ["family_name", "given_name", "id"]
        indexes = [
            models.Index(fields=["team", "family_name", "given_name"], name="person_team_name_idx"),
            models.Index(fields=["nhs_number"], name="person_nhs_number_idx"),
            models.Index(fields=["date_of_birth"], name="person_dob_idx"),
            models.Index(fields=["postcode"], name="person_postcode_idx"),
            models.Index(fields=["postcode_outward"], name="person_postcode_out_idx"),
            models.Index(
                fields=["search_family", "search_given", "date_of_birth"],
                name="person_duplicate_idx",
            ),
            # A team's people by id alone: the lists and figures that join
            # conversations to their person's team (visible_to) read the
            # team's ids from this index without visiting the table (a
            # manager's team view, 4 to 10 times quicker at council size).
            models.Index(fields=["team", "id"], name="person_team_id_idx"),
            # A worker's open people, most recently changed first (My work),
            # and how many there are, read from the index alone (the team:
            # visible_to's condition).
            models.Index(
                fields=["named_worker", "status", "-updated_at"],
                include=["team"],
                name="person_named_worker_idx",
            ),
            # The few restricted people of a team, read by every list that
            # leaves them out (PersonQuerySet.closed_to).
            models.Index(
                fields=["team"], condition=Q(is_restricted=True), name="person_restricted_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs) -> None:
        self.search_given = normalise_name(self.given_name)
        self.search_family = normalise_name(self.family_name)
        words = " ".join(
            normalise_name(n) for n in (self.given_name, self.family_name, self.preferred_name)
        ).split()
        self.search_names = " " + " ".join(words)
        self.postcode_outward = self.postcode.split(" ")[0] if self.postcode else ""
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = set(kwargs["update_fields"]) | {
                "search_given",
                "search_family",
                "search_names",
                "postcode_outward",
            }
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return record_url("people:detail", self.pk)

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def display_name(self) -> str:
        """The name to use when speaking of them: their preferred name first."""
        if self.preferred_name and self.preferred_name != self.given_name:
            return f"{self.preferred_name} {self.family_name}"
        return self.full_name

    @property
    def nhs_number_display(self) -> str:
        n = self.nhs_number
        return f"{n[:3]} {n[3:6]} {n[6:]}" if len(n) == 10 else n

    @property
    def age(self) -> int | None:
        if not self.date_of_birth:
            return None
        today = timezone.localdate()
        born = self.date_of_birth
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


class WhatMatters(models.Model):
    """What matters to the person, in their own words. Each change is a new row,
    so earlier versions are never lost; the newest is what matters now."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="what_matters")
    text = models.TextField("What matters to them, in their words")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    conversation = models.ForeignKey(
        "conversations.Conversation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="what_matters_versions",
        help_text="The conversation in which they said it, if any",
    )

    class Meta:
        verbose_name = "what matters"
        verbose_name_plural = "what matters"
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["person", "-recorded_at"], name="what_matters_person_idx")]

    def __str__(self) -> str:
        return self.text[:60]


class EntryKind(models.TextChoices):
    STRENGTH = "strength", "Strength"
    INTEREST = "interest", "Interest"
    NEED = "need", "Need"


class ProfileEntryQuerySet(models.QuerySet["ProfileEntry"]):
    def current(self) -> ProfileEntryQuerySet:
        return self.filter(archived_at__isnull=True)

    def archived(self) -> ProfileEntryQuerySet:
        return self.filter(archived_at__isnull=False)


class ProfileEntry(models.Model):
    """A strength, an interest or a need: a short entry in the person's words.
    Archived when it no longer applies; never deleted."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=10, choices=EntryKind.choices)
    text = models.CharField(max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    archived_at = models.DateTimeField(null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source_conversation = models.ForeignKey(
        "conversations.Conversation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entries_first_noted",
        help_text="The conversation in which it was first noted, if any",
    )

    history = HistoricalRecords()
    objects = ProfileEntryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "profile entries"
        ordering = ["recorded_at", "id"]
        indexes = [models.Index(fields=["person", "kind"], name="entry_person_kind_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text}"

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class PersonInLifeQuerySet(models.QuerySet["PersonInLife"]):
    def current(self) -> PersonInLifeQuerySet:
        return self.filter(archived_at__isnull=True)


class PersonInLife(models.Model):
    """Family, a friend, a neighbour, a carer: someone in the person's life."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="people_in_life")
    name = models.CharField(max_length=150)
    relationship = models.CharField(max_length=100, help_text="For example: daughter, neighbour")
    how_they_help = models.CharField("How they help", max_length=500, blank=True)
    contact = models.CharField(
        "How to contact them", max_length=200, blank=True, help_text="A phone number or email"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    archived_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()
    objects = PersonInLifeQuerySet.as_manager()

    class Meta:
        verbose_name = "person in their life"
        verbose_name_plural = "people in their life"
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.relationship})"


def latest_what_matters(person: Person) -> tuple[WhatMatters | None, int]:
    """The newest version of what matters to them, and how many earlier
    versions are kept, in one round trip."""
    versions = _what_matters_of(person_id=person.pk)
    for version in versions:
        version.person = person
    return (versions[0], versions[0].versions - 1) if versions else (None, 0)


@prepared
def _what_matters_of(*, person_id: int):
    # On every profile, so prepared (deal.prepared).
    return (
        WhatMatters.objects.filter(person=person_id)
        .select_related("recorded_by")
        .annotate(versions=Window(expression=Count("id")))[:1]
    )


@dataclass(frozen=True)
class ProfileLists:
    """A profile's strengths, interests and needs (each kind with its current
    and archived entries, in the order a good conversation takes them) and
    the people in their life."""

    entry_sections: list[dict]
    people_in_life: list[PersonInLife]


# What each row of profile_lists' query holds, in order; the columns one
# kind of row does not have are empty.
_ENTRY_COLUMNS = ("kind", "text", "archived_at")
_LIFE_COLUMNS = ("name", "relationship", "how_they_help", "contact")


def profile_lists(person: Person) -> ProfileLists:
    """The profile's entries and people in their life in one query (a UNION
    of the two tables): the profile makes a dozen round trips, and these two
    lists are small. Kept on the person for the rest of the request, as the
    profile's sections ask for them one after the other (refresh_from_db
    does not drop them: a view that changes them and then draws the profile
    reads the person again, as every view here does by redirecting)."""
    if (cached := person.__dict__.get("_profile_lists")) is not None:
        return cached
    current: dict[str, list[ProfileEntry]] = {kind: [] for kind in EntryKind}
    archived: dict[str, list[ProfileEntry]] = {kind: [] for kind in EntryKind}
    people: list[PersonInLife] = []
    for part, pk, kind, text, archived_at, *life, recorded_at in sorted(
        _profile_rows(person_id=person.pk), key=lambda row: (row[-1], row[1])
    ):
        if part == "entry":
            entry = ProfileEntry(
                pk=pk,
                person=person,
                kind=kind,
                text=text,
                recorded_at=recorded_at,
                archived_at=archived_at,
            )
            (archived if entry.is_archived else current)[kind].append(entry)
        else:
            details = dict(zip(_LIFE_COLUMNS, life, strict=True))
            people.append(PersonInLife(pk=pk, person=person, recorded_at=recorded_at, **details))
    lists = ProfileLists(
        entry_sections=[
            {"kind": kind, "entries": current[kind], "archived": archived[kind]}
            for kind in (EntryKind.STRENGTH, EntryKind.INTEREST, EntryKind.NEED)
        ],
        people_in_life=people,
    )
    person.__dict__["_profile_lists"] = lists
    return lists


@prepared
def _profile_rows(*, person_id: int):
    # On every profile, so prepared (deal.prepared).
    blank = models.Value("")
    columns = ("part", "id", *_ENTRY_COLUMNS, *_LIFE_COLUMNS, "recorded_at")
    entries = ProfileEntry.objects.filter(person=person_id).annotate(
        part=models.Value("entry"), **dict.fromkeys(_LIFE_COLUMNS, blank)
    )
    in_life = (
        PersonInLife.objects.filter(person=person_id)
        .current()
        .annotate(part=models.Value("life"), kind=blank, text=blank)
    )
    return (
        entries.order_by()
        .values_list(*columns)
        .union(in_life.order_by().values_list(*columns), all=True)
    )


class Submission(models.Model):
    """A form that adds something, sent once. Sent again (Back then resend, a
    double click, the same page sent eight times at once) it finds what the
    first sending added, instead of adding it again.

    The key is the form's own key mixed with who sent it and what it adds to
    (see people.services.submission_key), so a key copied from another form,
    another person's record or another member of staff's page is simply a new
    key: it never leads to their record, and what was typed is saved."""

    key = models.UUIDField(primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Where what it added is shown: where a second sending is sent.
    saved_to = models.CharField(max_length=200)
    at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return str(self.key)


class TransferStatus(models.TextChoices):
    WAITING = "waiting", "Waiting for a decision"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class TransferRequestQuerySet(models.QuerySet["TransferRequest"]):
    def waiting(self) -> TransferRequestQuerySet:
        return self.filter(status=TransferStatus.WAITING)

    def to_decide_by(self, user) -> TransferRequestQuerySet:
        """Waiting requests for records held by a team this user manages: only
        the holding team's manager decides."""
        if not user.is_authenticated or not user.is_manager:
            return self.none()
        return self.waiting().filter(person__team_id__in=user.team_ids())

    def asked_by(self, user) -> TransferRequestQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(requested_by=user)

    def with_closed_to(self, user) -> TransferRequestQuerySet:
        """Each request with `closed`: whether its person's record is one this
        user may not open now (a subquery, like PersonQuerySet.with_closed_to)."""
        return self.annotate(closed=closed_flag(user, "person_id"))


class TransferRequest(models.Model):
    """One record per person across teams: a team that finds the person it
    was about to add already known to another team asks that team to hand the
    record over. The holding team's manager accepts (the record, its
    conversations and actions move) or declines. Until then the asking team
    knows only which team holds it."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="transfer_requests")
    # The team holding the record when it was asked for, and the team asking.
    from_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    to_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        max_length=10, choices=TransferStatus.choices, default=TransferStatus.WAITING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField("Why", max_length=1000, blank=True)

    objects = TransferRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            # Asking again while a request waits finds the one waiting.
            models.UniqueConstraint(
                fields=["person", "to_team"],
                condition=Q(status="waiting"),
                name="transfer_request_waiting_once",
            )
        ]
        indexes = [
            models.Index(fields=["from_team", "status"], name="transfer_from_team_idx"),
            models.Index(fields=["requested_by", "-requested_at"], name="transfer_asked_by_idx"),
        ]

    def __str__(self) -> str:
        return f"Transfer {self.pk} to {self.to_team}"

    def get_absolute_url(self) -> str:
        return reverse("people:transfer", kwargs={"pk": self.pk})

    @property
    def is_waiting(self) -> bool:
        return self.status == TransferStatus.WAITING


# How long giving a reason opens a restricted record: a working shift, and
# less than a session can last (SESSION_ABSOLUTE_HOURS), so one reason covers
# one day's piece of work and the next day asks again.
BREAK_GLASS_HOURS = 8


class BreakGlassQuerySet(models.QuerySet["BreakGlass"]):
    def open_for(self, user, at: dt.datetime | None = None) -> BreakGlassQuerySet:
        return self.filter(user=user, until__gt=at or timezone.now())

    def with_joins(self) -> BreakGlassQuerySet:
        return self.select_related("person", "user", "team")


class BreakGlass(models.Model):
    """A member of staff, not named on a restricted record, gave a reason to
    open it: who, when, which person, why, and until when it stays open to
    them. Listed for the team's manager and information governance."""

    # The app's database role may only INSERT and SELECT (deal.database_roles).
    append_only = True

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="break_glasses")
    # The person's team when the glass was broken: whose manager is shown it,
    # even if the person later moves.
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField("Why you need to open this record")
    at = models.DateTimeField(default=timezone.now)
    until = models.DateTimeField()

    objects = BreakGlassQuerySet.as_manager()

    class Meta:
        verbose_name = "break-glass opening"
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["user", "person", "until"], name="break_glass_user_idx"),
            models.Index(fields=["team", "-at"], name="break_glass_team_idx"),
            models.Index(fields=["-at"], name="break_glass_at_idx"),
        ]

    def __str__(self) -> str:
        return f"Break-glass {self.pk}"


# What a list needs to name a person (Person.full_name, display_name): a
# list of many reads these columns alone rather than the whole record.
NAME_FIELDS = ("given_name", "family_name", "preferred_name")


def name_fields(relation: str = "") -> tuple[str, ...]:
    """NAME_FIELDS, through a relation ("person") or of the person itself."""
    return tuple(f"{relation}__{name}" if relation else name for name in NAME_FIELDS)


def closed_flag(user, person_field: str):
    """Whether each row is of a record closed to this user now (closed_ids),
    as an expression; plain False when nothing is closed to them."""
    return closed_flag_of(Person.objects.closed_ids(user), person_field)


def closed_flag_of(closed, person_field: str):
    """closed_flag, given the ids closed to the user."""
    if not closed:
        return Value(False, output_field=BooleanField())
    return Case(
        When(**{f"{person_field}__in": closed}, then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


def seen_by(user) -> dict:
    """What decides which records a signed-in user sees, as a prepared query
    (deal.prepared) takes it: their teams and the records closed to them."""
    return {"team_ids": user.team_ids(), "closed": Person.objects.closed_ids(user)}


@prepared
def _closed_ids(*, team_ids, user_id: int, now: dt.datetime):
    return Person.objects.closed_in(team_ids, user_id, now).values_list("pk", flat=True)


def leave_out_closed(queryset: models.QuerySet, user, person_field: str = "person_id"):
    """The rows of `queryset` that are not of a record closed to this user
    now (PersonQuerySet.closed_ids): the same rows as excluding the closed_to
    subquery, without it."""
    return without_closed(queryset, Person.objects.closed_ids(user), person_field)


def without_closed(queryset: models.QuerySet, closed, person_field: str = "person_id"):
    """leave_out_closed, given the ids of the records closed to the user (for
    a prepared query, deal.prepared, which takes values, not the user)."""
    if not closed:
        return queryset
    return queryset.exclude(**{f"{person_field}__in": closed})


def forget_closed(user) -> None:
    """After a change to who may open a record, in the same request: read
    closed_ids again when next asked."""
    user.__dict__.pop("_closed_person_ids", None)
