"""Finding a person: /people/?q="""

import datetime as dt

import pytest

from deal.models import AuditEvent
from tests.factories import PersonFactory

FIND = "/people/"


@pytest.fixture
def zoe(alice, wigan):
    return PersonFactory(
        given_name="Zoë",
        family_name="Brontë",
        date_of_birth=dt.date(1950, 3, 12),
        postcode="WN1 1AA",
        nhs_number="9434765919",
        team=wigan,
        created_by=alice,
    )


def names(response):
    return [p.full_name for p in response.context["page"].object_list]


def test_anonymous_user_is_sent_to_sign_in(client, db):
    response = client.get(FIND)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("typed", ["zoe", "ZOË", "bron", "zoe bronte", "Brontë Zo"])
def test_finds_by_partial_name_whatever_the_case_and_accents(alice_client, zoe, typed):
    response = alice_client.get(FIND, {"q": typed})
    assert response.status_code == 200
    assert names(response) == ["Zoë Brontë"]


def test_finds_by_date_of_birth_postcode_and_nhs_number(alice_client, zoe, alice, wigan):
    PersonFactory(
        given_name="Other",
        family_name="Person",
        date_of_birth=dt.date(1960, 1, 1),
        postcode="WN7 2AB",
        nhs_number="9876543210",
        team=wigan,
        created_by=alice,
    )
    for typed in ["12/03/1950", "12/3/1950", "wn11aa", "WN1", "943 476 5919", "zoe 12/03/1950"]:
        assert names(alice_client.get(FIND, {"q": typed})) == ["Zoë Brontë"], typed


def test_a_name_matches_only_at_the_start_of_a_word(alice_client, zoe):
    assert names(alice_client.get(FIND, {"q": "ronte"})) == []


def test_does_not_find_another_teams_people(carol_client, zoe):
    response = carol_client.get(FIND, {"q": "zoe"})
    assert response.status_code == 200
    assert names(response) == []
    assert b"Zo\xc3\xab" not in response.content


def test_results_are_paged_25_at_a_time(alice_client, alice, wigan):
    PersonFactory.create_batch(30, family_name="Smith", team=wigan, created_by=alice)
    first = alice_client.get(FIND, {"q": "smith"})
    assert len(first.context["page"].object_list) == 25
    assert b"30 people found" in first.content
    assert b'href="?q=smith&amp;page=2"' in first.content
    second = alice_client.get(FIND, {"q": "smith", "page": "2"})
    assert len(second.context["page"].object_list) == 5


def test_a_nonsense_page_number_shows_a_page_not_an_error(alice_client, zoe):
    assert alice_client.get(FIND, {"q": "zoe", "page": "many"}).status_code == 200
    assert alice_client.get(FIND, {"q": "zoe", "page": "999"}).status_code == 200


def test_search_is_written_to_the_audit_log(alice_client, alice, zoe):
    alice_client.get(FIND, {"q": "zoe"})
    event = AuditEvent.objects.get(action="search")
    assert event.user == alice
    assert "zoe" in event.detail


def test_what_was_typed_is_escaped(alice_client, zoe):
    response = alice_client.get(FIND, {"q": "<script>alert(1)</script>"})
    assert response.status_code == 200
    assert b"<script>alert(1)</script>" not in response.content
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in response.content


def test_an_overlong_search_gets_an_error_summary(alice_client, zoe):
    response = alice_client.get(FIND, {"q": "x" * 500})
    assert response.status_code == 200
    assert b"There is a problem" in response.content


@pytest.mark.parametrize("rows", [5, 50])
def test_query_count_does_not_grow_with_rows(
    alice_client, alice, wigan, rows, django_assert_max_num_queries
):
    PersonFactory.create_batch(rows, team=wigan, created_by=alice, named_worker=alice)
    with django_assert_max_num_queries(9):
        response = alice_client.get(FIND)
    assert response.status_code == 200
    # A name, an area and a name with a date: what is closed to the user is
    # read once for the page (PersonQuerySet.closed_ids), not once a row.
    for typed in ("a", "WN1", "a 12/03/1950"):
        with django_assert_max_num_queries(10):
            response = alice_client.get(FIND, {"q": typed})
        assert response.status_code == 200


def test_search_box_on_the_page_finds_and_the_pager_keeps_the_search(alice_app, alice, wigan):
    PersonFactory.create_batch(30, family_name="Ashworth", team=wigan, created_by=alice)
    PersonFactory(family_name="Zebedee", team=wigan, created_by=alice)
    form = next(f for f in alice_app.get(FIND).forms.values() if "q" in f.fields)
    form["q"] = "ashworth"
    page = form.submit()
    assert "30 people found" in page
    current = page.html.select_one(".govuk-pagination [aria-current=page]")
    assert current.get_text(strip=True) == "1"
    page = page.click(description="Next", index=0)
    assert page.request.GET["q"] == "ashworth"
    assert page.html.select_one(".govuk-pagination [aria-current=page]").get_text() == "2"
    assert "Zebedee" not in page
