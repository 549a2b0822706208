"""The community directory: organisations, the groups and services they run,
and the connections between agreed actions and those groups.

Shaped after Open Referral UK so that a directory can be imported and
exported without losing anything the pages show: each record keeps the `id`
it has there (a UUID), and when and where a group meets, its contacts and
its cost options are kept as the profile's own lists.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from conversations.models import ActionStatus, AgreedAction
from deal.links import record_url
from people.models import leave_out_closed
from people.search import normalise_name


class ServiceStatus(models.TextChoices):
    # The values are Open Referral UK's.
    ACTIVE = "active", "Active"
    TEMPORARILY_CLOSED = "temporarily closed", "Temporarily closed"
    INACTIVE = "inactive", "Retired"
    DEFUNCT = "defunct", "Closed for good"


class Organisation(models.Model):
    """Who runs a group or service: a charity, a church, the council."""

    uuid = models.UUIDField("Open Referral id", unique=True, default=uuid.uuid4)
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    email = models.EmailField(blank=True)
    website = models.URLField(max_length=500, blank=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    """A taxonomy term that says what a group offers: "Walking", "Lunch club"."""

    uuid = models.UUIDField("Open Referral id", unique=True, default=uuid.uuid4)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    taxonomy = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class ServiceQuerySet(models.QuerySet["Service"]):
    def offered(self) -> ServiceQuerySet:
        """What a worker may pick for a new action: active groups only."""
        return self.filter(status=ServiceStatus.ACTIVE)

    def running(self) -> ServiceQuerySet:
        """What the directory lists unless asked for retired ones too."""
        return self.filter(status__in=[ServiceStatus.ACTIVE, ServiceStatus.TEMPORARILY_CLOSED])

    def search(self, *, text: str = "", area: str = "", category: Category | None = None):
        """Every word of `text` somewhere in the name, what it offers or who
        runs it; `area` somewhere in its areas or where it meets. Both are
        LIKE '%word%' on a normalised column, served on PostgreSQL by a
        trigram index (directory migration 0002)."""
        qs = self
        for word in normalise_name(text).split()[:5]:
            qs = qs.filter(search_text__contains=word)
        for word in normalise_name(area).split()[:3]:
            qs = qs.filter(search_areas__contains=word)
        if category is not None:
            qs = qs.filter(categories=category)
        return qs


class Service(models.Model):
    """A community group or service people can be connected to."""

    uuid = models.UUIDField("Open Referral id", unique=True, default=uuid.uuid4)
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="services",
        verbose_name="Run by",
    )
    name = models.CharField(max_length=300)
    description = models.TextField("What they offer", blank=True)
    url = models.URLField("Website", max_length=500, blank=True)
    email = models.EmailField(blank=True)
    status = models.CharField(
        max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE
    )
    fees = models.TextField("Cost", blank=True)
    minimum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    # Open Referral UK's own lists, as validated on import (directory.openreferral):
    # schedules (opens_at, closes_at, byday, ...), service_at_locations (where
    # it meets), contacts and cost_options.
    schedules = models.JSONField(default=list, blank=True)
    locations = models.JSONField(default=list, blank=True)
    contacts = models.JSONField(default=list, blank=True)
    cost_options = models.JSONField(default=list, blank=True)
    categories = models.ManyToManyField(
        Category, through="ServiceCategory", blank=True, related_name="services"
    )
    # Normalised words to search: name, what they offer and who runs them;
    # and the areas and places it serves (see ServiceQuerySet.search).
    search_text = models.TextField(default="", editable=False)
    search_areas = models.TextField(default="", editable=False)
    # The add form's key: sending the same form again (Back, then Add the
    # group) finds the group it added rather than adding a second.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        # The list in name order, a page at a time, without sorting them all.
        indexes = [models.Index(fields=["name", "id"], name="service_name_idx")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return record_url("directory:detail", self.pk)

    @property
    def is_offered(self) -> bool:
        return self.status == ServiceStatus.ACTIVE

    @property
    def is_retired(self) -> bool:
        return self.status in (ServiceStatus.INACTIVE, ServiceStatus.DEFUNCT)

    def refresh_search(self, areas: list[str] | None = None) -> None:
        """Fill the search columns from the record (and its areas, when
        given; they are read from the database otherwise)."""
        organisation = self.organisation.name if self.organisation_id else ""
        self.search_text = normalise_name(f"{self.name} {self.description} {organisation}")
        if areas is None:
            areas = list(self.areas.values_list("name", flat=True)) if self.pk else []
        places = []
        for place in self.locations:
            location = place.get("location") or {}
            places.append(location.get("name", ""))
            for address in location.get("addresses") or []:
                places += [address.get("city", ""), address.get("postal_code", "")]
        self.search_areas = normalise_name(" ".join([*areas, *places]))

    @property
    def age_range(self) -> str:
        low, high = self.minimum_age, self.maximum_age
        if low is not None and high is not None:
            return f"{low} to {high}"
        if low is not None:
            return f"{low} and over"
        if high is not None:
            return f"Up to {high}"
        return ""


class ServiceCategory(models.Model):
    """A group's category: Open Referral UK's "attribute", with its own id
    (not unique: files in the wild reuse them)."""

    uuid = models.UUIDField(default=uuid.uuid4)
    service = models.ForeignKey(Service, on_delete=models.CASCADE)
    category = models.ForeignKey(Category, on_delete=models.PROTECT)
    link_type = models.CharField(max_length=100, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "category"], name="service_category_once")
        ]

    def __str__(self) -> str:
        return f"{self.service_id}: {self.category_id}"


class ServiceArea(models.Model):
    """Where a group's members come from: "Wigan", "Leigh and Atherton"."""

    uuid = models.UUIDField(default=uuid.uuid4)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="areas")
    name = models.TextField()
    uri = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class ConnectionQuerySet(models.QuerySet["Connection"]):
    def live(self) -> ConnectionQuerySet:
        """Connections of agreed actions: not of a draft's (or a discarded
        draft's), which nobody has agreed yet."""
        return self.exclude(action__status=ActionStatus.DRAFT)

    def of_teams(self, team_ids) -> ConnectionQuerySet:
        return self.filter(action__team_id__in=team_ids)

    def visible_to(self, user) -> ConnectionQuerySet:
        """The live connections of the user's teams' actions, leaving out a
        restricted person's that the user may not open now, as their actions
        are left out of every list (AgreedActionQuerySet.visible_to)."""
        if not user.is_authenticated:
            return self.none()
        return leave_out_closed(
            self.live().of_teams(user.team_ids()), user, person_field="action__person_id"
        )


class Connection(models.Model):
    """An agreed action done by a group in the directory: "connect Sam to the
    Thursday walking group". The link lives here, on top: conversations
    knows nothing of the directory."""

    action = models.OneToOneField(
        AgreedAction, on_delete=models.CASCADE, related_name="directory_connection"
    )
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="connections")
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    linked_at = models.DateTimeField(default=timezone.now)

    objects = ConnectionQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["service", "action"], name="connection_service_idx")]

    def __str__(self) -> str:
        return f"{self.action_id} → {self.service}"
