"""The directory's pages: finding groups, a group's page, adding, changing
and retiring groups, and who may do what."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conversations.models import ActionStatus, Owner
from deal.audit import Actor
from directory.factories import CategoryFactory, ServiceFactory
from directory.models import Connection, Service, ServiceStatus
from people import services as people_services
from people.models import BREAK_GLASS_HOURS, BreakGlass
from tests.factories import AgreedActionFactory, ConversationFactory, PersonFactory
from tests.pages import assert_error_summary_links_resolve, error_messages

LIST = "/directory/"


def names(response):
    return [s.name for s in response.context["page"].object_list]


# --- Who may do what ------------------------------------------------------------


def test_anonymous_user_is_sent_to_sign_in(client, walking_group):
    for url in (LIST, walking_group.get_absolute_url(), "/directory/export.json"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("who", ["alice", "bob", "carol", "dora", "dave"])
def test_everyone_reads_the_directory(client, request, walking_group, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(LIST)
    assert response.status_code == 200
    assert names(response) == ["Thursday walking group"]
    page = client.get(walking_group.get_absolute_url())
    assert page.status_code == 200
    assert b"Haigh Woodland Park" in page.content


@pytest.mark.parametrize(
    ("who", "may"),
    [("alice", False), ("carol", False), ("bob", True), ("dave", True), ("dora", True)],
)
def test_only_managers_and_admins_add_change_and_retire(client, request, walking_group, who, may):
    client.force_login(request.getfixturevalue(who))
    pk = walking_group.pk
    for url in ("/directory/new/", f"/directory/{pk}/edit/", f"/directory/{pk}/running/"):
        assert client.get(url).status_code == (200 if may else 403), url
    response = client.post(f"/directory/{pk}/running/", {"status": "inactive"})
    assert response.status_code == (302 if may else 403)
    walking_group.refresh_from_db()
    assert walking_group.status == ("inactive" if may else "active")
    # The buttons are shown only to those who may use them.
    page = client.get(walking_group.get_absolute_url())
    assert (b"Change the group" in page.content) is may


@pytest.mark.parametrize(("who", "may"), [("alice", False), ("bob", False), ("dave", True)])
def test_only_admins_import(client, request, who, may):
    client.force_login(request.getfixturevalue(who))
    assert client.get("/directory/import/").status_code == (200 if may else 403)


def test_a_missing_group_is_not_found(alice_client, db):
    assert alice_client.get("/directory/999/").status_code == 404


# --- Finding ------------------------------------------------------------------


def test_finds_by_name_what_they_offer_area_and_category(
    alice_client, walking_group, lunch_club, walking
):
    assert names(alice_client.get(LIST, {"q": "walk"})) == ["Thursday walking group"]
    assert names(alice_client.get(LIST, {"q": "HOT LUNCH"})) == ["Leigh lunch club"]
    assert names(alice_client.get(LIST, {"q": "haigh hall"})) == ["Thursday walking group"]
    assert names(alice_client.get(LIST, {"area": "leigh"})) == ["Leigh lunch club"]
    assert names(alice_client.get(LIST, {"area": "aspull"})) == ["Thursday walking group"]
    assert names(alice_client.get(LIST, {"category": walking.pk})) == ["Thursday walking group"]
    assert names(alice_client.get(LIST, {"q": "lunch", "area": "wigan"})) == []
    response = alice_client.get(LIST, {"q": "knitting"})
    assert b"No group matches" in response.content


def test_retired_groups_are_listed_only_when_asked_for(alice_client, walking_group, lunch_club):
    lunch_club.status = ServiceStatus.INACTIVE
    lunch_club.save()
    assert names(alice_client.get(LIST)) == ["Thursday walking group"]
    listed = alice_client.get(LIST, {"retired": "on"})
    assert names(listed) == ["Leigh lunch club", "Thursday walking group"]
    assert b"Retired" in listed.content


def test_nonsense_in_the_search_is_never_an_error(alice_client, walking_group):
    for query in ({"category": "nope"}, {"page": "many"}, {"page": "999"}, {"q": "x" * 500}):
        assert alice_client.get(LIST, query).status_code == 200


def test_groups_are_paged_25_at_a_time(alice_client, db):
    ServiceFactory.create_batch(30)
    first = alice_client.get(LIST)
    assert len(first.context["page"].object_list) == 25
    assert b"30 groups" in first.content
    assert len(alice_client.get(LIST, {"page": "2"}).context["page"].object_list) == 5


def _queries(client, url) -> int:
    # A worker already at work: the session's idle clock, renewed at most once
    # a minute, is not saved on the page counted.
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_list_takes_the_same_queries_for_5_and_50_groups(alice_client, walking):
    ServiceFactory.create_batch(5, categories=[walking], areas=["Wigan"])
    five = _queries(alice_client, LIST + "?q=walking&area=wigan")
    ServiceFactory.create_batch(45, categories=[walking], areas=["Wigan"])
    assert _queries(alice_client, LIST + "?q=walking&area=wigan") == five


def test_a_group_page_takes_the_same_queries_for_5_and_50_people(
    alice_client, alice, wigan, walking_group
):
    def connect(count):
        for _ in range(count):
            person = PersonFactory(team=wigan, created_by=alice)
            conversation = ConversationFactory(person=person, recorded_by=alice)
            action = AgreedActionFactory(
                conversation=conversation,
                owner_type=Owner.COMMUNITY,
                owner_name=walking_group.name,
            )
            Connection.objects.create(action=action, service=walking_group, linked_by=alice)

    connect(5)
    five = _queries(alice_client, walking_group.get_absolute_url())
    connect(45)
    assert _queries(alice_client, walking_group.get_absolute_url()) == five


# --- A group's page ---------------------------------------------------------------


def test_a_group_page_shows_when_where_contact_cost_and_ages(alice_client, walking_group):
    walking_group.locations = [
        {
            "id": "e94c9f38-1e8f-4564-91d4-d53501ab1765",
            "location": {
                "id": "3a19ff88-4620-4d17-9830-ac1d859eb5d5",
                "location_type": "physical",
                "name": "Haigh Hall café",
                "addresses": [
                    {
                        "id": "74706e55-df26-4b84-80fe-ecc30b5befb4",
                        "address_1": "Copperas Lane",
                        "city": "Wigan",
                        "state_province": "",
                        "postal_code": "WN2 1PE",
                        "country": "GB",
                        "address_type": "physical",
                    }
                ],
            },
        }
    ]
    walking_group.contacts = [
        {"id": "1e7efce3-639b-4880-940c-b95cd30cdb50", "name": "Jean", "title": "walk leader"}
    ]
    walking_group.save()
    page = alice_client.get(walking_group.get_absolute_url())
    text = page.content.decode()
    assert "Every Thursday, 10am to 11:30am" in text
    assert "Haigh Hall café, Copperas Lane, Wigan, WN2 1PE" in text
    assert "Jean (walk leader)" in text
    assert "walks@example.org" in text
    assert "Free" in text
    assert "18 and over" in text
    assert "Active" in text
    assert "Run by Haigh Hall Friends" in text


def _connect(person, service, *, by, status=ActionStatus.OPEN):
    conversation = ConversationFactory(person=person, recorded_by=by)
    action = AgreedActionFactory(
        conversation=conversation,
        owner_type=Owner.COMMUNITY,
        owner_name=service.name,
        status=status,
    )
    Connection.objects.create(action=action, service=service, linked_by=by)
    return action


def test_a_group_page_lists_only_the_people_of_my_own_team(
    client, alice, carol, bob, dave, dora, wigan, leigh, walking_group
):
    peggy = PersonFactory(given_name="Peggy", family_name="Hughes", team=wigan, created_by=alice)
    ron = PersonFactory(given_name="Ron", family_name="Leighman", team=leigh, created_by=carol)
    _connect(peggy, walking_group, by=alice)
    _connect(peggy, walking_group, by=alice)
    _connect(ron, walking_group, by=carol)
    # A draft's action is agreed by nobody yet.
    draft = PersonFactory(given_name="Drafty", family_name="Draft", team=wigan, created_by=alice)
    _connect(draft, walking_group, by=alice, status=ActionStatus.DRAFT)

    for who, sees, hidden in (
        (alice, "Peggy", "Ron"),
        (bob, "Peggy", "Ron"),
        (carol, "Ron", "Peggy"),
        (dora, "Ron", "Peggy"),
    ):
        client.force_login(who)
        page = client.get(walking_group.get_absolute_url())
        text = page.content.decode()
        assert sees in text and hidden not in text
        assert "Drafty" not in text
        assert "1 person connected by your team" in text
    client.force_login(dave)
    text = client.get(walking_group.get_absolute_url()).content.decode()
    assert "Peggy" not in text and "Ron" not in text and "connected" not in text


def test_an_action_typed_before_the_group_was_listed_can_be_linked_from_its_page(
    alice_app, alice, person, conversation
):
    action = AgreedActionFactory(
        conversation=conversation,
        owner_type=Owner.COMMUNITY,
        owner_name="the Thursday walking group at Haigh",
    )
    group = ServiceFactory(name="Thursday walking group")
    page = alice_app.get(group.get_absolute_url())
    assert "Actions that name it but are not linked yet" in page.text
    page = page.forms[f"link-{action.pk}"].submit().follow()
    assert Connection.objects.get(action=action).service == group
    assert "is linked to Thursday walking group" in page.text
    assert "1 person connected by your team" in page.text


def test_another_teams_action_cannot_be_linked(client, carol, alice, person, conversation):
    action = AgreedActionFactory(
        conversation=conversation, owner_type=Owner.COMMUNITY, owner_name="Thursday walking group"
    )
    group = ServiceFactory(name="Thursday walking group")
    client.force_login(carol)
    # Carol's page offers no such action: a hand-made post, as an attacker would send.
    assert f"link-{action.pk}" not in client.get(group.get_absolute_url()).content.decode()
    client.post(f"/directory/{group.pk}/link/", {"action": action.pk})
    assert not Connection.objects.exists()


# --- Adding, changing, retiring ------------------------------------------------------


def test_a_manager_adds_a_group_through_the_form(app_for, bob, walking):
    app = app_for(bob)
    form = app.get("/directory/").click("Add a group").forms[1]
    form["name"] = "Men’s shed"
    form["description"] = "Woodwork, repairs and a brew."
    form["organisation"] = "Hindley Shed CIC"
    form["categories"] = [walking.pk]
    form["new_categories"] = "Making things\nCompany"
    form["areas"] = "Hindley\nAbram"
    form["days"] = ["TU", "FR"]
    form["opens_at"] = "10am"
    form["closes_at"] = "2pm"
    form["when"] = "Not on bank holidays"
    form["venue"] = "The old bakery"
    form["address"] = "1 Market Street"
    form["town"] = "Hindley"
    form["postcode"] = "wn2 3ab"
    form["contact_name"] = "Ken"
    form["contact_title"] = "shed leader"
    form["email"] = "shed@example.org"
    form["url"] = "https://shed.example.org"
    form["fees"] = "£1 a session"
    form["minimum_age"] = "18"
    page = form.submit(name="save").follow()
    assert "Men’s shed is added" in page.text
    assert "Every Tuesday and Friday, 10am to 2pm. Not on bank holidays" in page.text
    assert "The old bakery, 1 Market Street, Hindley, WN2 3AB" in page.text
    shed = Service.objects.get(name="Men’s shed")
    assert sorted(c.name for c in shed.categories.all()) == ["Company", "Making things", "Walking"]
    assert [a.name for a in shed.areas.all()] == ["Hindley", "Abram"]
    assert shed.organisation.name == "Hindley Shed CIC"
    # Found by what it offers and where.
    assert names(app.get(LIST, {"q": "woodwork", "area": "abram"})) == ["Men’s shed"]


@pytest.mark.parametrize("page_of", ["new", "edit"])
def test_the_website_and_age_boxes_are_govuk_inputs(app_for, bob, walking_group, page_of):
    # crispy-forms-gds leaves a web address or number box with a bare class
    # ("urlinput"): unstyled unless settings name it.
    url = "/directory/new/" if page_of == "new" else f"{walking_group.get_absolute_url()}edit/"
    page = app_for(bob).get(url)
    for name, kind in [("url", "url"), ("minimum_age", "number"), ("maximum_age", "number")]:
        box = page.html.find("input", attrs={"name": name})
        assert box["type"] == kind
        assert "govuk-input" in box["class"]
        assert "urlinput" not in box["class"] and "numberinput" not in box["class"]


def test_a_wrong_website_or_age_box_has_the_error_border(app_for, bob):
    form = app_for(bob).get("/directory/new/").forms[1]
    form["name"] = "Men’s shed"
    form["url"] = "not a web address"
    form["minimum_age"] = "lots"
    page = form.submit(name="save")
    assert "Enter the website in the correct format, like https://example.org" in error_messages(
        page
    )
    for name in ("url", "minimum_age"):
        box = page.html.find("input", attrs={"name": name})
        assert box["class"].count("govuk-input--error") == 1, name
        assert "govuk-input" in box["class"]
    assert (
        "govuk-input--error" not in page.html.find("input", attrs={"name": "maximum_age"})["class"]
    )
    assert page.html.find("input", attrs={"name": "url"})["value"] == "not a web address"


def test_changing_a_group_keeps_what_the_form_does_not_show(app_for, bob, walking_group):
    walking_group.schedules.append(
        {"id": "5e3b0b7e-1c8a-4c56-9d7e-3a9f1b2c4d5e", "byday": "SA", "opens_at": "09:00"}
    )
    walking_group.save()
    app = app_for(bob)
    form = app.get(walking_group.get_absolute_url()).click("Change the group").forms[1]
    assert form["opens_at"].value == "10:00"
    form["closes_at"] = "12:00"
    form.submit(name="save").follow()
    walking_group.refresh_from_db()
    assert [s.get("closes_at") for s in walking_group.schedules] == ["12:00", None]
    assert walking_group.schedules[0]["id"] == "48102e86-bb50-41c4-8f1e-e269368c41d1"
    assert [a.name for a in walking_group.areas.all()] == ["Wigan", "Aspull"]


def test_the_form_says_what_is_wrong_and_keeps_what_was_typed(app_for, bob):
    form = app_for(bob).get("/directory/new/").forms[1]
    form["description"] = "Typed and kept"
    form["opens_at"] = "25 o'clock"
    form["minimum_age"] = "60"
    form["maximum_age"] = "18"
    form["email"] = "not an email"
    page = form.submit(name="save")
    assert page.status_code == 200
    assert_error_summary_links_resolve(page)
    messages = error_messages(page)
    assert "Enter name" in messages
    assert "Enter a real time, like 10:00 or 2pm" in messages
    assert "The oldest age must be the same as or more than the youngest" in messages
    assert "Typed and kept" in page.text
    assert not Service.objects.exists()


def test_two_managers_changing_a_group_at_once_the_later_is_refused(
    app_for, bob, dora, walking_group
):
    first = app_for(bob).get(f"/directory/{walking_group.pk}/edit/").forms[1]
    second = app_for(dora).get(f"/directory/{walking_group.pk}/edit/").forms[1]
    first["fees"] = "£1"
    first.submit(name="save").follow()
    second["fees"] = "£2"
    page = second.submit(name="save")
    assert "Someone changed this group after you opened it" in page.text
    walking_group.refresh_from_db()
    assert walking_group.fees == "£1"


def test_a_retired_group_is_not_offered_but_stays_on_records(
    app_for, bob, alice, person, walking_group
):
    action = _connect(person, walking_group, by=alice)
    form = app_for(bob).get(walking_group.get_absolute_url()).click("Retire the group").forms[1]
    form["status"] = ServiceStatus.INACTIVE
    page = form.submit(name="save").follow()
    assert "is now retired" in page.text
    assert "Bring it back" in page.text
    assert not Service.objects.offered().exists()
    assert Connection.objects.get(action=action).service == walking_group


def test_a_category_with_a_long_name_is_offered(alice_client, db):
    CategoryFactory(name="Befriending")
    assert b"Befriending" in alice_client.get(LIST).content


def test_back_then_adding_the_group_again_does_not_add_it_twice(app_for, bob):
    form = app_for(bob).get("/directory/new/").forms[1]
    form["name"] = "St Mary’s choir"
    form.submit(name="save").follow()
    # The same page, sent again: as after Back, or a double click.
    page = form.submit(name="save").follow()
    assert "St Mary’s choir is already added" in page.text
    assert Service.objects.count() == 1


# --- Restricted records -------------------------------------------------------------


def _connected(page) -> str:
    return page.html.select_one("section[aria-labelledby=connected-heading]").get_text(
        " ", strip=True
    )


def test_a_group_page_leaves_out_a_restricted_record_closed_to_me(
    app_for, alice, bob, erin, wigan, walking_group, restricted
):
    action = _connect(restricted, walking_group, by=alice)
    action.what = "Go on the Thursday walk with her sister"
    action.save()
    ron = PersonFactory(given_name="Ron", family_name="Open", team=wigan, created_by=alice)
    _connect(ron, walking_group, by=alice)

    # Alice is named on the restriction: she sees Peggy and what was agreed.
    text = _connected(app_for(alice).get(walking_group.get_absolute_url()))
    assert "Hughes" in text and action.what in text
    assert "2 people connected by your team" in text

    # Erin is not named and has no opening: neither Peggy nor her action,
    # and the count leaves her out too.
    text = _connected(app_for(erin).get(walking_group.get_absolute_url()))
    assert "Ron" in text
    assert "Hughes" not in text and "Peggy" not in text and action.what not in text
    assert "1 person connected by your team" in text

    # An opening that has run out opens nothing.
    now = timezone.now()
    BreakGlass.objects.create(
        person=restricted,
        team=wigan,
        user=erin,
        reason="They rang the duty line about the walk",
        at=now - dt.timedelta(hours=BREAK_GLASS_HOURS, minutes=1),
        until=now - dt.timedelta(minutes=1),
    )
    text = _connected(app_for(erin).get(walking_group.get_absolute_url()))
    assert "Hughes" not in text and action.what not in text
    assert "1 person connected by your team" in text

    # A running opening shows her, as it opens the rest of her record.
    BreakGlass.objects.create(
        person=restricted,
        team=wigan,
        user=erin,
        reason="They rang the duty line about the walk",
        until=now + dt.timedelta(minutes=5),
    )
    text = _connected(app_for(erin).get(walking_group.get_absolute_url()))
    assert "Hughes" in text and action.what in text
    assert "2 people connected by your team" in text


def test_the_directory_export_and_list_name_no_restricted_person(
    app_for, alice, erin, walking_group, restricted
):
    action = _connect(restricted, walking_group, by=alice)
    app = app_for(erin)
    for url in (LIST, LIST + "?q=walking", "/directory/export.json"):
        text = app.get(url).text
        assert "Hughes" not in text and "Peggy" not in text and action.what not in text, url
    # The Open Referral export is the directory alone: it names nobody, even
    # for someone who may open the record.
    export = app_for(alice).get("/directory/export.json").text
    assert "Thursday walking group" in export
    assert "Hughes" not in export and action.what not in export


def test_a_group_page_with_restricted_records_takes_the_same_queries_for_5_and_50(
    client, alice, bob, erin, wigan, walking_group
):
    def connect(count):
        for _ in range(count):
            person = PersonFactory(team=wigan, created_by=alice)
            people_services.person_restrict(
                actor=Actor(user=bob), person=person, named=[alice], reason="A member of staff"
            )
            _connect(person, walking_group, by=alice)
            _connect(PersonFactory(team=wigan, created_by=alice), walking_group, by=alice)

    client.force_login(erin)
    connect(5)
    five = _queries(client, walking_group.get_absolute_url())
    connect(45)
    assert _queries(client, walking_group.get_absolute_url()) == five
