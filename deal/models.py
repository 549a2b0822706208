"""The core: staff users, teams and the append-only audit log."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.utils import timezone
from django.utils.crypto import salted_hmac


class Team(models.Model):
    """A team of staff. A person's record belongs to exactly one team."""

    name = models.CharField(max_length=120, unique=True)
    # How a person reaches the team: shown on the summary given to them.
    contact_phone = models.CharField("Phone number", max_length=40, blank=True)
    contact_email = models.EmailField("Email address", blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    FRONTLINE = "frontline", "Frontline worker"
    MANAGER = "manager", "Manager"
    ADMIN = "admin", "Admin"
    # Information governance: reads the audit log, answers subject access
    # requests, looks after retention. No team and no case work.
    IG = "ig", "Information governance"


# Roles that never hold a team: whoever runs the service or checks on it does
# not do case work.
ROLES_WITHOUT_TEAMS = (Role.ADMIN, Role.IG)
# Roles a second admin must confirm before they have any power.
ROLES_CONFIRMED_BY_ADMINS = (Role.ADMIN, Role.IG)


class UserQuerySet(models.QuerySet["User"]):
    def matching(self, text: str) -> UserQuerySet:
        """Staff whose name or email address contains the text."""
        text = (text or "").strip()
        if not text:
            return self
        return self.filter(models.Q(full_name__icontains=text) | models.Q(email__icontains=text))

    def with_memberships(self) -> UserQuerySet:
        """Each user with their memberships read in the same query (on
        PostgreSQL, an array subquery), for User.team_ids and teams_waiting.

        Every signed-in page asks first for the user and then for their
        teams; deal.backends.StaffBackend reads both in one round trip. Read
        afresh on every request, as the user is, so a change of team counts
        at once. Elsewhere User._memberships reads them itself."""
        if connection.vendor != "postgresql":
            return self
        from django.contrib.postgres.fields import ArrayField

        # Written out rather than built from expressions: on every request,
        # building and compiling an ORM subquery cost more than the round
        # trip it saves. "12:1:Wigan Community Team": the team, whether
        # confirmed, then the name, which may hold a colon itself.
        user, membership, team = (m._meta.db_table for m in (User, Membership, Team))
        rows = models.expressions.RawSQL(  # noqa: S611 - our own tables, no input
            f"""ARRAY(SELECT m.team_id || ':' || (m.confirmed_at IS NOT NULL)::int || ':' || t.name
            FROM "{membership}" m JOIN "{team}" t ON t.id = m.team_id
            WHERE m.user_id = "{user}".id ORDER BY t.name, t.id)""",  # noqa: S608 - our tables
            (),
            output_field=ArrayField(models.TextField()),
        )
        return self.annotate(membership_rows_read=rows)

    def with_app_device(self) -> UserQuerySet:
        """Each user with the id of their confirmed authenticator app, read
        in the same query: deal.two_factor.AppDeviceOTPMiddleware then needs
        no query of its own to know a session's app is still theirs.
        Written out, as with_memberships is, so that nothing is built on
        each request."""
        from django_otp.plugins.otp_totp.models import TOTPDevice

        user, device = User._meta.db_table, TOTPDevice._meta.db_table
        app = models.expressions.RawSQL(  # noqa: S611 - our own tables, no input
            f"""(SELECT d.id FROM "{device}" d WHERE d.user_id = "{user}".id AND d.confirmed
            ORDER BY d.id LIMIT 1)""",  # noqa: S608 - our tables
            (),
            output_field=models.IntegerField(),
        )
        return self.annotate(confirmed_app_id=app)

    def for_staff_list(self) -> UserQuerySet:
        return self.prefetch_related(
            models.Prefetch("memberships", queryset=Membership.objects.select_related("team"))
        ).order_by("full_name", "id")


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def get_by_natural_key(self, email: str) -> User:
        # People type their email in any case; the address is stored lower-case.
        return self.get(email=normalise_email(email))

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        if not email:
            raise ValueError("A staff user needs an email address")
        user = self.model(email=normalise_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        fields.setdefault("role", Role.ADMIN)
        # Made on the server itself, by whoever runs it: no second admin to ask.
        if fields["role"] == Role.ADMIN:
            fields.setdefault("admin_confirmed_at", timezone.now())
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


# What names a member of staff (User.__str__).
STAFF_NAME_FIELDS = ("full_name", "email")


def staff_name_fields(relation: str) -> tuple[str, ...]:
    """What a list needs to name a member of staff (User.__str__) through a
    relation ("recorded_by"): those columns alone, for `.only()`."""
    return tuple(f"{relation}__{name}" for name in STAFF_NAME_FIELDS)


class User(AbstractBaseUser, PermissionsMixin):
    """A member of staff. Signs in with an email address; never deleted, only
    deactivated, so the records they wrote keep their author."""

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=150)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.FRONTLINE)
    # Joining a team needs a manager of that team to confirm it (see
    # Membership); only confirmed teams count for reading records.
    teams = models.ManyToManyField(
        Team,
        related_name="members",
        blank=True,
        through="Membership",
        through_fields=("user", "team"),
    )
    is_active = models.BooleanField(default=True)
    # Raised to end every session of this user at once (deactivation), whatever
    # the session store: it is part of the hash each session is checked against.
    session_version = models.PositiveIntegerField(default=0, editable=False)
    # A new admin (invited or promoted) has no admin powers until a second
    # admin confirms, so one admin cannot make another to confirm their joins.
    admin_requested_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    admin_confirmed_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    admin_confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Only for the Django admin at /admin/ (superusers); not a role of the product.
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def save(self, *args, **kwargs) -> None:
        self.email = normalise_email(self.email)
        # Superuser and staff (the Django admin) follow the role, whatever
        # route changed it: only an admin, who holds no team, may have them.
        if self.role != Role.ADMIN and (self.is_superuser or self.is_staff):
            self.is_superuser = self.is_staff = False
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "is_superuser", "is_staff"}
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_ig(self) -> bool:
        return self.role == Role.IG

    @property
    def reaches_django_admin(self) -> bool:
        """A superuser with the admin role (which holds no team), confirmed by
        a second admin: nobody else comes into /admin/."""
        return self.is_active and self.is_superuser and self.is_admin and not self.is_admin_waiting

    @property
    def is_admin_waiting(self) -> bool:
        """An admin, or an information governance officer (who reads the
        whole audit log), whom a second admin has not yet confirmed: so one
        admin alone cannot give anyone either power."""
        return self.role in ROLES_CONFIRMED_BY_ADMINS and self.admin_confirmed_at is None

    def clean(self) -> None:
        super().clean()
        # Separation of duties: whoever runs the service does not hold a team,
        # so an admin never reads case records.
        if self.pk and self.role in ROLES_WITHOUT_TEAMS and self.memberships.exists():
            raise ValidationError(
                {
                    "role": ("An admin" if self.role == Role.ADMIN else "Information governance")
                    + " cannot be in a team. Take them out of their teams first."
                }
            )

    def team_ids(self) -> list[int]:
        """The ids of the teams this user works in: confirmed memberships
        only, and none for an admin. Read once per request and kept. (A leaver
        keeps theirs, so what they own stays in its team; they cannot sign in.)"""
        if self.role in ROLES_WITHOUT_TEAMS:
            return []
        return [team_id for team_id, _, confirmed in self._memberships() if confirmed]

    def teams_waiting(self) -> list[str]:
        """The names of the teams this user has joined and a manager has not
        confirmed yet."""
        return [name for _, name, confirmed in self._memberships() if not confirmed]

    def _memberships(self) -> list[tuple[int, str, bool]]:
        # Read once per request, for team_ids and teams_waiting together.
        if not hasattr(self, "_membership_rows") and hasattr(self, "membership_rows_read"):
            # Read with the user (UserQuerySet.with_memberships).
            self._membership_rows = []
            for row in self.membership_rows_read or []:
                team_id, confirmed, name = row.split(":", 2)
                self._membership_rows.append((int(team_id), name, confirmed == "1"))
        if not hasattr(self, "_membership_rows"):
            self._membership_rows = (
                []
                if self.pk is None
                else [
                    (team_id, name, confirmed_at is not None)
                    for team_id, name, confirmed_at in self.memberships.order_by(
                        "team__name"
                    ).values_list("team_id", "team__name", "confirmed_at")
                ]
            )
        return self._membership_rows

    def _get_session_auth_hash(self, secret=None) -> str:
        # Version 0 keeps Django's own hash, so sessions made before this
        # existed stay valid; any later version ends every earlier session.
        if not self.session_version:
            return super()._get_session_auth_hash(secret=secret)
        return salted_hmac(
            "deal.models.User.session",
            f"{self.password}:{self.session_version}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()


class MembershipQuerySet(models.QuerySet["Membership"]):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def waiting(self):
        return self.filter(confirmed_at__isnull=True)


class Membership(models.Model):
    """A member of staff in a team. Asked for by an admin (an invitation or a
    change of teams), it counts only once a manager of the team, or for a team
    without one a second admin, confirms it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    requested_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    confirmed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "team"], name="membership_once_per_team"),
        ]
        indexes = [models.Index(fields=["team", "confirmed_at"], name="membership_team_idx")]

    def __str__(self) -> str:
        return f"{self.user} in {self.team}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    def clean(self) -> None:
        if self.user_id and self.user.role in ROLES_WITHOUT_TEAMS:
            who = "An admin" if self.user.role == Role.ADMIN else "Information governance"
            raise ValidationError(f"{who} cannot be in a team.")


class Invitation(models.Model):
    """A one-time link for a new member of staff to set their own password.
    Only a hash of the token is kept; it expires and works once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        User, null=True, on_delete=models.PROTECT, related_name="invitations_sent"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.user}"


