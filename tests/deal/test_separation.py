"""Separation of duties: what stops an admin reading case records.

An admin never holds a team; nobody changes their own role or teams; joining a
team counts only once a manager of it confirms; the last admin stays; and the
Django admin, for superusers only, keeps the same rules and shows no
resident's data."""

import pytest
from axes.models import AccessAttempt
from django.core.exceptions import ValidationError

from deal.audit import Actor
from deal.factories import join_team
from deal.models import AuditAction, AuditEvent, Membership, Role, User
from deal.services import (
    check_staff_change,
    membership_confirm,
    staff_change,
    staff_deactivate,
)
from tests.factories import PersonFactory, TeamFactory, UserFactory


@pytest.fixture
def superdave(dave):
    dave.is_staff = dave.is_superuser = True
    dave.save()
    return dave


@pytest.fixture
def leigh_person(leigh, carol):
    return PersonFactory(given_name="Lena", family_name="Leighton", team=leigh, created_by=carol)


def test_an_admin_never_holds_a_team(dave, wigan):
    with pytest.raises(ValidationError, match="An admin cannot be in a team"):
        check_staff_change(actor_user=None, user=dave, role=Role.ADMIN, team_ids=[wigan.pk])
    # Even a membership put in the database by hand gives an admin no team.
    join_team(dave, wigan)
    assert User.objects.get(pk=dave.pk).team_ids() == []


def test_a_join_counts_only_once_a_manager_of_the_team_confirms_it(
    client, alice, carol, leigh, leigh_person, dave
):
    leigh_manager = UserFactory(full_name="Lee Manager", role=Role.MANAGER, teams=[leigh])
    staff_change(
        actor=Actor(user=dave), user=alice, role=Role.FRONTLINE, teams=[*alice.teams.all(), leigh]
    )
    membership = Membership.objects.get(user=alice, team=leigh)
    client.force_login(alice)
    assert client.get(f"/people/{leigh_person.pk}/").status_code == 404
    # Neither the admin who asked, nor a worker of the team, nor Alice herself.
    for not_allowed in (dave, carol, alice):
        with pytest.raises(ValidationError):
            membership_confirm(actor=Actor(user=not_allowed), membership=membership)
    membership_confirm(actor=Actor(user=leigh_manager), membership=membership)
    assert client.get(f"/people/{leigh_person.pk}/").status_code == 200
    membership.refresh_from_db()
    assert membership.confirmed_by == leigh_manager


def test_a_team_with_no_manager_is_confirmed_by_a_second_admin(alice, leigh, dave):
    erin = UserFactory(full_name="Erin Admin", role=Role.ADMIN)
    staff_change(actor=Actor(user=dave), user=alice, role=Role.FRONTLINE, teams=[leigh])
    membership = Membership.objects.get(user=alice, team=leigh)
    with pytest.raises(ValidationError):
        membership_confirm(actor=Actor(user=dave), membership=membership)
    membership_confirm(actor=Actor(user=erin), membership=membership)
    assert User.objects.get(pk=alice.pk).team_ids() == [leigh.pk]


def test_nobody_changes_their_own_role_or_teams(bob, wigan, leigh):
    with pytest.raises(ValidationError, match="your own role or teams"):
        staff_change(actor=Actor(user=bob), user=bob, role=Role.MANAGER, teams=[wigan, leigh])


def test_the_last_active_admin_cannot_be_demoted_or_deactivated(dave, superdave):
    other = UserFactory(full_name="Erin Super", role=Role.FRONTLINE)
    with pytest.raises(ValidationError, match="only active admin"):
        staff_change(actor=Actor(user=other), user=dave, role=Role.MANAGER, teams=[])
    with pytest.raises(ValidationError, match="only active admin"):
        staff_deactivate(actor=Actor(user=other), user=dave)
    dave.refresh_from_db()
    assert dave.is_active and dave.role == Role.ADMIN


# --- The Django admin ----------------------------------------------------------------


