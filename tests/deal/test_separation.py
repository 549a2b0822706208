"""Separation of duties: what stops an admin reading case records.

An admin never holds a team; nobody changes their own role or teams; joining a
team counts only once a manager of it confirms; the last admin stays; and the
Django admin, for superusers only, keeps the same rules and shows no
resident's data."""

import pytest
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
from tests.factories import PersonFactory, UserFactory


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


def test_django_admin_adds_no_users_and_sets_no_passwords(django_app, superdave, alice):
    django_app.get("/admin/deal/user/add/", user=superdave, status=403)
    response = django_app.get(f"/admin/deal/user/{alice.pk}/password/", user=superdave)
    assert "password1" not in response.maybe_follow().text
    page = django_app.get(f"/admin/deal/user/{alice.pk}/change/", user=superdave)
    assert "email" not in page.forms["user_form"].fields
    assert "password" not in page.forms["user_form"].fields


def test_django_admin_refuses_to_demote_the_last_admin(django_app, superdave):
    other_super = UserFactory(full_name="Sue Super", role=Role.FRONTLINE)
    other_super.is_staff = other_super.is_superuser = True
    other_super.save()
    page = django_app.get(f"/admin/deal/user/{superdave.pk}/change/", user=other_super)
    form = page.forms["user_form"]
    form["role"] = Role.MANAGER
    response = form.submit("_save")
    assert "only active admin" in response.text
    superdave.refresh_from_db()
    assert superdave.role == Role.ADMIN


def test_django_admin_audit_log_shows_no_search_terms(django_app, superdave, alice):
    AuditEvent.objects.create(
        user=alice,
        action=AuditAction.SEARCH,
        detail="Hughes",
        path="/people/?q=Hughes",
    )
    page = django_app.get("/admin/deal/auditevent/", user=superdave)
    assert "/people/" in page.text
    assert "Hughes" not in page.text
    page = django_app.get("/admin/deal/auditevent/?q=Hughes", user=superdave)
    assert "0 audit events" in page.text or "Hughes" not in page.text
    event = AuditEvent.objects.get(action=AuditAction.SEARCH)
    page = django_app.get(f"/admin/deal/auditevent/{event.pk}/change/", user=superdave)
    assert "Hughes" not in page.text


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
