"""Open Referral UK in and out: reading a file (a single service, a paged
service list, or an organisation with its services), checking it, saving it
all or nothing, and writing the directory as a paged service list.

The checks are a JSON Schema of our own, for the fields the directory keeps,
run by the `jsonschema` library. The profile's published schemas are under a
share-alike licence and are large; the tests check our exports against them.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Prefetch
from jsonschema import Draft202012Validator

from deal.audit import Actor, audit_record
from deal.models import AuditAction
from directory.models import (
    Category,
    Organisation,
    Service,
    ServiceArea,
    ServiceCategory,
    ServiceStatus,
)

# A directory of a few thousand groups is well under a megabyte; anything far
# bigger is a mistake (the wrong file), and reading it would hold a worker.
MAX_IMPORT_BYTES = 5 * 1024 * 1024

_UUID = {
    "type": "string",
    "pattern": "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
    "x-message": "must be a UUID, like ac148810-d857-441c-9679-408f346de14b",
}
_DAY = "(-?[1-5])?(MO|TU|WE|TH|FR|SA|SU)"
_TIME = {
    "type": "string",
    "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]+)?)?"
    r"(Z|[+-][0-9]{2}:[0-9]{2})?$",
    "x-message": "must be a time, like 10:00 or 18:30:00",
}
_DATE = {
    "type": "string",
    "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
    "x-message": "must be a date, like 2026-03-27",
}


def _text(max_length: int | None = None, *, required: bool = False) -> dict:
    schema: dict[str, Any] = {"type": "string"}
    if max_length:
        schema["maxLength"] = max_length
    if required:
        schema["pattern"] = r"\S"
        schema["x-message"] = "must not be blank"
    return schema


def _item(required: list[str], properties: dict) -> dict:
    return {"type": "object", "required": required, "properties": properties}


ORGANISATION_SCHEMA = _item(
    ["id", "name"],
    {
        "id": _UUID,
        "name": _text(300, required=True),
        "description": _text(),
        "email": _text(254),
        "website": _text(500),
    },
)
SCHEDULE_SCHEMA = _item(
    ["id"],
    {
        "id": _UUID,
        "valid_from": _DATE,
        "valid_to": _DATE,
        "dtstart": _DATE,
        "freq": {"enum": ["WEEKLY", "MONTHLY"], "x-message": "must be WEEKLY or MONTHLY"},
        "interval": {"type": "integer", "minimum": 1},
        "byday": {
            "type": "string",
            "pattern": f"^{_DAY}(,{_DAY})*$",
            "x-message": "must be days like MO or TH,FR (or 2MO for the second Monday)",
        },
        "bymonthday": {
            "type": "string",
            "pattern": r"^-?[0-9]{1,2}(,-?[0-9]{1,2})*$",
            "x-message": "must be days of the month like 1 or 2,16",
        },
        "description": _text(),
        "opens_at": _TIME,
        "closes_at": _TIME,
        "schedule_link": _text(500),
        "attending_type": _text(),
        "notes": _text(),
    },
)
ADDRESS_SCHEMA = _item(
    ["id", "address_1", "city", "state_province", "postal_code", "country", "address_type"],
    {
        "id": _UUID,
        "attention": _text(),
        "address_1": _text(),
        "city": _text(),
        "region": _text(),
        "state_province": _text(),
        "postal_code": _text(),
        "country": _text(),
        "address_type": {"enum": ["physical", "postal", "virtual"]},
    },
)
LOCATION_SCHEMA = _item(
    ["id"],
    {
        "id": _UUID,
        "location": _item(
            ["id", "location_type"],
            {
                "id": _UUID,
                "location_type": {"enum": ["physical", "postal", "virtual"]},
                "name": _text(),
                "description": _text(),
                "latitude": {"type": "number"},
                "longitude": {"type": "number"},
                "addresses": {"type": "array", "items": ADDRESS_SCHEMA},
            },
        ),
    },
)
CONTACT_SCHEMA = _item(["id"], {"id": _UUID, "name": _text(), "title": _text()})
COST_OPTION_SCHEMA = _item(
    ["id"],
    {
        "id": _UUID,
        "valid_from": _DATE,
        "valid_to": _DATE,
        "option": _text(),
        "amount": {"type": "number", "minimum": 0},
        "amount_description": _text(),
    },
)
SERVICE_AREA_SCHEMA = _item(
    ["id"],
    {"id": _UUID, "name": _text(), "service_area": _text(), "uri": _text(500)},
)
ATTRIBUTE_SCHEMA = _item(
    ["id", "taxonomy_term"],
    {
        "id": _UUID,
        "link_type": _text(100),
        "taxonomy_term": _item(
            ["id", "name"],
            {
                "id": _UUID,
                "name": _text(200, required=True),
                "description": _text(),
                "taxonomy": _text(200),
            },
        ),
    },
)
_AGE = {"type": "integer", "minimum": 0, "maximum": 150, "x-message": "must be a whole number"}
SERVICE_SCHEMA = _item(
    ["id", "name", "status"],
    {
        "id": _UUID,
        "name": _text(300, required=True),
        "description": _text(),
        "url": _text(500),
        "email": _text(254),
        "status": {
            "enum": [s.value for s in ServiceStatus],
            "x-message": "must be active, inactive, defunct or temporarily closed",
        },
        "fees": _text(),
        "minimum_age": _AGE,
        "maximum_age": _AGE,
        "organization": ORGANISATION_SCHEMA,
        "schedules": {"type": "array", "items": SCHEDULE_SCHEMA},
        "service_areas": {"type": "array", "items": SERVICE_AREA_SCHEMA},
        "service_at_locations": {"type": "array", "items": LOCATION_SCHEMA},
        "contacts": {"type": "array", "items": CONTACT_SCHEMA},
        "cost_options": {"type": "array", "items": COST_OPTION_SCHEMA},
        "attributes": {"type": "array", "items": ATTRIBUTE_SCHEMA},
    },
)
_SERVICE_CHECK = Draft202012Validator(SERVICE_SCHEMA)
_ORGANISATION_CHECK = Draft202012Validator(ORGANISATION_SCHEMA)


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a file: which record (its id) and which field."""

    record: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"Record {self.record}" if self.record else "The file"
        return f"{where}: {self.field} {self.message}" if self.field else f"{where}: {self.message}"