def test_django_admin_refuses_staff_who_are_not_superusers(django_app, alice, dave):
    dave.is_staff = True
    dave.save()
    assert django_app.get("/admin/", user=dave).status_code == 302


def test_admin_cannot_make_themself_a_manager_of_every_team_through_django_admin(
    django_app, superdave, wigan, leigh, person, leigh_person
):
    """The first route that worked before: own role set to Manager, own teams
    set to both, then the records opened."""
    page = django_app.get(f"/admin/deal/user/{superdave.pk}/change/", user=superdave)
    form = page.forms["user_form"]
    assert "role" not in form.fields
    assert "memberships-0-team" not in form.fields
    form.submit("_save")
    superdave.refresh_from_db()
    assert superdave.role == Role.ADMIN
    assert not superdave.memberships.exists()
    django_app.get(f"/people/{person.pk}/", user=superdave, status=403)
    django_app.get(f"/people/{leigh_person.pk}/", user=superdave, status=403)


def test_django_admin_refuses_to_put_an_admin_in_a_team(django_app, superdave, wigan):
    erin = UserFactory(full_name="Erin Admin", role=Role.ADMIN)
    page = django_app.get(f"/admin/deal/user/{erin.pk}/change/", user=superdave)
    form = page.forms["user_form"]
    form["memberships-0-team"] = str(wigan.pk)
    response = form.submit("_save")
    assert response.status_code == 200
    assert "An admin cannot be in a team" in response.text
    assert not erin.memberships.exists()


def test_a_team_given_in_django_admin_still_waits_for_a_manager(
    django_app, superdave, leigh, leigh_person
):
    """The second route: another account (say one the admin made for
    themself) put in a team. It sees nothing until a manager confirms."""
    mallory = UserFactory(full_name="Mallory Frontline", role=Role.FRONTLINE)
    page = django_app.get(f"/admin/deal/user/{mallory.pk}/change/", user=superdave)
    form = page.forms["user_form"]
    form["memberships-0-team"] = str(leigh.pk)
    form.submit("_save").follow()
    membership = Membership.objects.get(user=mallory)
    assert membership.confirmed_at is None
    assert membership.requested_by == superdave
    django_app.get(f"/people/{leigh_person.pk}/", user=mallory, status=404)
    assert AuditEvent.objects.filter(
        object_type="deal.user", object_id=str(mallory.pk), changes__teams=[[], ["Leigh"]]
    ).exists()


def test_moving_a_waiting_join_in_django_admin_makes_it_the_superusers_own_request(
    django_app, superdave, alice, wigan
):
    """Another admin asked for Alice to join Wigan. A superuser who moves that
    join to a team with no manager has asked for it themself, so they cannot
    be the second admin who confirms it."""
    erin = UserFactory(full_name="Erin Admin", role=Role.ADMIN)
    waiting = Membership.objects.get(user=alice, team=wigan)
    waiting.requested_by, waiting.confirmed_at = erin, None
    waiting.save()
    ghost = TeamFactory(name="Ghost team")
    page = django_app.get(f"/admin/deal/user/{alice.pk}/change/", user=superdave)
    form = page.forms["user_form"]
    form["memberships-0-team"] = str(ghost.pk)
    form.submit("_save").follow()
    membership = Membership.objects.get(user=alice)
    assert membership.team == ghost
    assert membership.requested_by == superdave
    page = django_app.get("/manage/confirmations/", user=superdave)
    assert "Alice Worker to join Ghost team" not in page.text


def test_a_failed_sign_in_keeps_no_search_terms_for_django_admin(django_app, superdave, alice):
    """Signing in again after a timeout on search results carries the search
    in `next`; a failed attempt is kept by the lock-out, and its page in the
    Django admin must not show it."""
    page = django_app.get("/people/?q=Leighton").follow()
    form = page.forms[0]
    form["username"] = "alice@example.org"
    form["password"] = "not the password"
    form.submit(expect_errors=True)
    attempt = AccessAttempt.objects.get()
    page = django_app.get(f"/admin/axes/accessattempt/{attempt.pk}/change/", user=superdave)
    assert "alice@example.org" in page.text
    assert "Leighton" not in page.text


