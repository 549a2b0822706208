"""Open Referral UK import and export: the upload page, the commands, every
kind of problem, idempotent re-import and the round trip with the profile's
own examples and schemas (in ../shared, present in CI)."""

import copy
import io
import json
import uuid
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from jsonschema import Draft202012Validator, FormatChecker

from deal.models import AuditEvent
from directory import openreferral
from directory.models import Category, Organisation, Service, ServiceArea
from tests.pages import assert_error_summary_links_resolve, error_messages

OPENREFERRAL = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "openreferral-uk"
needs_shared = pytest.mark.skipif(
    not OPENREFERRAL.is_dir(),
    reason=f"the Open Referral UK schemas and examples are not at {OPENREFERRAL} "
    "(they are beside the repository in CI)",
)

SERVICE_ID = "ac148810-d857-441c-9679-408f346de14b"


def shared_json(name):
    return json.loads((OPENREFERRAL / name).read_text())


def validator(name):
    return Draft202012Validator(shared_json(f"schema/{name}"), format_checker=FormatChecker())


def a_service(**fields):
    service = {
        "id": str(uuid.uuid4()),
        "name": "Lunch club",
        "status": "active",
        "description": "A hot lunch and company",
        "schedules": [
            {
                "id": str(uuid.uuid4()),
                "freq": "WEEKLY",
                "byday": "WE",
                "opens_at": "12:00",
                "closes_at": "14:00",
            }
        ],
        "service_areas": [{"id": str(uuid.uuid4()), "name": "Leigh"}],
        "contacts": [{"id": str(uuid.uuid4()), "name": "Mary", "title": "cook"}],
    }
    service.update(fields)
    return service


def run_import(data) -> openreferral.ImportResult:
    content = data if isinstance(data, bytes) else json.dumps(data).encode()
    return openreferral.import_openreferral(actor=openreferral_actor(), content=content)


def openreferral_actor():
    from deal.audit import Actor

    return Actor(user=None, path="test")


def snapshot():
    """Everything the directory holds, to compare before and after."""
    return json.dumps(openreferral.export_openreferral(), sort_keys=True), sorted(
        Service.objects.values_list("uuid", "updated_at")
    )


# --- The round trip with the profile's examples --------------------------------


@needs_shared
@pytest.mark.django_db
def test_round_trip_with_the_profiles_examples(tmp_path):
    full = OPENREFERRAL / "examples" / "service_full.json"
    listed = OPENREFERRAL / "examples" / "service_list.json"
    call_command("import_openreferral", str(full), stdout=io.StringIO())
    call_command("import_openreferral", str(listed), stdout=io.StringIO())
    service = Service.objects.get()
    assert str(service.uuid) == SERVICE_ID
    assert service.name == "Community Counselling"
    assert service.schedules[0]["byday"] == "TH,FR"
    assert service.organisation.name == "Example Organization Inc."
    assert [c.name for c in service.categories.all()] == ["name"]

    exported = tmp_path / "export.json"
    call_command("export_openreferral", str(exported), stdout=io.StringIO())
    data = json.loads(exported.read_text())
    assert data["total_items"] == 1 and data["first_page"] and data["last_page"]
    for item in data["contents"]:
        assert not list(validator("service_list.json").iter_errors(item))
        assert not list(validator("service.json").iter_errors(item))
        uuid.UUID(item["id"])
    item = data["contents"][0]
    assert {"organization", "schedules", "service_areas", "contacts"} <= item.keys()
    assert item["schedules"][0]["opens_at"] == "10:00:00"
    assert item["contacts"][0]["name"] == "Ann Persona"

    before = snapshot()
    out = io.StringIO()
    call_command("import_openreferral", str(exported), stdout=out)
    assert "0 added, 0 updated, 1 unchanged" in out.getvalue()
    assert snapshot() == before