class ImportRefused(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"{len(self.created)} added, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged"
        )


def too_big() -> ImportRefused:
    megabytes = max(MAX_IMPORT_BYTES // (1024 * 1024), 1)
    return ImportRefused([Problem("", "", f"is larger than {megabytes} MB: nothing was read")])


# --- Reading -------------------------------------------------------------------


def read_file(content: bytes) -> Any:
    """The JSON in an uploaded file, or ImportRefused saying why not."""
    if len(content) > MAX_IMPORT_BYTES:
        raise too_big()
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ImportRefused([Problem("", "", "is not text (it must be a JSON file)")]) from None
    except RecursionError:
        # "[[[[…" thousands deep: Python's decoder gives up partway.
        raise too_deep() from None
    except json.JSONDecodeError as error:
        raise ImportRefused(
            [
                Problem(
                    "", "", f"is not JSON: {error.msg} at line {error.lineno}, column {error.colno}"
                )
            ]
        ) from None
    if _depth(data) > MAX_DEPTH:
        raise too_deep()
    return data


# An Open Referral UK file is a few levels deep (a list of services, each with
# schedules and locations, each with a few fields). Anything much deeper is
# not one, and refused before the checks, which walk it, meet it.
MAX_DEPTH = 32


def too_deep() -> ImportRefused:
    return ImportRefused([Problem("", "", "is not JSON: it is nested too deeply")])


def _depth(data: Any) -> int:
    """How many lists and objects deep the data goes, counted without
    recursion so that no depth can overflow the stack."""
    deepest = 0
    waiting = [(data, 1)]
    while waiting:
        value, depth = waiting.pop()
        if isinstance(value, dict | list):
            deepest = max(deepest, depth)
            if depth > MAX_DEPTH:
                break
            children = value.values() if isinstance(value, dict) else value
            waiting.extend((child, depth + 1) for child in children)
    return deepest


def services_in(data: Any) -> tuple[list[Any], list[Problem]]:
    """The services a file holds, each with its organisation: a single
    service, a paged list (`contents`), an organisation with `services`, or a
    plain list of services."""
    if isinstance(data, list):
        return data, []
    if not isinstance(data, dict):
        return [], [Problem("", "", "must hold a service, a list of services or an organisation")]
    if "contents" in data:
        if not isinstance(data["contents"], list):
            return [], [Problem("", "contents", "must be a list of services")]
        return data["contents"], []
    if "services" in data and "status" not in data:
        problems = _problems(_ORGANISATION_CHECK, data, "organisation")
        if not isinstance(data["services"], list):
            problems.append(Problem(_record_id(data), "services", "must be a list of services"))
        if problems:
            return [], problems
        organisation = {k: v for k, v in data.items() if k in ORGANISATION_SCHEMA["properties"]}
        services = []
        for service in data["services"]:
            if isinstance(service, dict):
                service = {**service, "organization": organisation}
            services.append(service)
        return services, []
    return [data], []


def _record_id(record: Any, fallback: str = "") -> str:
    if isinstance(record, dict) and isinstance(record.get("id"), str) and record["id"].strip():
        return record["id"].strip()[:60]
    return fallback


def _problems(validator: Draft202012Validator, record: Any, fallback: str) -> list[Problem]:
    record_id = _record_id(record, fallback)
    found = []
    for error in sorted(validator.iter_errors(record), key=lambda e: list(e.absolute_path)):
        path = "".join(
            f"[{part}]" if isinstance(part, int) else f".{part}" for part in error.absolute_path
        ).lstrip(".")
        if error.validator == "required":
            missing = error.message.split("'")[1] if "'" in error.message else ""
            found.append(Problem(record_id, f"{path}.{missing}".lstrip("."), "is missing"))
        elif error.validator == "type" and not path:
            found.append(Problem(record_id, "", "must be an object with an id, name and status"))
        elif error.validator == "type":
            wanted = {"string": "text", "integer": "a whole number", "array": "a list"}.get(
                str(error.validator_value), str(error.validator_value)
            )
            found.append(Problem(record_id, path, f"must be {wanted}"))
        elif error.validator == "maxLength":
            found.append(
                Problem(record_id, path, f"must be {error.validator_value} characters or fewer")
            )
        elif "x-message" in error.schema:
            found.append(Problem(record_id, path, error.schema["x-message"]))
        elif error.validator == "enum":
            found.append(
                Problem(record_id, path, "must be one of " + ", ".join(error.validator_value))
            )
        else:
            found.append(Problem(record_id, path, "is not valid"))
    return found


def check(data: Any) -> tuple[list[dict], list[Problem]]:
    """Every problem in the file, or its services ready to save."""
    services, problems = services_in(data)
    if problems:
        return [], problems
    if not services:
        return [], [Problem("", "", "holds no services")]
    seen: dict[str, int] = {}
    for number, service in enumerate(services, start=1):
        found = _problems(_SERVICE_CHECK, service, f"number {number}")
        if not found:
            low, high = service.get("minimum_age"), service.get("maximum_age")
            if low is not None and high is not None and low > high:
                found.append(
                    Problem(service["id"], "maximum_age", "must not be less than minimum_age")
                )
            key = service["id"].lower()
            if key in seen:
                found.append(Problem(service["id"], "id", "is in the file more than once"))
            seen[key] = number
        problems += found
    return services, problems


# --- Keeping just what the directory holds ------------------------------------------


def _keep(record: dict, schema: dict) -> dict:
    """The fields the schema knows, nested lists and objects likewise, with
    nothing empty: what the directory stores, and what it compares."""
    kept = {}
    for name, sub in schema["properties"].items():
        value = record.get(name)
        if value is None or value == "" or value == []:
            continue
        if sub.get("type") == "array":
            value = [_keep(item, sub["items"]) for item in value]
        elif sub.get("type") == "object":
            value = _keep(value, sub)
        elif name == "id":
            value = value.lower()
        kept[name] = value
    return kept


def canonical(service: dict) -> dict:
    return _keep(service, SERVICE_SCHEMA)


def _merged(held: dict, incoming: dict) -> dict:
    """What a service becomes: each field the file has replaces ours (an
    empty list empties it); a field it leaves out is kept, so a paged list,
    which carries no schedules, does not wipe those a full record gave."""
    given = canonical(incoming)
    merged = dict(held)
    for name in SERVICE_SCHEMA["properties"]:
        if name in incoming:
            if name in given:
                merged[name] = given[name]
            else:
                merged.pop(name, None)
    return merged


# --- Saving --------------------------------------------------------------------


def import_openreferral(*, actor: Actor, content: bytes) -> ImportResult:
    """Check the whole file, then save every service in it, or nothing.
    A service is matched by its id: the same file twice changes nothing."""
    services, problems = check(read_file(content))
    if problems:
        raise ImportRefused(problems)
    result = ImportResult()
    with transaction.atomic():
        existing = {
            str(s.uuid): s
            for s in Service.objects.filter(uuid__in=[s["id"].lower() for s in services])
            .select_related("organisation")
            .prefetch_related(*EXPORT_PREFETCH)
        }
        for incoming in services:
            service = existing.get(incoming["id"].lower())
            wanted = canonical(incoming)
            if service is not None:
                held = canonical(service_to_openreferral(service))
                wanted = _merged(held, incoming)
                if wanted == held:
                    result.unchanged.append(wanted["id"])
                    continue
            _save_service(service, wanted)
            (result.updated if service else result.created).append(wanted["id"])
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            object_type="directory.service",
            detail=f"Imported an Open Referral UK file: {result}",
        )
    return result


