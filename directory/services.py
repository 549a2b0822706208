"""Changes to the directory: each one transaction with its audit entry."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import transaction

from conversations.models import AgreedAction
from deal.audit import Actor, audit_record
from deal.models import AuditAction
from directory.models import (
    Category,
    Connection,
    Organisation,
    Service,
    ServiceArea,
    ServiceCategory,
    ServiceStatus,
)
from directory.receivers import GROUP_OWNERS


def _new_id() -> str:
    return str(uuid.uuid4())


def _first(items: list, values: dict) -> list:
    """The first of an Open Referral list set to `values` (keeping its id and
    any fields the form does not show), the rest as they were; an empty
    first item is dropped."""
    rest = items[1:]
    first = dict(items[0]) if items else {"id": _new_id()}
    for name, value in values.items():
        if value in ("", None, [], {}):
            first.pop(name, None)
        else:
            first[name] = value
    meaningful = set(first) - {"id", "freq", "interval", "location_type"}
    if "location" in first:
        meaningful = {"location"}
    return ([first] if meaningful else []) + rest


def _location(service: Service | None, data: dict) -> list:
    places = service.locations if service else []
    place = dict(places[0]) if places else {"id": _new_id()}
    location = dict(place.get("location") or {"id": _new_id(), "location_type": "physical"})
    addresses = list(location.get("addresses") or [])
    if data["address"] or data["town"] or data["postcode"]:
        address = dict(addresses[0]) if addresses else {"id": _new_id()}
        address.update(
            address_1=data["address"],
            city=data["town"],
            postal_code=data["postcode"].upper(),
            state_province=address.get("state_province", ""),
            country=address.get("country", "GB"),
            address_type=address.get("address_type", "physical"),
        )
        addresses = [address, *addresses[1:]]
    else:
        addresses = addresses[1:]
    location["addresses"] = addresses
    if not addresses:
        location.pop("addresses")
    if data["venue"]:
        location["name"] = data["venue"]
    else:
        location.pop("name", None)
    if set(location) <= {"id", "location_type"}:
        return places[1:]
    place["location"] = location
    return [place, *places[1:]]


def _organisation(name: str) -> Organisation | None:
    name = " ".join(name.split())
    if not name:
        return None
    found = Organisation.objects.filter(name__iexact=name).order_by("id").first()
    return found or Organisation.objects.create(name=name)


@transaction.atomic
def group_save(*, actor: Actor, data: dict, service: Service | None = None) -> tuple[Service, bool]:
    """Add a group, or change one as a manager described it. Returns the
    group and whether this call saved it: False when the same add form was
    sent again (Back, then Add the group) and had already added it."""
    creating = service is None
    key = data.get("submission_key")
    if creating and key is not None:
        already = Service.objects.filter(submission_key=key).first()
        if already is not None:
            return already, False
    if service is None:
        service = Service(submission_key=key)
    else:
        service = Service.objects.select_for_update().get(pk=service.pk)
        if data.get("version") and data["version"] != service.updated_at.isoformat():
            raise ValidationError(
                "Someone changed this group after you opened it. Check it and make your "
                "changes again."
            )
    service.name = " ".join(data["name"].split())
    service.description = data["description"].strip()
    service.organisation = _organisation(data["organisation"])
    service.email = data["email"]
    service.url = data["url"]
    service.fees = data["fees"].strip()
    service.minimum_age = data["minimum_age"]
    service.maximum_age = data["maximum_age"]
    service.schedules = _first(
        service.schedules,
        {
            "freq": "WEEKLY" if data["days"] else None,
            "interval": 1 if data["days"] else None,
            "byday": ",".join(data["days"]),
            "opens_at": data["opens_at"],
            "closes_at": data["closes_at"],
            "description": data["when"].strip(),
        },
    )
    service.locations = _location(None if creating else service, data)
    service.contacts = _first(
        service.contacts, {"name": data["contact_name"], "title": data["contact_title"]}
    )
    service.refresh_search(data["areas"])
    service.save()

    kept = {a.name: a for a in service.areas.all()} if not creating else {}
    service.areas.exclude(pk__in=[a.pk for n, a in kept.items() if n in data["areas"]]).delete()
    ServiceArea.objects.bulk_create(
        ServiceArea(service=service, name=name) for name in data["areas"] if name not in kept
    )
    categories = list(data["categories"])
    for name in data["new_categories"]:
        category = Category.objects.filter(name__iexact=name).first()
        categories.append(category or Category.objects.create(name=name))
    ServiceCategory.objects.filter(service=service).exclude(category__in=categories).delete()
    have = set(
        ServiceCategory.objects.filter(service=service).values_list("category_id", flat=True)
    )
    ServiceCategory.objects.bulk_create(
        ServiceCategory(service=service, category=c)
        for c in dict.fromkeys(categories)
        if c.pk not in have
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if creating else AuditAction.CHANGE,
        obj=service,
        detail=f"{'Added' if creating else 'Changed'} the group {service.name}",
    )
    return service, True


@transaction.atomic
def group_set_status(*, actor: Actor, service: Service, status: str) -> Service:
    """Retire a group (no longer offered; records linked to it keep it), or
    bring it back."""
    service = Service.objects.select_for_update().get(pk=service.pk)
    if status not in ServiceStatus.values:
        raise ValidationError({"status": "Select whether the group is running"})
    if service.status != status:
        before = service.get_status_display()
        service.status = status
        service.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=service,
            detail=f"The group {service.name} is now {service.get_status_display().lower()}",
            changes={"status": [before, service.get_status_display()]},
        )
    return service


@transaction.atomic
def action_link(*, actor: Actor, action: AgreedAction, service: Service) -> Connection:
    """Link an action done by a group, typed before the group was in the
    directory, to the group: later, from the group's page."""
    if action.owner_type not in GROUP_OWNERS:
        raise ValidationError("Only an action done by a group or organisation can be linked")
    connection, _ = Connection.objects.update_or_create(
        action=action, defaults={"service": service, "linked_by": actor.user}
    )
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        obj=action,
        detail=f"Linked the action to the group {service.name}",
    )
    return connection