@needs_shared
def test_the_export_of_groups_made_through_the_form_validates(alice_client, walking_group):
    walking_group.contacts = [{"id": str(uuid.uuid4()), "name": "Jean"}]
    walking_group.save()
    response = alice_client.get("/directory/export.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    assert [item["name"] for item in data["contents"]] == ["Thursday walking group"]
    for item in data["contents"]:
        assert not list(validator("service_list.json").iter_errors(item))
        assert not list(validator("service.json").iter_errors(item))


@needs_shared
@pytest.mark.django_db
def test_our_checks_accept_what_the_profile_schema_accepts():
    services, problems = openreferral.check(shared_json("examples/service_full.json"))
    assert not problems
    services, problems = openreferral.check(shared_json("examples/service_list.json"))
    assert not problems


# --- Matching by id --------------------------------------------------------------


@pytest.mark.django_db
def test_importing_the_same_file_twice_changes_nothing():
    data = {"contents": [a_service(), a_service(name="Walking group")]}
    assert len(run_import(data).created) == 2
    before = snapshot()
    result = run_import(data)
    assert (len(result.created), len(result.updated), len(result.unchanged)) == (0, 0, 2)
    assert snapshot() == before
    assert Service.objects.count() == 2


@pytest.mark.django_db
def test_a_changed_record_is_updated():
    service = a_service()
    run_import(service)
    changed = copy.deepcopy(service)
    changed["name"] = "Leigh lunch club"
    changed["schedules"][0]["byday"] = "TH"
    changed["service_areas"] = []
    result = run_import(changed)
    assert result.updated == [service["id"]]
    saved = Service.objects.get()
    assert saved.name == "Leigh lunch club"
    assert saved.schedules[0]["byday"] == "TH"
    assert not ServiceArea.objects.exists()


@pytest.mark.django_db
def test_a_summary_without_schedules_keeps_those_a_full_record_gave():
    service = a_service()
    run_import(service)
    summary = {k: v for k, v in service.items() if k not in ("schedules", "contacts")}
    assert run_import({"contents": [summary]}).unchanged == [service["id"]]
    assert Service.objects.get().schedules[0]["byday"] == "WE"


@pytest.mark.django_db
def test_an_organisation_with_its_services():
    organisation = {
        "id": str(uuid.uuid4()),
        "name": "Wigan Age Concern",
        "description": "Older people's charity",
        "services": [a_service(), a_service(name="Tea dance")],
    }
    result = run_import(organisation)
    assert len(result.created) == 2
    assert Organisation.objects.get().name == "Wigan Age Concern"
    assert {s.organisation.name for s in Service.objects.all()} == {"Wigan Age Concern"}


# --- Every problem, and nothing saved ------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"name": None}, "name is missing"),
        ({"name": "   "}, "name must not be blank"),
        ({"status": "open"}, "status must be active, inactive, defunct or temporarily closed"),
        ({"status": None}, "status is missing"),
        ({"id": "walking-1"}, "id must be a UUID"),
        ({"minimum_age": "twelve"}, "minimum_age must be a whole number"),
        ({"minimum_age": 60, "maximum_age": 18}, "maximum_age must not be less than minimum_age"),
        (
            {"schedules": [{"id": "48102e86-bb50-41c4-8f1e-e269368c41d1", "opens_at": "25:00"}]},
            "schedules[0].opens_at must be a time",
        ),
        (
            {"schedules": [{"id": "48102e86-bb50-41c4-8f1e-e269368c41d1", "byday": "Thursdays"}]},
            "schedules[0].byday must be days like MO",
        ),
        (
            {"schedules": [{"id": "48102e86-bb50-41c4-8f1e-e269368c41d1", "freq": "DAILY"}]},
            "schedules[0].freq must be WEEKLY or MONTHLY",
        ),
        ({"schedules": [{"opens_at": "10:00"}]}, "schedules[0].id is missing"),
        ({"schedules": "Thursdays"}, "schedules must be a list"),
        ({"service_areas": [{"id": "x"}]}, "service_areas[0].id must be a UUID"),
        (
            {
                "attributes": [
                    {
                        "id": "ae58cc39-8b70-4ab1-8aea-786882e5ac8e",
                        "taxonomy_term": {"id": "3f7b145d-84af-42d7-8fae-eaca714b02b2"},
                    }
                ]
            },
            "attributes[0].taxonomy_term.name is missing",
        ),
        ({"name": "x" * 301}, "name must be 300 characters or fewer"),
    ],
)
def test_each_problem_names_the_record_and_field_and_nothing_is_saved(change, expected):
    good = a_service(name="Fine and dandy")
    bad = a_service()
    for name, value in change.items():
        if value is None:
            bad.pop(name)
        else:
            bad[name] = value
    with pytest.raises(openreferral.ImportRefused) as refused:
        run_import({"contents": [good, bad]})
    messages = [str(p) for p in refused.value.problems]
    record = bad["id"]
    assert any(m.startswith(f"Record {record}: {expected}") for m in messages), messages
    assert not Service.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"not json at all", "The file: is not JSON: Expecting value at line 1, column 1"),
        (b"\xff\xfe\x00bad", "The file: is not text (it must be a JSON file)"),
        (b'"a string"', "The file: must hold a service, a list of services or an organisation"),
        (b'{"contents": {}}', "The file: contents must be a list of services"),
        (b'{"contents": []}', "The file: holds no services"),
        (b"[42]", "Record number 1: must be an object with an id, name and status"),
        (
            b'{"id": "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610", "services": []}',
            "Record d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610: name is missing",
        ),
    ],
)
def test_a_file_that_is_not_open_referral_is_refused_clearly(content, expected):
    with pytest.raises(openreferral.ImportRefused) as refused:
        run_import(content)
    assert expected in [str(p) for p in refused.value.problems]