def test_django_admin_adds_no_users_and_sets_no_passwords(django_app, superdave, alice):
    django_app.get("/admin/deal/user/add/", user=superdave, status=403)
    response = django_app.get(f"/admin/deal/user/{alice.pk}/password/", user=superdave)
    assert "password1" not in response.maybe_follow().text
    page = django_app.get(f"/admin/deal/user/{alice.pk}/change/", user=superdave)
    assert "email" not in page.forms["user_form"].fields
    assert "password" not in page.forms["user_form"].fields


def test_django_admin_refuses_an_admin_not_yet_confirmed_by_a_second_admin(django_app, dave):
    """One admin alone cannot give anyone admin powers, the Django admin's
    included. (So the last admin can never be demoted there either: any other
    superuser who could reach it is a confirmed admin too.)"""
    dave.is_staff = dave.is_superuser = True
    dave.admin_confirmed_at = None
    dave.save()
    assert django_app.get("/admin/", user=dave).status_code == 302


# --- Deactivation ends sessions, whatever the session store ------------------------


@pytest.mark.parametrize(
    "engine",
    ["django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cache"],
)
def test_deactivation_ends_an_active_session_at_once(client, settings, alice, dave, engine):
    settings.SESSION_ENGINE = engine
    client.force_login(alice)
    assert client.get("/").status_code == 200
    staff_deactivate(actor=Actor(user=dave), user=alice)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_session_ends_even_if_the_account_is_switched_back_on(client, alice, dave):
    client.force_login(alice)
    staff_deactivate(actor=Actor(user=dave), user=alice)
    User.objects.filter(pk=alice.pk).update(is_active=True)
    assert client.get("/").status_code == 302


# --- A new admin needs a second admin ---------------------------------------------------


def test_a_new_admin_has_no_admin_powers_until_a_second_admin_confirms(django_app, dave):
    """Otherwise one admin could make themself a second admin account and
    confirm their own joins to a team with no manager."""
    from deal.services import staff_invite

    erin = UserFactory(full_name="Erin Admin", role=Role.ADMIN)
    ada = staff_invite(
        actor=Actor(user=dave),
        email="ada@example.org",
        full_name="Ada Alias",
        role=Role.ADMIN,
        teams=[],
        link_for=lambda user, token: f"/accounts/join/{user.pk}/{token}/",
    )
    django_app.get("/manage/", user=ada, status=403)
    django_app.get("/manage/confirmations/", user=ada, status=403)
    page = django_app.get("/manage/confirmations/", user=dave)
    assert "Ada Alias" not in page.text
    page = django_app.get("/", user=erin)
    assert "1 person is waiting for you to confirm" in page.text
    page = django_app.get("/manage/confirmations/", user=erin)
    form = next(f for f in page.forms.values() if "confirm_admin" in f.fields)
    form.submit("confirm_admin").follow()
    ada.refresh_from_db()
    assert ada.admin_confirmed_by == erin
    assert django_app.get("/manage/", user=ada).status_code == 200


def test_promoting_someone_to_admin_waits_for_a_second_admin(django_app, dave, alice):
    staff_change(actor=Actor(user=dave), user=alice, role=Role.ADMIN, teams=[])
    django_app.get("/manage/", user=alice, status=403)
    page = django_app.get(f"/manage/staff/{alice.pk}/", user=dave)
    assert "for a second admin to confirm" in page.text


def test_an_admin_waiting_for_confirmation_does_not_count_as_another_admin(dave):
    UserFactory(full_name="Ada Waiting", role=Role.ADMIN, admin_confirmed_at=None)
    other = UserFactory(full_name="Sue Super")
    with pytest.raises(ValidationError, match="only active admin"):
        staff_deactivate(actor=Actor(user=other), user=dave)


