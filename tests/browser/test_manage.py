"""Looking after staff in a real browser at phone size: an admin invites, the
new member sets their password from the email, a manager confirms, the member
sees the team's people. axe-core runs on every /manage/ page."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from deal.audit import Actor
from deal.factories import join_team
from deal.models import Role, User
from deal.services import staff_change
from tests.browser.phone import assert_no_sideways_scrolling
from tests.factories import TeamFactory, ThemeFactory, UserFactory

pytestmark = pytest.mark.browser

NEW_PASSWORD = "tall green lamp posts at dusk"


def checked(page: Page, axe_check) -> None:
    axe_check(page)
    assert_no_sideways_scrolling(page)


def test_an_admin_invites_a_member_who_joins_once_a_manager_confirms(
    sign_in,
    phone_page,
    live_server,
    dave,
    bob,
    wigan,
    person,
    axe_check,
):
    admin = phone_page()
    sign_in(dave, page=admin)
    admin.goto(f"{live_server.url}/manage/")
    checked(admin, axe_check)
    admin.get_by_role("link", name="Invite a member of staff").click()
    checked(admin, axe_check)
    admin.get_by_label("Full name").fill("Nia New")
    admin.get_by_label("Email address").fill("nia@example.org")
    admin.get_by_label("Frontline worker").check()
    admin.get_by_label("Wigan Central").check()
    admin.get_by_role("button", name="Send the invitation").click()
    expect(admin.get_by_text("Invitation sent to nia@example.org")).to_be_visible()
    expect(admin.get_by_text("Waiting")).to_be_visible()
    checked(admin, axe_check)

    # The new member opens the link in the email, in their own browser.
    assert mail.outbox[-1].to == ["nia@example.org"]
    link = re.search(r"https?://\S+/accounts/join/\S+", mail.outbox[-1].body).group(0)
    nia = phone_page()
    nia.goto(link)
    expect(nia.get_by_role("heading", level=1, name="Set your password")).to_be_visible()
    checked(nia, axe_check)
    nia.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    nia.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    nia.get_by_role("button", name="Set my password").click()
    expect(nia.get_by_text("Your password is set")).to_be_visible()
    sign_in("nia@example.org", page=nia, password=NEW_PASSWORD)
    nia.goto(f"{live_server.url}/people/{person.pk}/")
    expect(nia.get_by_role("heading", level=1)).not_to_contain_text("Peggy")

    # Bob, the team's manager, confirms from his home page.
    manager = phone_page()
    sign_in(bob, page=manager)
    expect(manager.get_by_text("1 person is waiting for you to confirm")).to_be_visible()
    checked(manager, axe_check)
    manager.get_by_role("link", name="Confirm or decline").click()
    expect(manager.get_by_text("Nia New to join Wigan Central")).to_be_visible()
    checked(manager, axe_check)
    manager.get_by_role("button", name="Confirm Nia New joins Wigan Central").click()
    expect(manager.get_by_text("Nia New has joined Wigan Central")).to_be_visible()

    # Now Nia sees the team's people.
    nia.goto(f"{live_server.url}/people/")
    expect(nia.get_by_role("link", name=re.compile("Hughes, Margaret"))).to_be_visible()
    nia.get_by_role("link", name=re.compile("Hughes, Margaret")).click()
    expect(nia.get_by_role("heading", level=1)).to_contain_text("Peggy Hughes")

    # The admin sees who confirmed it, and the change in the log.
    admin.goto(f"{live_server.url}/manage/staff/{User.objects.get(email='nia@example.org').pk}/")
    expect(admin.get_by_text("confirmed by Bob Manager")).to_be_visible()
    admin.goto(f"{live_server.url}/manage/changes/")
    expect(admin.get_by_text("Confirmed Nia New in Wigan Central")).to_be_visible()
    checked(admin, axe_check)


def test_every_manage_page_passes_axe_on_a_phone(
    sign_in,
    phone_page,
    live_server,
    dave,
    alice,
    bob,
    wigan,
    leigh,
    axe_check,
):
    UserFactory(full_name="Erin Admin", role=Role.ADMIN)
    theme = ThemeFactory(name="Loneliness")
    staff_change(actor=Actor(user=dave), user=alice, role=Role.FRONTLINE, teams=[wigan, leigh])
    admin = phone_page()
    sign_in(dave, page=admin)
    for path in [
        "/",
        "/manage/",
        "/manage/?q=zzz",
        "/manage/staff/invite/",
        f"/manage/staff/{alice.pk}/",
        f"/manage/staff/{alice.pk}/change/",
        f"/manage/staff/{alice.pk}/deactivate/",
        "/manage/teams/",
        "/manage/teams/add/",
        f"/manage/teams/{wigan.pk}/",
        f"/manage/teams/{wigan.pk}/change/",
        f"/manage/teams/{leigh.pk}/managers/add/",
        "/manage/themes/",
        f"/manage/themes/{theme.pk}/rename/",
        "/manage/changes/",
        "/manage/confirmations/",
    ]:
        admin.goto(f"{live_server.url}{path}")
        expect(admin.locator("h1")).to_be_visible()
        checked(admin, axe_check)
    # A form sent with mistakes.
    admin.goto(f"{live_server.url}/manage/staff/invite/")
    admin.get_by_role("button", name="Send the invitation").click()
    expect(admin.locator(".govuk-error-summary")).to_be_visible()
    checked(admin, axe_check)
    # A link that no longer works.
    admin.goto(f"{live_server.url}/accounts/join/{alice.pk}/not-a-token/")
    expect(admin.get_by_role("heading", level=1)).to_be_visible()
    checked(admin, axe_check)


def test_manage_pages_take_the_longest_names_on_a_phone(
    sign_in,
    phone_page,
    live_server,
    dave,
    alice,
    wigan,
):
    """Names, teams, email addresses and themes as long as the forms allow,
    each one unbroken word: every page still fits a phone's width, for the
    admin and for a manager with such a name."""
    team = TeamFactory(
        name="T" * 120, contact_email=f"{'e' * 60}@{'x' * 60}.org", contact_phone="0" * 40
    )
    manager = UserFactory(
        full_name="M" * 150, email=f"{'m' * 64}@{'b' * 60}.{'c' * 60}.org", role=Role.MANAGER
    )
    join_team(manager, team)
    joiner = UserFactory(full_name="J" * 150, email=f"{'j' * 64}@{'b' * 60}.org")
    staff_change(actor=Actor(user=dave), user=joiner, role=Role.FRONTLINE, teams=[team])
    staff_change(actor=Actor(user=dave), user=alice, role=Role.FRONTLINE, teams=[wigan, team])
    theme = ThemeFactory(name="H" * 60)  # the longest a theme may be
    admin = phone_page()
    sign_in(dave, page=admin)
    for path in [
        "/manage/",
        f"/manage/staff/{manager.pk}/",
        f"/manage/staff/{manager.pk}/change/",
        f"/manage/staff/{manager.pk}/deactivate/",
        f"/manage/staff/{joiner.pk}/",
        "/manage/teams/",
        f"/manage/teams/{team.pk}/",
        f"/manage/teams/{team.pk}/change/",
        f"/manage/teams/{team.pk}/managers/add/",
        "/manage/themes/",
        f"/manage/themes/{theme.pk}/rename/",
        "/manage/changes/",
    ]:
        admin.goto(f"{live_server.url}{path}")
        assert_no_sideways_scrolling(admin)
    page = phone_page()
    sign_in(manager, page=page)
    for path in ["/", "/manage/confirmations/"]:
        page.goto(f"{live_server.url}{path}")
        assert_no_sideways_scrolling(page)