@pytest.mark.django_db
def test_the_same_id_twice_in_a_file_is_refused():
    service = a_service()
    with pytest.raises(openreferral.ImportRefused) as refused:
        run_import([service, dict(service, name="Other")])
    assert f"Record {service['id']}: id is in the file more than once" in [
        str(p) for p in refused.value.problems
    ]


@pytest.mark.django_db
def test_a_file_over_the_size_limit_is_refused(settings, monkeypatch):
    monkeypatch.setattr(openreferral, "MAX_IMPORT_BYTES", 100)
    with pytest.raises(openreferral.ImportRefused) as refused:
        run_import(a_service())
    assert "is larger than" in str(refused.value)


# --- The command ----------------------------------------------------------------


@pytest.mark.django_db
def test_the_command_reports_problems_on_stderr_and_fails(tmp_path):
    bad = a_service(status="open")
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported: 1 problem"):
        call_command("import_openreferral", str(path), stderr=err, stdout=io.StringIO())
    assert f"Record {bad['id']}: status must be" in err.getvalue()
    with pytest.raises(CommandError, match="There is no file called"):
        call_command("import_openreferral", str(tmp_path / "missing.json"))
    assert not Service.objects.exists()


@pytest.mark.django_db
def test_the_command_imports_and_says_what_it_did(tmp_path):
    path = tmp_path / "good.json"
    path.write_text(json.dumps({"contents": [a_service()]}))
    out = io.StringIO()
    call_command("import_openreferral", str(path), stdout=out)
    assert "1 added, 0 updated, 0 unchanged" in out.getvalue()
    assert AuditEvent.objects.filter(detail__contains="Open Referral UK").exists()


# --- The upload page ----------------------------------------------------------------


def upload(app, content: bytes, name="directory.json"):
    form = app.get("/directory/import/").forms[1]
    form["file"] = (name, content)
    return form.submit(name="import")


def test_an_admin_uploads_a_file(app_for, dave):
    page = upload(app_for(dave), json.dumps({"contents": [a_service()]}).encode()).follow()
    assert "The file is imported: 1 added, 0 updated, 0 unchanged" in page.text
    assert "Lunch club" in page.text


def test_an_upload_with_problems_lists_each_and_saves_nothing(app_for, dave):
    bad = a_service(status="open")
    del bad["name"]
    page = upload(app_for(dave), json.dumps([a_service(), bad]).encode())
    assert page.status_code == 200
    assert_error_summary_links_resolve(page)
    assert error_messages(page) == [
        f"Record {bad['id']}: name is missing",
        f"Record {bad['id']}: status must be active, inactive, defunct or temporarily closed",
    ]
    assert not Service.objects.exists()


def test_an_upload_that_is_not_json_says_so(app_for, dave):
    page = upload(app_for(dave), b"name,status\nLunch club,active\n", name="directory.csv")
    assert error_messages(page) == ["The file: is not JSON: Expecting value at line 1, column 1"]


DEEP = {
    "lists": b"[" * 50_000 + b"]" * 50_000,
    "objects": b'{"a":' * 3000 + b"1" + b"}" * 3000,
    "just parseable": b'{"contents": [' + b"[" * 500 + b"]" * 500 + b"]}",
}


@pytest.mark.parametrize("shape", DEEP)
def test_an_upload_nested_too_deeply_says_it_is_not_json(app_for, dave, shape):
    page = upload(app_for(dave), DEEP[shape])
    assert page.status_code == 200
    assert error_messages(page) == ["The file: is not JSON: it is nested too deeply"]
    assert not Service.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("shape", DEEP)
def test_the_command_refuses_a_file_nested_too_deeply(tmp_path, shape):
    path = tmp_path / "deep.json"
    path.write_bytes(DEEP[shape])
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported: 1 problem"):
        call_command("import_openreferral", str(path), stderr=err, stdout=io.StringIO())
    assert "The file: is not JSON: it is nested too deeply" in err.getvalue()


def test_an_upload_with_no_file_asks_for_one(app_for, dave):
    page = app_for(dave).get("/directory/import/").forms[1].submit(name="import")
    assert error_messages(page) == ["Select a file to import"]


def test_an_upload_over_the_size_limit_is_refused_unread(app_for, dave, monkeypatch):
    monkeypatch.setattr(openreferral, "MAX_IMPORT_BYTES", 10)
    page = upload(app_for(dave), json.dumps(a_service()).encode())
    assert error_messages(page) == ["The file: is larger than 1 MB: nothing was read"]


def test_categories_from_a_file_are_offered_in_the_search(alice_client):
    run_import(
        a_service(
            attributes=[
                {
                    "id": str(uuid.uuid4()),
                    "taxonomy_term": {"id": str(uuid.uuid4()), "name": "Food", "description": ""},
                }
            ]
        )
    )
    food = Category.objects.get(name="Food")
    response = alice_client.get("/directory/", {"category": food.pk})
    assert [s.name for s in response.context["page"].object_list] == ["Lunch club"]
