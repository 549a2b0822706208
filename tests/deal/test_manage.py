"""/manage/: admins look after staff, teams and themes without Django words and
without ever choosing a password; managers confirm who joins their team."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conversations.models import Theme
from deal.audit import Actor
from deal.factories import join_team
from deal.models import AuditEvent, Invitation, Membership, Role, User
from deal.services import staff_change
from tests.conftest import PASSWORD
from tests.factories import (
    AgreedActionFactory,
    PersonFactory,
    TeamFactory,
    ThemeFactory,
    UserFactory,
)

NEW_PASSWORD = "tall green lamp posts at dusk"

MANAGE_PAGES = [
    "/manage/",
    "/manage/staff/invite/",
    "/manage/teams/",
    "/manage/teams/add/",
    "/manage/themes/",
    "/manage/changes/",
]


def form_with(page, button: str):
    """The form on the page that has this button."""
    return next(f for f in page.forms.values() if button in f.fields)


def link_in(message) -> str:
    """The link in an email (opened afterwards by whoever it was sent to)."""
    return re.search(r"https?://testserver(/\S+)", message.body).group(1)


def invite(
    django_app, dave, *, email="nia@example.org", name="Nia New", role=Role.FRONTLINE, teams=()
):
    page = django_app.get("/manage/staff/invite/", user=dave)
    form = page.forms[1]
    form["full_name"] = name
    form["email"] = email
    form["role"] = role
    for checkbox in form.fields.get("teams", []):
        if checkbox._value in {str(t.pk) for t in teams}:
            checkbox.checked = True
    return form.submit("invite")


# --- Who may use /manage/ ------------------------------------------------------------


@pytest.mark.parametrize("url", MANAGE_PAGES)
def test_manage_pages_are_for_admins_only(client, alice, bob, dave, url):
    assert client.get(url).status_code == 302
    for staff in (alice, bob):
        client.force_login(staff)
        assert client.get(url).status_code == 403
    client.force_login(dave)
    response = client.get(url)
    assert response.status_code == 200
    # No Django words.
    for word in ("Is staff", "Superuser status", "pbkdf2", "Hashed"):
        assert word not in response.content.decode()


def test_admin_navigation_leads_to_manage_and_not_to_case_records(django_app, dave):
    page = django_app.get("/", user=dave)
    assert 'href="/manage/"' in page.text
    assert 'href="/people/"' not in page.text


# --- Staff list and page -----------------------------------------------------------------


def test_staff_are_found_by_name_team_role_and_being_active(
    django_app, dave, alice, bob, carol, leigh
):
    gone = UserFactory(full_name="Gina Gone", is_active=False)
    page = django_app.get("/manage/", user=dave)
    assert {"Alice Worker", "Bob Manager", "Carol Otherteam"} <= set(
        re.findall(r">([A-Z]\w+ \w+)</a>", page.text)
    )
    assert "Gina Gone" not in page.text
    form = page.forms[1]
    form["q"] = "bob"
    page = form.submit()
    assert "Bob Manager" in page.text and "Alice Worker" not in page.text
    page = django_app.get(f"/manage/?team={leigh.pk}", user=dave)
    assert "Carol Otherteam" in page.text and "Alice Worker" not in page.text
    page = django_app.get("/manage/?role=manager", user=dave)
    assert "Bob Manager" in page.text and "Alice Worker" not in page.text
    page = django_app.get("/manage/?active=no", user=dave)
    assert gone.full_name in page.text and "Alice Worker" not in page.text


@pytest.mark.parametrize(
    "url", ["/manage/?q=&team=x&role=nobody&active=maybe", "/manage/?page=999"]
)
def test_odd_filters_never_break_the_staff_list(django_app, dave, url):
    assert django_app.get(url, user=dave).status_code == 200


@pytest.mark.parametrize("rows", [5, 50])
def test_staff_list_makes_the_same_queries_at_5_and_50(
    client, dave, wigan, leigh, rows, django_assert_max_num_queries
):
    for _ in range(rows):
        UserFactory(teams=[wigan, leigh])
    client.force_login(dave)
    with django_assert_max_num_queries(10):
        assert client.get("/manage/").status_code == 200


def test_a_staff_page_shows_teams_role_last_sign_in_and_recent_changes(
    django_app, dave, alice, bob, wigan, leigh
):
    alice.last_login = timezone.now()
    alice.save()
    staff_change(actor=Actor(user=dave), user=alice, role=Role.FRONTLINE, teams=[wigan, leigh])
    page = django_app.get(f"/manage/staff/{alice.pk}/", user=dave)
    assert "Frontline worker" in page.text
    assert "Wigan Central" in page.text and "Leigh" in page.text
    assert "Waiting" in page.text and "a second admin" in page.text
    assert "Last signed in" in page.text and timezone.localdate().strftime("%Y") in page.text
    assert "Changed role or teams" in page.text
    assert "Dave Admin" in page.text


# --- Invite and the one-time link ---------------------------------------------------------


def test_an_invited_member_sets_their_own_password_and_the_admin_never_sees_it(
    django_app, dave, wigan, bob
):
    page = invite(django_app, dave, teams=[wigan]).follow()
    assert "Invitation sent to nia@example.org" in page.text
    nia = User.objects.get(email="nia@example.org")
    assert not nia.has_usable_password()
    assert 'type="password"' not in page.text
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["nia@example.org"]
    link = link_in(mail.outbox[0])
    assert Invitation.objects.get().token_hash not in link
    django_app.reset()  # the new member, in their own browser
    page = django_app.get(link)
    form = form_with(page, "set_password")
    form["new_password1"] = NEW_PASSWORD
    form["new_password2"] = NEW_PASSWORD
    page = form.submit("set_password").follow()
    assert "Your password is set" in page.text
    nia.refresh_from_db()
    assert nia.check_password(NEW_PASSWORD)
    # Her team waits for Bob.
    assert nia.team_ids() == []
    assert Membership.objects.get(user=nia).requested_by == dave


def test_the_invitation_email_is_plain_text_with_the_name_as_typed(django_app, dave):
    invite(django_app, dave, name="Siobhán O'Neill & <Co>")
    assert "Hello Siobhán O'Neill & <Co>," in mail.outbox[0].body
    assert "&amp;" not in mail.outbox[0].body and "&#x27;" not in mail.outbox[0].body


def test_the_set_password_page_uses_the_password_rules(django_app, dave):
    invite(django_app, dave)
    django_app.reset()
    page = django_app.get(link_in(mail.outbox[0]))
    form = form_with(page, "set_password")
    form["new_password1"] = form["new_password2"] = "password"
    page = form.submit("set_password")
    assert "There is a problem" in page.text
    assert not User.objects.get(email="nia@example.org").has_usable_password()


def test_an_invitation_link_works_once(django_app, dave):
    invite(django_app, dave)
    link = link_in(mail.outbox[0])
    django_app.reset()
    form = form_with(django_app.get(link), "set_password")
    form["new_password1"] = form["new_password2"] = NEW_PASSWORD
    form.submit("set_password")
    page = django_app.get(link, status=404)
    assert "This link does not work" in page.text


def test_an_invitation_link_expires_after_72_hours(django_app, dave):
    invite(django_app, dave)
    invitation = Invitation.objects.get()
    assert (
        timedelta(hours=71) < invitation.expires_at - invitation.created_at <= timedelta(hours=72)
    )
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    django_app.get(link_in(mail.outbox[0]), status=404)


def test_an_invitation_link_is_for_its_own_user_only(django_app, dave, alice):
    invite(django_app, dave)
    link = link_in(mail.outbox[0])
    nia = User.objects.get(email="nia@example.org")
    django_app.get(link.replace(f"/join/{nia.pk}/", f"/join/{alice.pk}/"), status=404)
    django_app.get(link[:-3] + "abc/", status=404)
    page = django_app.get(link, user=alice)
    assert "signed in as someone else" in page.text
    assert "new_password1" not in page.text


def test_a_made_up_invitation_link_is_never_a_crash(client, db):
    """Someone trying links: an id too big for the database is just a link
    that does not work."""
    client.raise_request_exception = False
    for user_id in ("99999999999999999999999", "9223372036854775808", "0"):
        response = client.get(f"/accounts/join/{user_id}/not-a-token/")
        assert response.status_code == 404, user_id


def test_a_new_invitation_replaces_the_old_link(django_app, dave):
    invite(django_app, dave)
    old = link_in(mail.outbox[0])
    nia = User.objects.get(email="nia@example.org")
    page = django_app.get(f"/manage/staff/{nia.pk}/", user=dave)
    form_with(page, "send_link").submit("send_link")
    assert len(mail.outbox) == 2
    django_app.get(old, status=404)
    assert django_app.get(link_in(mail.outbox[1])).status_code == 200


def test_invite_refuses_an_admin_in_a_team_and_keeps_what_was_typed(django_app, dave, wigan):
    page = invite(
        django_app, dave, email="ada@example.org", name="Ada Admin", role=Role.ADMIN, teams=[wigan]
    )
    assert "An admin cannot be in a team" in page.text
    assert 'value="Ada Admin"' in page.text
    assert not User.objects.filter(email="ada@example.org").exists()
    assert not mail.outbox


def test_invite_refuses_an_email_already_in_use(django_app, dave, alice):
    page = invite(django_app, dave, email="ALICE@example.org")
    assert "already a member of staff with this email address" in page.text


def test_a_forgotten_password_is_answered_with_a_reset_link(django_app, dave, alice):
    page = django_app.get(f"/manage/staff/{alice.pk}/", user=dave)
    page = form_with(page, "send_link").submit("send_link").follow()
    assert "A link to set a new password was sent" in page.text
    assert mail.outbox[0].to == ["alice@example.org"]
    assert "/accounts/password-reset/" in mail.outbox[0].body
    assert User.objects.get(pk=alice.pk).check_password(PASSWORD)


# --- Change role and teams ------------------------------------------------------------------


def test_teams_added_wait_for_a_manager_and_teams_taken_away_end_at_once(
    django_app, dave, alice, bob, wigan, leigh, person
):
    leigh_person = PersonFactory(team=leigh)
    page = django_app.get(f"/manage/staff/{alice.pk}/change/", user=dave)
    form = page.forms[1]
    for checkbox in form.fields["teams"]:
        checkbox.checked = checkbox._value == str(leigh.pk)
    form.submit("save").follow()
    django_app.get(f"/people/{person.pk}/", user=alice, status=404)
    django_app.get(f"/people/{leigh_person.pk}/", user=alice, status=404)
    event = AuditEvent.objects.filter(object_id=str(alice.pk), object_type="deal.user").first()
    assert event.changes == {"teams": [["Wigan Central"], ["Leigh"]]}


def test_an_admin_cannot_change_their_own_role_or_teams(django_app, dave):
    django_app.get(f"/manage/staff/{dave.pk}/change/", user=dave, status=404)
    django_app.get(f"/manage/staff/{dave.pk}/deactivate/", user=dave, status=404)
    page = django_app.get(f"/manage/staff/{dave.pk}/", user=dave)
    assert "Change role and teams" not in page.text


def test_changing_a_role_to_admin_needs_no_teams(django_app, dave, alice):
    page = django_app.get(f"/manage/staff/{alice.pk}/change/", user=dave)
    form = page.forms[1]
    form["role"] = Role.ADMIN
    page = form.submit("save")
    assert "An admin cannot be in a team" in page.text
    assert User.objects.get(pk=alice.pk).role == Role.FRONTLINE


# --- Deactivate a leaver -----------------------------------------------------------------------


def test_deactivating_a_leaver_shows_their_open_work_and_ends_their_session(
    django_app, client, dave, alice, bob, wigan, person, conversation
):
    AgreedActionFactory(conversation=conversation, owner_user=alice)
    AgreedActionFactory(conversation=conversation, owner_user=alice)
    PersonFactory(team=wigan, named_worker=alice)
    client.force_login(alice)
    assert client.get("/").status_code == 200
    page = django_app.get(f"/manage/staff/{alice.pk}/deactivate/", user=dave)
    assert "2 open actions they are responsible for" in page.text
    assert "1 people they are named worker for" in page.text
    assert 'href="mailto:bob@example.org"' in page.text
    page = form_with(page, "deactivate").submit("deactivate").follow()
    assert "Deactivated" in page.text
    assert client.get("/").status_code == 302
    django_app.reset()
    sign_in = django_app.get("/accounts/login/").forms[0]
    sign_in["username"] = "alice@example.org"
    sign_in["password"] = PASSWORD
    assert "/accounts/login/" in sign_in.submit().request.url
    # Their name stays on what they recorded.
    client.force_login(bob)
    assert "Alice Worker" in client.get(f"/conversations/{conversation.pk}/").content.decode()


def test_nobody_is_deleted_through_the_app(django_app, dave, alice):
    page = django_app.get(f"/manage/staff/{alice.pk}/", user=dave)
    assert "Delete" not in page.text
    assert User.objects.filter(pk=alice.pk).exists()


def test_a_reactivated_member_waits_for_their_teams_again(django_app, dave, alice, person):
    from deal.services import staff_deactivate

    staff_deactivate(actor=Actor(user=dave), user=alice)
    page = django_app.get(f"/manage/staff/{alice.pk}/", user=dave)
    form_with(page, "reactivate").submit("reactivate").follow()
    alice.refresh_from_db()
    assert alice.is_active and alice.team_ids() == []


# --- A manager confirms who joins -------------------------------------------------------------


def test_a_manager_confirms_a_joiner_from_their_home_page(django_app, dave, bob, wigan, person):
    invite(django_app, dave, teams=[wigan])
    nia = User.objects.get(email="nia@example.org")
    home = django_app.get("/", user=bob)
    assert "1 person is waiting for you to confirm" in home.text
    page = home.click("Confirm or decline")
    assert "Nia New to join Wigan Central" in page.text
    page = page.forms[1].submit("decision", value="confirm").follow()
    assert "Nia New has joined Wigan Central" in page.text
    membership = Membership.objects.get(user=nia)
    assert membership.confirmed_by == bob
    assert django_app.get(f"/people/{person.pk}/", user=nia).status_code == 200
    staff_page = django_app.get(f"/manage/staff/{nia.pk}/", user=dave)
    assert "confirmed by Bob Manager" in staff_page.text


def test_a_manager_declines_a_joiner(django_app, dave, bob, wigan):
    invite(django_app, dave, teams=[wigan])
    page = django_app.get("/manage/confirmations/", user=bob)
    page.forms[1].submit("decision", value="decline").follow()
    assert not Membership.objects.filter(user__email="nia@example.org").exists()


def test_a_manager_sees_only_joiners_of_their_own_teams(django_app, dave, bob, leigh):
    UserFactory(full_name="Lee Manager", role=Role.MANAGER, teams=[leigh])
    invite(django_app, dave, teams=[leigh])
    page = django_app.get("/manage/confirmations/", user=bob)
    assert "Nia New" not in page.text
    django_app.get("/manage/confirmations/", user=UserFactory(teams=[leigh]), status=403)


def test_a_made_up_confirmation_is_never_a_crash(client, dave, bob, wigan):
    """A hand-made request naming no join, or something that is not one,
    confirms nothing and says so."""
    joiner = UserFactory(full_name="Nia New")
    Membership.objects.create(user=joiner, team=wigan, requested_by=dave)
    client.force_login(bob)
    client.raise_request_exception = False
    for value in ("abc", "1.5", "99999999999999999999999", "-1", "", "²"):
        response = client.post(
            "/manage/confirmations/", {"membership": value, "decision": "confirm"}
        )
        assert response.status_code == 302, value
        page = client.get(response["Location"]).content.decode()
        assert "That request has already been dealt with" in page, value
    assert not Membership.objects.get(user=joiner).is_confirmed
    client.force_login(dave)
    for value in ("abc", "²", "99999999999999999999999"):
        response = client.post("/manage/confirmations/", {"admin": value})
        assert response.status_code == 302, value


@pytest.mark.parametrize("rows", [5, 50])
def test_confirmations_make_the_same_queries_at_5_and_50(
    client, bob, dave, wigan, rows, django_assert_max_num_queries
):
    for _ in range(rows):
        user = UserFactory()
        Membership.objects.create(user=user, team=wigan, requested_by=dave)
    client.force_login(bob)
    with django_assert_max_num_queries(8):
        response = client.get("/manage/confirmations/")
    assert response.content.decode().count("to join Wigan Central") == rows


# --- Teams ---------------------------------------------------------------------------------------


def test_an_admin_adds_and_renames_a_team_with_its_contact_details(django_app, dave):
    page = django_app.get("/manage/teams/add/", user=dave)
    form = page.forms[1]
    form["name"] = "  Hindley   Hub "
    form["contact_phone"] = "01632 960 303"
    form["contact_email"] = "hindley@example.org"
    page = form.submit("save").follow()
    assert "Hindley Hub" in page.text and "01632 960 303" in page.text
    form = page.click("Change name and contact details").forms[1]
    form["name"] = "Hindley and Abram"
    page = form.submit("save").follow()
    assert "Hindley and Abram" in page.text
    changes = django_app.get("/manage/changes/", user=dave)
    assert "Hindley Hub → Hindley and Abram" in changes.text


def test_the_teams_contact_details_set_here_are_on_the_persons_summary(
    django_app, dave, alice, wigan, conversation
):
    page = django_app.get(f"/manage/teams/{wigan.pk}/change/", user=dave)
    form = form_with(page, "save")
    form["contact_phone"] = "01632 960 404"
    form["contact_email"] = "central@example.org"
    form.submit("save").follow()
    summary = django_app.get(f"/conversations/{conversation.pk}/summary/", user=alice)
    assert "Phone the team: 01632 960 404" in summary.text
    assert "Email the team: central@example.org" in summary.text


def test_a_team_name_is_unique(django_app, dave, wigan):
    form = django_app.get("/manage/teams/add/", user=dave).forms[1]
    form["name"] = "Wigan Central"
    assert "There is already a team with this name" in form.submit("save").text


def test_a_manager_added_to_a_team_waits_for_confirmation(django_app, dave, leigh, bob, carol):
    page = django_app.get(f"/manage/teams/{leigh.pk}/managers/add/", user=dave)
    form = page.forms[1]
    form["manager"] = str(bob.pk)
    page = form.submit("add").follow()
    assert "Waiting" in page.text
    assert leigh.pk not in User.objects.get(pk=bob.pk).team_ids()


@pytest.mark.parametrize("rows", [5, 50])
def test_team_list_makes_the_same_queries_at_5_and_50(
    client, dave, rows, django_assert_max_num_queries
):
    for _ in range(rows):
        team = TeamFactory()
        UserFactory(role=Role.MANAGER, teams=[team])
    client.force_login(dave)
    with django_assert_max_num_queries(8):
        assert client.get("/manage/teams/").status_code == 200


@pytest.mark.parametrize("rows", [5, 50])
def test_a_team_page_makes_the_same_queries_at_5_and_50(
    client, dave, wigan, rows, django_assert_max_num_queries
):
    for _ in range(rows):
        join_team(UserFactory(), wigan, confirmed_by=dave)
    client.force_login(dave)
    with django_assert_max_num_queries(8):
        response = client.get(f"/manage/teams/{wigan.pk}/")
    assert response.content.decode().count("confirmed by Dave Admin") == rows


@pytest.mark.parametrize("rows", [5, 50])
def test_a_staff_page_makes_the_same_queries_at_5_and_50(
    client, dave, alice, wigan, leigh, rows, django_assert_max_num_queries
):
    for i in range(rows):
        staff_change(
            actor=Actor(user=dave),
            user=alice,
            role=Role.FRONTLINE,
            teams=[wigan] if i % 2 else [leigh],
        )
        TeamFactory()
    client.force_login(dave)
    with django_assert_max_num_queries(14):
        assert client.get(f"/manage/staff/{alice.pk}/").status_code == 200


# --- Themes ------------------------------------------------------------------


def test_an_admin_adds_renames_and_retires_a_theme(django_app, dave, alice, person):
    page = django_app.get("/manage/themes/", user=dave)
    form = form_with(page, "add")
    form["name"] = "Pets"
    page = form.submit("add").follow()
    assert "Pets is added" in page.text
    assert (
        "Pets"
        in django_app.get(f"/people/{person.pk}/conversations/new/", user=alice)
        .follow(user=alice)
        .text
    )
    pets = Theme.objects.get(name="Pets")
    page = django_app.get(f"/manage/themes/{pets.pk}/rename/", user=dave)
    form = page.forms[1]
    form["name"] = "Animals and pets"
    page = form.submit("save").follow()
    assert "Animals and pets" in page.text
    retire = next(f for f in page.forms.values() if f.action == f"/manage/themes/{pets.pk}/in-use/")
    retire.submit().follow()
    assert (
        "Animals and pets"
        not in django_app.get(f"/people/{person.pk}/conversations/new/", user=alice)
        .follow(user=alice)
        .text
    )
    changes = django_app.get("/manage/changes/", user=dave).text
    assert "Pets → Animals and pets" in changes
    assert "Retired theme Animals and pets" in changes


def test_theme_names_are_unique_whatever_the_case(django_app, dave):
    ThemeFactory(name="Money")
    form = form_with(django_app.get("/manage/themes/", user=dave), "add")
    form["name"] = "money"
    assert "There is already a theme with this name" in form.submit("add").text


# --- The log of admin changes ---------------------------------------------------------------------


@pytest.mark.parametrize("rows", [5, 50])
def test_changes_make_the_same_queries_at_5_and_50(
    client, dave, alice, wigan, leigh, rows, django_assert_max_num_queries
):
    for i in range(rows):
        staff_change(
            actor=Actor(user=dave),
            user=alice,
            role=Role.FRONTLINE,
            teams=[wigan] if i % 2 else [leigh],
        )
    client.force_login(dave)
    with django_assert_max_num_queries(8):
        response = client.get("/manage/changes/")
    assert response.content.decode().count("Changed role or teams") == rows


def test_the_changes_log_holds_no_resident_data(django_app, dave, alice, person):
    django_app.get(f"/people/{person.pk}/", user=alice)
    django_app.get("/people/?q=Hughes", user=alice)
    page = django_app.get("/manage/changes/", user=dave)
    assert "Hughes" not in page.text and "Peggy" not in page.text


# --- Hostile input -------------------------------------------------------------------


TYPED = st.text(st.characters(exclude_categories=("Cs",)), max_size=300)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(name=TYPED, email=TYPED, team_name=TYPED, phone=TYPED)
def test_whatever_is_typed_into_staff_and_team_forms_is_never_a_crash_nor_half_saved(
    django_app, dave, wigan, name, email, team_name, phone
):
    users_before = User.objects.count()
    form = form_with(django_app.get("/manage/staff/invite/", user=dave), "invite")
    form["full_name"] = name
    form["email"] = email
    response = form.submit("invite", expect_errors=True)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert User.objects.count() == users_before
        assert "There is a problem" in response.text
    form = form_with(django_app.get("/manage/teams/add/", user=dave), "save")
    form["name"] = team_name
    form["contact_phone"] = phone
    response = form.submit("save", expect_errors=True)
    assert response.status_code in (200, 302)
