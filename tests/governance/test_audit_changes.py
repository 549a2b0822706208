"""Change entries in the audit log keep what each field was and became, never
a secret; every refused request is audited, whoever sent it."""

import pytest

from deal.audit import Actor, audit_record
from deal.models import AuditAction, AuditEvent, Role
from tests.factories import ProfileEntryFactory, UserFactory


def edit_form(app, person):
    return app.get(f"/people/{person.pk}/edit/").forms["person-form"]


def test_a_change_to_a_persons_details_keeps_before_and_after(alice_app, person):
    form = edit_form(alice_app, person)
    form["given_name"] = "Maggie"
    form["town"] = "Upholland Moor"
    before_town = person.town
    assert form.submit().status_code == 302
    change = AuditEvent.objects.get(action="change", object_type="people.person")
    assert change.changes == {
        "given_name": ["Margaret", "Maggie"],
        "town": [before_town, "Upholland Moor"],
    }


def test_what_matters_and_entries_keep_before_and_after(alice_app, person):
    form = alice_app.get(f"/people/{person.pk}/what-matters/").forms["what-matters-form"]
    form["text"] = "Seeing my grandchildren"
    form.submit()
    form = alice_app.get(f"/people/{person.pk}/what-matters/").forms["what-matters-form"]
    form["text"] = "Getting back to the allotment"
    form.submit()
    form = alice_app.get(f"/people/{person.pk}/strengths/new/").forms["entry-form"]
    form["text"] = "Great cook"
    form.submit()
    changes = [e.changes for e in AuditEvent.objects.filter(action="change").order_by("id")]
    assert changes == [
        {"what matters": [None, "Seeing my grandchildren"]},
        {"what matters": ["Seeing my grandchildren", "Getting back to the allotment"]},
        {"strength": [None, "Great cook"]},
    ]


def test_archiving_an_entry_keeps_what_it_said(alice_app, person, alice):
    entry = ProfileEntryFactory(person=person, kind="need", text="Help with bills")
    page = alice_app.get(f"/people/{person.pk}/")
    form = next(f for f in page.forms.values() if f.action.endswith(f"/{entry.pk}/archive/"))
    form.submit()
    assert AuditEvent.objects.get(action="change").changes == {"need": ["Help with bills", None]}


def test_a_follow_up_keeps_the_old_and_new_status_and_due_date(app, action):
    form = app.get(f"/actions/{action.pk}/").forms[1]
    form["status"] = "done"
    form["note"] = "Rang them"
    form.submit()
    change = AuditEvent.objects.get(action="change", object_type="conversations.agreedaction")
    assert change.changes["status"] == ["open", "done"]
    assert change.changes["note"] == [None, "Rang them"]


@pytest.fixture
def action(make_action):
    return make_action()


@pytest.fixture
def app(alice_app):
    return alice_app


def test_secrets_are_never_written_to_the_log(alice):
    event = audit_record(
        actor=Actor(user=alice),
        action=AuditAction.CHANGE,
        obj=alice,
        changes={
            "password": ["argon2$old", "argon2$new"],
            "token_hash": ["a", "b"],
            "totp secret": ["x", "y"],
            "full_name": ["Alice", "Alice Worker"],
        },
    )
    event.refresh_from_db()
    assert event.changes == {
        "password": ["(not shown)", "(not shown)"],
        "token_hash": ["(not shown)", "(not shown)"],
        "totp secret": ["(not shown)", "(not shown)"],
        "full_name": ["Alice", "Alice Worker"],
    }
    assert "argon2" not in str(AuditEvent.objects.values_list("changes", flat=True))


# --- Refusals -----------------------------------------------------------------------


def denied():
    return list(AuditEvent.objects.filter(action="denied").values_list("user", "path", "detail"))


def test_an_admin_refused_a_case_page_is_audited(client, dave, person):
    client.force_login(dave)
    assert client.get(f"/people/{person.pk}/").status_code == 403
    assert denied() == [(dave.pk, f"/people/{person.pk}/", "Refused (403)")]


def test_a_worker_refused_an_admin_page_is_audited(alice_client, alice):
    assert alice_client.get("/manage/").status_code == 403
    assert denied() == [(alice.pk, "/manage/", "Refused (403)")]


def test_someone_not_signed_in_sent_to_sign_in_is_audited(client, person):
    response = client.get(f"/people/{person.pk}/?q=x")
    assert response.status_code == 302
    assert denied() == [(None, f"/people/{person.pk}/?q=x", "Refused: not signed in")]


def test_a_post_without_its_csrf_token_is_refused_and_audited(django_app_factory, alice, person):
    app = django_app_factory(csrf_checks=True, extra_environ={"wsgi.url_scheme": "https"})
    app.set_user(alice)
    app.post(f"/people/{person.pk}/edit/", {"given_name": "X"}, status=403)
    assert denied() == [(alice.pk, f"/people/{person.pk}/edit/", "Refused (403)")]


def test_another_teams_record_is_audited_once(carol_client, carol, person):
    assert carol_client.get(f"/people/{person.pk}/").status_code == 404
    assert AuditEvent.objects.filter(action="denied").count() == 1


def test_a_page_that_is_allowed_writes_no_refusal(alice_client, person):
    assert alice_client.get(f"/people/{person.pk}/").status_code == 200
    assert denied() == []


@pytest.mark.parametrize("role", [Role.FRONTLINE, Role.MANAGER])
def test_every_case_role_refused_manage_is_audited(client, wigan, role):
    user = UserFactory(role=role, teams=[wigan])
    client.force_login(user)
    client.get("/manage/")
    assert [row[0] for row in denied()] == [user.pk]
