"""Demo groups for `manage.py seed_demo`: a dozen around Wigan and Leigh,
loaded through the Open Referral UK import (so running it again changes
nothing), and the demo's actions done by those groups linked to them."""

from __future__ import annotations

import json
import uuid

from conversations.models import AgreedAction
from deal.audit import Actor
from directory import openreferral
from directory.models import Connection, Service
from directory.receivers import GROUP_OWNERS

# Stable ids, so the demo's groups are the same records every time.
_NAMESPACE = uuid.UUID("5b0f3c52-6a57-4d2e-9f4b-8c1d2e3f4a5b")

# name, what they offer, category, area, venue, address, postcode, days,
# opens, closes, cost, organisation, minimum age
GROUPS = [
    (
        "Thursday Knit and Natter",
        "Knitting, crochet and a natter over tea. Wool and needles to borrow; beginners welcome.",
        "Crafts",
        "Wigan",
        "Wigan Library",
        "The Wiend",
        "WN1 1NH",
        "TH",
        "13:30",
        "15:30",
        "Free",
        "Wigan Libraries",
        None,
    ),
    (
        "Leigh Spinners Mill walking group",
        "A gentle hour's walk along the canal from the mill, "
        "at the pace of the slowest, then a brew.",
        "Walking",
        "Leigh",
        "Leigh Spinners Mill",
        "Park Lane",
        "WN7 2LB",
        "TU",
        "10:00",
        "11:00",
        "Free",
        "Leigh Spinners Mill Trust",
        16,
    ),
    (
        "Hindley men's shed",
        "Woodwork, repairs and a brew. Come and make something, or just come for the company.",
        "Making things",
        "Hindley",
        "The old bakery",
        "Market Street",
        "WN2 3AN",
        "MO,WE,FR",
        "10:00",
        "14:00",
        "£1 a session",
        None,
        18,
    ),
    (
        "Citizens Advice Wigan",
        "Free, confidential advice on money, debt, benefits, housing and work.",
        "Advice",
        "Wigan Borough",
        "Citizens Advice",
        "Bishopsgate",
        "WN1 1BN",
        "MO,TU,WE,TH,FR",
        "09:30",
        "16:00",
        "Free",
        "Citizens Advice Wigan Borough",
        None,
    ),
    (
        "Wigan and Leigh Housing",
        "Help with council tenancies, repairs and finding a home.",
        "Housing",
        "Wigan Borough",
        "Civic Centre",
        "Millgate",
        "WN1 1AZ",
        "MO,TU,WE,TH,FR",
        "09:00",
        "17:00",
        "Free",
        "Wigan Council",
        None,
    ),
    (
        "Age UK Wigan Borough",
        "Befriending, day care, information and advice for older people and their carers.",
        "Befriending",
        "Wigan Borough",
        "Pennyhurst Centre",
        "Pennyhurst Street",
        "WN2 2SQ",
        "MO,TU,WE,TH,FR",
        "09:00",
        "16:30",
        "Free; day care is charged",
        "Age UK Wigan Borough",
        50,
    ),
    (
        "Atherton lunch club",
        "A hot two-course lunch and good company every Wednesday.",
        "Food",
        "Atherton",
        "St Richard's parish hall",
        "Mayfield Street",
        "M46 0AQ",
        "WE",
        "12:00",
        "14:00",
        "£4.50 including a pudding",
        "St Richard's Church",
        60,
    ),
    (
        "Pemberton community garden",
        "Grow vegetables, flowers and friendships. Tools, gloves and cake provided.",
        "Gardening",
        "Pemberton",
        "Pemberton Park allotments",
        "Ormskirk Road",
        "WN5 8AB",
        "SA",
        "10:00",
        "13:00",
        "Free",
        None,
        None,
    ),
    (
        "Ince singing for the brain",
        "Singing familiar songs together: for people living with "
        "dementia and those who care for them.",
        "Music",
        "Ince",
        "Ince Community Centre",
        "Manchester Road",
        "WN2 2DT",
        "2TH",
        "14:00",
        "15:30",
        "Free",
        "Alzheimer's Society",
        None,
    ),
    (
        "Tyldesley chair-based exercise",
        "Gentle exercise to music, sitting down, to keep you moving and steady on your feet.",
        "Exercise",
        "Tyldesley",
        "Tyldesley Library",
        "Stanley Street",
        "M29 8AH",
        "FR",
        "11:00",
        "12:00",
        "£2",
        "Be Well Wigan",
        50,
    ),
    (
        "Standish walking football",
        "Football at walking pace for over-50s, whatever your fitness.",
        "Exercise",
        "Standish",
        "Standish Community High School",
        "Kenyon Road",
        "WN6 0NX",
        "TU",
        "18:00",
        "19:00",
        "£3",
        "Wigan Athletic Community Trust",
        50,
    ),
    (
        "Golborne coffee and chat",
        "A warm space with hot drinks, newspapers and a friendly face, "
        "for anyone who would like some company.",
        "Befriending",
        "Golborne",
        "Golborne Library",
        "Tanners Lane",
        "WA3 3AP",
        "MO",
        "10:00",
        "12:00",
        "Free",
        None,
        None,
    ),
]


def _id(*parts: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, "/".join(parts)))


def _service(row) -> dict:
    (name, about, category, area, venue, street, postcode, days, opens, closes, cost,
     organisation, youngest) = row  # fmt: skip
    service = {
        "id": _id(name),
        "name": name,
        "description": about,
        "status": "active",
        "fees": cost,
        "schedules": [
            {
                "id": _id(name, "schedule"),
                "freq": "MONTHLY" if days[0].isdigit() else "WEEKLY",
                "interval": 1,
                "byday": days,
                "opens_at": opens,
                "closes_at": closes,
            }
        ],
        "service_areas": [{"id": _id(name, "area"), "name": area}],
        "service_at_locations": [
            {
                "id": _id(name, "place"),
                "location": {
                    "id": _id(name, "location"),
                    "location_type": "physical",
                    "name": venue,
                    "addresses": [
                        {
                            "id": _id(name, "address"),
                            "address_1": street,
                            "city": area if area != "Wigan Borough" else "Wigan",
                            "state_province": "Greater Manchester",
                            "postal_code": postcode,
                            "country": "GB",
                            "address_type": "physical",
                        }
                    ],
                },
            }
        ],
        "contacts": [{"id": _id(name, "contact"), "name": "The organiser"}],
        "attributes": [
            {
                "id": _id(name, "category"),
                "taxonomy_term": {"id": _id("category", category), "name": category},
            }
        ],
    }
    if organisation:
        service["organization"] = {"id": _id("organisation", organisation), "name": organisation}
    if youngest is not None:
        service["minimum_age"] = youngest
    return service


def add_demo_data(demo=None) -> None:
    content = json.dumps({"contents": [_service(row) for row in GROUPS]}).encode()
    openreferral.import_openreferral(actor=Actor(user=None, path="seed_demo"), content=content)
    # The demo's actions done by one of these groups, linked to it.
    by_name = {s.name: s for s in Service.objects.filter(name__in=[g[0] for g in GROUPS])}
    actions = AgreedAction.objects.filter(
        owner_type__in=GROUP_OWNERS, owner_name__in=list(by_name), directory_connection__isnull=True
    )
    Connection.objects.bulk_create(
        Connection(action=action, service=by_name[action.owner_name], linked_by=action.created_by)
        for action in actions
    )
