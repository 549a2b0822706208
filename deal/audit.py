"""Writing the audit log: who did what to which record, when and from where."""

from __future__ import annotations

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


def audit_record(
    *,
    actor: Actor,
    action: AuditAction,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    detail: str = "",
    changes: dict | None = None,
) -> AuditEvent:
    """Append one entry to the audit log. `changes` holds what an admin
    changed, as {"what": [before, after]}."""
    if obj is not None:
        object_type = obj._meta.label_lower
        object_id = obj.pk
    return AuditEvent.objects.create(
        user=actor.user,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        detail=detail[:500],
        changes=changes or {},
        path=actor.path,
        ip_address=actor.ip_address,
    )
