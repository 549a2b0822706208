"""Adding a person: /people/new/"""

import pytest

from deal.factories import join_team
from deal.models import AuditEvent
from people.models import Person
from tests.factories import PersonFactory, UserFactory

ADD = "/people/new/"


def valid_person(**overrides):
    data = {
        "given_name": "Margaret",
        "family_name": "Hughes",
        "preferred_name": "Peggy",
        "date_of_birth_0": "27",
        "date_of_birth_1": "3",
        "date_of_birth_2": "1951",
        "nhs_number": "943 476 5919",
        "postcode": "wn1 1aa",
        "lawful_basis": "public_task",
        "consent_to_share": "yes",
        "language": "English",
    }
    data.update(overrides)
    return data


@pytest.fixture
def add_data(wigan):
    return valid_person(team=str(wigan.pk))


def test_worker_adds_a_person_and_lands_on_their_profile(alice_client, alice, wigan, add_data):
    response = alice_client.post(ADD, add_data, follow=True)
    person = Person.objects.get()
    assert response.redirect_chain[-1][0] == f"/people/{person.pk}/"
    assert b"Margaret Hughes has been added" in response.content
    assert person.team == wigan
    assert person.created_by == alice
    assert person.nhs_number == "9434765919"
    assert person.postcode == "WN1 1AA"
    assert person.date_of_birth.isoformat() == "1951-03-27"
    assert AuditEvent.objects.filter(action="create", object_id=str(person.pk)).exists()


def test_add_form_shows_the_users_teams_only(alice_client, wigan, leigh):
    response = alice_client.get(ADD)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Wigan Central" in html
    assert "Leigh" not in html


def test_cannot_add_a_person_to_another_team(alice_client, leigh, add_data):
    add_data["team"] = str(leigh.pk)
    response = alice_client.post(ADD, add_data)
    assert response.status_code == 200
    assert (
        b"Select a valid team" in response.content
        or b"Select team from the list" in response.content
    )
    assert not Person.objects.exists()


def test_named_worker_must_be_in_the_persons_team(alice_client, carol, add_data):
    add_data["named_worker"] = str(carol.pk)
    response = alice_client.post(ADD, add_data)
    assert response.status_code == 200
    assert not Person.objects.exists()


def test_someone_waiting_to_join_the_team_is_not_offered_as_named_worker(
    django_app, alice, bob, wigan
):
    """Until a manager confirms them, a joiner sees none of the team's people,
    so they cannot be anyone's named worker either."""
    nia = UserFactory(full_name="Nia Waiting")
    join_team(nia, wigan, confirmed=False)
    page = django_app.get(ADD, user=alice)
    form = next(f for f in page.forms.values() if "named_worker" in f.fields)
    offered = [text for _value, _selected, text in form["named_worker"].options]
    assert "Bob Manager" in offered
    assert "Nia Waiting" not in offered


def test_warns_of_same_nhs_number_with_a_link(alice_client, alice, wigan, add_data):
    existing = PersonFactory(nhs_number="9434765919", team=wigan, created_by=alice)
    response = alice_client.post(ADD, add_data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "This person may already be recorded" in html
    assert f'href="/people/{existing.pk}/"' in html
    assert Person.objects.count() == 1
    # Confirming it is someone else adds them.
    add_data["not_a_duplicate"] = "on"
    response = alice_client.post(ADD, add_data)
    assert response.status_code == 302
    assert Person.objects.count() == 2


def test_warns_of_same_name_and_date_of_birth_whatever_the_accents(
    alice_client, alice, wigan, add_data
):
    import datetime as dt

    PersonFactory(
        given_name="MARGARÉT",
        family_name="hughes",
        date_of_birth=dt.date(1951, 3, 27),
        nhs_number="",
        team=wigan,
        created_by=alice,
    )
    add_data["nhs_number"] = ""
    response = alice_client.post(ADD, add_data)
    assert b"This person may already be recorded" in response.content
    assert Person.objects.count() == 1


def test_another_teams_person_is_not_offered_as_a_duplicate(alice_client, carol, leigh, add_data):
    PersonFactory(nhs_number="9434765919", team=leigh, created_by=carol)
    response = alice_client.post(ADD, add_data)
    assert response.status_code == 302


def test_worker_in_no_team_is_told_why_they_cannot_add(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    response = client.get(ADD, follow=True)
    assert b"You are not in a team yet" in response.content


def test_double_submit_of_the_same_person_is_caught_as_a_duplicate(alice_client, add_data):
    assert alice_client.post(ADD, add_data).status_code == 302
    second = alice_client.post(ADD, add_data)
    assert second.status_code == 200
    assert b"This person may already be recorded" in second.content
    assert Person.objects.count() == 1


def test_query_count_is_bounded(
    alice_client, alice, wigan, add_data, django_assert_max_num_queries
):
    PersonFactory.create_batch(20, team=wigan, created_by=alice)
    with django_assert_max_num_queries(10):
        assert alice_client.get(ADD).status_code == 200
    with django_assert_max_num_queries(20):
        assert alice_client.post(ADD, add_data).status_code == 302
