"""Writing the audit log: who did what to which record, when and from where."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.http import HttpRequest

from deal.models import AuditAction, AuditEvent, User


def client_ip(request: HttpRequest) -> str | None:
    """The address of whoever sent the request.

    Behind TRUSTED_PROXY_COUNT load balancers, each of which appends the address
    it saw to X-Forwarded-For, the client is that many entries from the right;
    anything further left could have been typed by the client. django-axes uses
    this too (AXES_CLIENT_IP_CALLABLE), so throttling and the audit log agree.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


@dataclass(frozen=True)
class Actor:
    """Who is making a change, and from where: what the audit log records.
    Services take one, so they work the same from a view, a command or a test."""

    user: User | None
    ip_address: str | None = None
    path: str = ""

    @classmethod
    def from_request(cls, request: HttpRequest) -> Actor:
        user = request.user if request.user.is_authenticated else None
        return cls(user=user, ip_address=client_ip(request), path=request.get_full_path()[:500])


# What is never written into the log, however it is named in a change: a
# password hash, a one-time token or an authenticator's secret would let anyone
# who reads the log sign in as someone else.
SECRET_WORDS = ("password", "token", "secret", "recovery", "otp", "session_version")
HIDDEN = "(not shown)"


def is_secret(name: str) -> bool:
    name = name.lower()
    return any(word in name for word in SECRET_WORDS)


def value_for_log(value):
    """A value as the log keeps it: JSON, readable, and the same whoever reads it."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return [value_for_log(v) for v in value]
    return str(value)


def changes_between(before: Mapping, after: Mapping) -> dict:
    """{"field": [before, after]} for each field whose value differs."""
    return {
        name: [value_for_log(before.get(name)), value_for_log(after[name])]
        for name in after
        if before.get(name) != after[name]
    }


def safe_changes(changes: Mapping) -> dict:
    """The changes with any secret's values replaced: the log says that it
    changed, never what it was or became."""
    return {
        str(name): [HIDDEN, HIDDEN] if is_secret(str(name)) else [value_for_log(v) for v in pair]
        for name, pair in changes.items()
    }


def audit_record(
    *,
    actor: Actor,
    action: AuditAction,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    detail: str = "",
    changes: dict | None = None,
    about_person: int | None = None,
) -> AuditEvent:
    """Append one entry to the audit log. `changes` holds what was changed,
    as {"what": [before, after]}; secrets are never kept (safe_changes)."""
    if obj is not None:
        object_type = obj._meta.label_lower
        object_id = obj.pk
        if about_person is None:
            about_person = person_of(obj)
    return AuditEvent.objects.create(
        user=actor.user,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        detail=detail[:500],
        changes=safe_changes(changes or {}),
        path=actor.path,
        ip_address=actor.ip_address,
        about_person=about_person,
    )


# The model that is a resident's record; named as text so deal/ imports no app.
PERSON_MODEL = "people.person"


def person_of(obj: models.Model) -> int | None:
    """The resident a record is about: the person themself, or whoever a
    record with a `person` (a conversation, an action) belongs to."""
    if obj._meta.label_lower == PERSON_MODEL:
        return obj.pk
    return getattr(obj, "person_id", None)
