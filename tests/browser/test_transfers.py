"""One record per person across teams, in a browser on a phone (390 px):
a worker of another team is warned and asks for the record; the holding
team's manager decides. axe-core finds nothing serious on any page, and no
page is wider than the screen with long names."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from people.models import Person, TransferRequest
from tests.browser.phone import PHONE
from tests.browser.test_phone_pages import LONG_WORD, check_page
from tests.factories import PersonFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.browser


@pytest.mark.browser_context_args(**PHONE)
def test_asking_for_a_record_and_accepting_it_on_a_phone(
    sign_in, live_server, alice, bob, wigan, axe_check
):
    # A team with the longest name a team may have, and a long-named asker.
    far = TeamFactory(name="L" * 120)
    asker = UserFactory(full_name="A" * 150, teams=[far])
    person = PersonFactory(
        given_name="Margaret",
        family_name="H" + "x" * 99,
        preferred_name="",
        nhs_number="9434765919",
        date_of_birth=dt.date(1951, 3, 27),
        team=wigan,
        created_by=alice,
    )
    # An earlier request, declined with a reason that is one long word.
    TransferRequest.objects.create(
        person=PersonFactory(team=wigan, created_by=alice),
        from_team=wigan,
        to_team=far,
        requested_by=asker,
        status="declined",
        decline_reason=LONG_WORD,
    )
    page = sign_in(asker)
    page.goto(f"{live_server.url}/people/new/")
    page.get_by_label("Given name").fill("Margaret")
    page.get_by_label("Family name").fill("Smith")
    page.get_by_label("NHS number").fill("943 476 5919")
    page.get_by_role("group", name="Lawful basis for recording").get_by_label("Public task").check()
    page.get_by_role(
        "group", name="Do they agree to us sharing information about them?"
    ).get_by_label("No").check()
    page.get_by_role("button", name="Add this person", exact=True).last.click()
    expect(
        page.get_by_text("This person may already be known to another team").first
    ).to_be_visible()
    assert person.family_name not in page.content()
    check_page(page, axe_check)
    page.get_by_role("button", name="Ask Wigan Central to transfer the record").click()
    expect(page.get_by_role("heading", level=1, name="Transfer requests")).to_be_visible()
    check_page(page, axe_check)
    expect(page.get_by_text(LONG_WORD)).to_be_visible()
    assert Person.objects.count() == 2

    page.context.clear_cookies()
    page = sign_in(bob)
    # A manager lands on the team view; the request waits on My work.
    page.goto(f"{live_server.url}/")
    check_page(page, axe_check)
    page.get_by_role("link", name="Decide the transfer request").click()
    check_page(page, axe_check)
    page.get_by_role("link", name=re.compile(rf"^Margaret {person.family_name}\W+decide$")).click()
    check_page(page, axe_check)
    page.get_by_role("button", name="Save your decision").click()
    expect(page.get_by_role("link", name="Select whether to transfer the record")).to_be_visible()
    check_page(page, axe_check)
    page.get_by_label(f"Yes, transfer the record to {far.name}").check()
    page.get_by_role("button", name="Save your decision").click()
    expect(page.get_by_text("record has been transferred")).to_be_visible()
    check_page(page, axe_check)
    person.refresh_from_db()
    assert person.team == far
    assert TransferRequest.objects.get(person=person).status == "accepted"