def _organisation(data: dict | None) -> Organisation | None:
    if not data:
        return None
    values = {
        "name": data["name"].strip(),
        "description": data.get("description", ""),
        "email": data.get("email", ""),
        "website": data.get("website", ""),
    }
    organisation, created = Organisation.objects.get_or_create(uuid=data["id"], defaults=values)
    if not created and any(getattr(organisation, k) != v for k, v in values.items()):
        for name, value in values.items():
            setattr(organisation, name, value)
        organisation.save()
    return organisation


def _category(term: dict) -> Category:
    values = {
        "name": term["name"].strip(),
        "description": term.get("description", ""),
        "taxonomy": term.get("taxonomy", ""),
    }
    category, created = Category.objects.get_or_create(uuid=term["id"], defaults=values)
    if not created and any(getattr(category, k) != v for k, v in values.items()):
        for name, value in values.items():
            setattr(category, name, value)
        category.save()
    return category


def _save_service(service: Service | None, data: dict) -> Service:
    if service is None:
        service = Service(uuid=data["id"])
    service.organisation = _organisation(data.get("organization"))
    service.name = data["name"].strip()
    service.status = data["status"]
    for name in ("description", "url", "email", "fees"):
        setattr(service, name, data.get(name, ""))
    service.minimum_age = data.get("minimum_age")
    service.maximum_age = data.get("maximum_age")
    service.schedules = data.get("schedules", [])
    service.locations = data.get("service_at_locations", [])
    service.contacts = data.get("contacts", [])
    service.cost_options = data.get("cost_options", [])
    areas = data.get("service_areas", [])
    service.refresh_search([a.get("name", "") for a in areas])
    service.save()
    service.areas.all().delete()
    ServiceArea.objects.bulk_create(
        ServiceArea(service=service, uuid=a["id"], name=a.get("name", ""), uri=a.get("uri", ""))
        for a in areas
    )
    ServiceCategory.objects.filter(service=service).delete()
    links, seen = [], set()
    for attribute in data.get("attributes", []):
        category = _category(attribute["taxonomy_term"])
        if category.pk in seen:
            continue
        seen.add(category.pk)
        links.append(
            ServiceCategory(
                service=service,
                category=category,
                uuid=attribute["id"],
                link_type=attribute.get("link_type", ""),
            )
        )
    ServiceCategory.objects.bulk_create(links)
    return service