class AuditAction(models.TextChoices):
    VIEW = "view", "Viewed"
    SEARCH = "search", "Searched"
    CREATE = "create", "Added"
    CHANGE = "change", "Changed"
    DENIED = "denied", "Refused access"
    INVITE = "invite", "Invited"
    CONFIRM = "confirm", "Confirmed"
    DEACTIVATE = "deactivate", "Deactivated"
    REACTIVATE = "reactivate", "Reactivated"
    EXPORT = "export", "Exported"
    ANONYMISE = "anonymise", "Anonymised"


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs):
        raise PermissionError("The audit log is append-only")

    def delete(self):
        raise PermissionError("The audit log is append-only")


class AuditEvent(models.Model):
    """Who did what to which record, when and from where. Append-only: rows are
    never changed or deleted by the application."""

    # The app's database role may only INSERT and SELECT (deal.database_roles).
    append_only = True

    at = models.DateTimeField(default=timezone.now, editable=False)
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="audit_events"
    )
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    # What the event is about, as "app.model" and primary key, so one log covers
    # every kind of record without a foreign key to each.
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    detail = models.CharField(max_length=500, blank=True)
    # What a change changed: {"field": [before, after], ...} (secrets never).
    changes = models.JSONField(default=dict, blank=True)
    # The resident the event is about (their record, or one of their
    # conversations or actions), so information governance can list all that
    # was done to one person's records. A number, not a foreign key: deal/
    # knows no app, and the log outlives any record.
    about_person = models.BigIntegerField("person", null=True, blank=True)
    path = models.CharField(max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "-at"], name="audit_object_idx"),
            models.Index(fields=["user", "-at"], name="audit_user_idx"),
            models.Index(fields=["-at"], name="audit_at_idx"),
            # Each filter of /governance/audit/ reads newest first from an index.
            models.Index(fields=["about_person", "-at"], name="audit_person_idx"),
            models.Index(fields=["action", "-at"], name="audit_action_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action} {self.object_type}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise PermissionError("The audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit log is append-only")


class HandOn(models.Model):
    """A manager handing on a leaver's or absent worker's open work to
    colleagues in the same team, in one step. What moved is kept on each
    record's own trail and in the audit log; this row keeps the step itself,
    and its key makes sending the same confirmation twice move nothing more."""

    submission_key = models.UUIDField(unique=True, editable=False)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    worker = models.ForeignKey(User, on_delete=models.PROTECT, related_name="work_handed_on")
    colleagues = models.ManyToManyField(User, related_name="work_received")
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    # {"what moved": how many}, as the apps that moved it said.
    moved = models.JSONField(default=dict)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.worker}’s work in {self.team}, handed on {self.at:%d %b %Y}"