# --- Superuser and staff follow the role -------------------------------------------


@pytest.mark.parametrize("flag", ["is_superuser", "is_staff"])
def test_django_admin_cannot_give_a_team_member_admin_powers(
    django_app, superdave, alice, person, flag
):
    """Ticking "Superuser status" on a worker in a team would let them into
    /admin/ while keeping their case records."""
    page = django_app.get(f"/admin/deal/user/{alice.pk}/change/", user=superdave)
    form = page.forms["user_form"]
    form[flag] = True
    response = form.submit("_save")
    assert response.status_code == 200
    assert "Only an admin can be a superuser or staff" in response.text
    alice.refresh_from_db()
    assert not alice.is_superuser
    assert not alice.is_staff
    assert django_app.get("/admin/", user=alice).status_code == 302


def test_a_superuser_made_outside_the_forms_still_cannot_reach_django_admin(
    django_app, alice, person
):
    """Set in the database by hand: the flags drop as soon as the user is saved,
    and the admin site checks the role itself."""
    User.objects.filter(pk=alice.pk).update(is_superuser=True, is_staff=True)
    alice.refresh_from_db()
    assert django_app.get("/admin/", user=alice).status_code == 302
    assert "Django admin" not in django_app.get("/", user=alice).text
    alice.save()
    alice.refresh_from_db()
    assert not alice.is_superuser and not alice.is_staff


def test_a_superuser_moved_out_of_the_admin_role_loses_django_admin(superdave, wigan):
    erin = UserFactory(full_name="Erin Admin", role=Role.ADMIN, is_superuser=True, is_staff=True)
    staff_change(actor=Actor(user=superdave), user=erin, role=Role.FRONTLINE, teams=[wigan])
    erin.refresh_from_db()
    assert not erin.is_superuser and not erin.is_staff


def test_django_admin_shows_no_authenticator_secrets_and_adds_no_devices(
    django_app, superdave, alice
):
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=alice, name="Phone", confirmed=True)
    codes = StaticDevice.objects.create(user=alice, name="Recovery codes", confirmed=True)
    codes.token_set.create(token="secretcode1")
    page = django_app.get("/admin/otp_totp/totpdevice/", user=superdave)
    assert "Alice Worker" in page.text
    django_app.get("/admin/otp_totp/totpdevice/add/", user=superdave, status=403)
    django_app.get("/admin/otp_static/staticdevice/add/", user=superdave, status=403)
    page = django_app.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/", user=superdave)
    assert device.key not in page.text
    assert "user_form" not in page.forms and not any(
        f.action.endswith("/change/") and "_save" in f.fields for f in page.forms.values()
    )
    response = django_app.get(
        f"/admin/otp_totp/totpdevice/{device.pk}/config/", user=superdave, expect_errors=True
    )
    assert device.key not in response.maybe_follow().text
    page = django_app.get(f"/admin/otp_static/staticdevice/{codes.pk}/change/", user=superdave)
    assert "secretcode1" not in page.text


def test_django_admin_has_no_audit_log(django_app, superdave, alice, person):
    """Who opened which resident's record, and when, is for information
    governance at /governance/audit/; an admin has /manage/changes/."""
    AuditEvent.objects.create(
        user=alice, action=AuditAction.VIEW, object_type="person", object_id=str(person.pk)
    )
    django_app.get("/admin/deal/auditevent/", user=superdave, status=404)
    page = django_app.get("/admin/", user=superdave)
    assert "Audit events" not in page.text


def test_django_admin_refuses_to_make_a_team_member_an_admin(django_app, superdave, alice):
    page = django_app.get(f"/admin/deal/user/{alice.pk}/change/", user=superdave)
    form = page.forms["user_form"]
    form["role"] = Role.ADMIN
    form["is_superuser"] = True
    response = form.submit("_save")
    assert response.status_code == 200
    assert "An admin cannot be in a team" in response.text
    alice.refresh_from_db()
    assert alice.role == Role.FRONTLINE and not alice.is_superuser