# In the order they were saved, which is the order of the file: a file read
# again compares equal.
EXPORT_PREFETCH = [
    Prefetch("areas", queryset=ServiceArea.objects.order_by("id")),
    Prefetch(
        "servicecategory_set",
        queryset=ServiceCategory.objects.select_related("category").order_by("id"),
    ),
]


# --- Writing --------------------------------------------------------------------


def service_to_openreferral(service: Service) -> dict:
    """One service as Open Referral UK has it, with its organisation,
    schedules, service areas, contacts and categories. Reads what
    `services_for_export` prefetched."""
    data: dict[str, Any] = {
        "id": str(service.uuid),
        "name": service.name,
        "description": service.description,
        "url": service.url,
        "email": service.email,
        "status": service.status,
        "fees": service.fees,
    }
    if service.organisation_id:
        organisation = service.organisation
        data["organization_id"] = str(organisation.uuid)
        data["organization"] = {
            "id": str(organisation.uuid),
            "name": organisation.name,
            # Required by the profile, even when empty.
            "description": organisation.description,
            **({"email": organisation.email} if organisation.email else {}),
            **({"website": organisation.website} if organisation.website else {}),
        }
    if service.minimum_age is not None:
        data["minimum_age"] = service.minimum_age
    if service.maximum_age is not None:
        data["maximum_age"] = service.maximum_age
    data["schedules"] = service.schedules
    data["service_areas"] = [
        {"id": str(a.uuid), "name": a.name, **({"uri": a.uri} if a.uri else {})}
        for a in service.areas.all()
    ]
    data["service_at_locations"] = service.locations
    data["contacts"] = service.contacts
    data["cost_options"] = service.cost_options
    data["attributes"] = [
        {
            "id": str(link.uuid),
            **({"link_type": link.link_type} if link.link_type else {}),
            "taxonomy_term": {
                "id": str(link.category.uuid),
                "name": link.category.name,
                "description": link.category.description,
                **({"taxonomy": link.category.taxonomy} if link.category.taxonomy else {}),
            },
        }
        for link in service.servicecategory_set.all()
    ]
    # Empty text is left out rather than sent as "" (an empty url or email
    # is not a valid one).
    return {k: v for k, v in data.items() if v != ""}


def services_for_export():
    return Service.objects.select_related("organisation").prefetch_related(*EXPORT_PREFETCH)


def export_openreferral() -> dict:
    """The whole directory as one page of an Open Referral UK service list."""
    contents = [service_to_openreferral(s) for s in services_for_export().order_by("name", "id")]
    return {
        "total_items": len(contents),
        "total_pages": 1,
        "page_number": 1,
        "size": len(contents),
        "first_page": True,
        "last_page": True,
        "empty": not contents,
        "contents": contents,
    }


def new_id() -> str:
    return str(uuid.uuid4())