class PulseScale(models.IntegerChoices):
    STRONGLY_DISAGREE = 1, "Strongly disagree"
    DISAGREE = 2, "Disagree"
    NEITHER = 3, "Neither agree nor disagree"
    AGREE = 4, "Agree"
    STRONGLY_AGREE = 5, "Strongly agree"


class PulseAnswer(models.Model):
    """One member of staff's answers to the staff pulse, kept WITHOUT who gave
    them: only the team and the month. The key is random and there is no
    time, so neither the order of rows nor a timestamp can be matched against
    PulseAsked to find out who answered what."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    # The first day of the month it was answered in.
    month = models.DateField()
    can_act = models.PositiveSmallIntegerField(choices=PulseScale.choices, null=True)
    backed = models.PositiveSmallIntegerField(choices=PulseScale.choices, null=True)
    right_job = models.PositiveSmallIntegerField(choices=PulseScale.choices, null=True)

    class Meta:
        indexes = [models.Index(fields=["team", "month"], name="pulse_answer_team_idx")]

    def __str__(self) -> str:
        return f"Pulse answer for {self.team} in {self.month:%B %Y}"


class PulseAsked(models.Model):
    """That a member of staff was asked the pulse on a day: answered or
    skipped, it is not said which, so it cannot be matched to an answer."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    asked_on = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["user", "-asked_on"], name="pulse_asked_user_idx")]

    def __str__(self) -> str:
        return f"{self.user} asked on {self.asked_on}"
