"""Settings helpers, the health check, the audit log and navigation by role."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError

from deal.env import env_bool, env_int, env_list
from deal.models import AuditEvent


def test_env_helpers_read_values_and_fail_loudly(monkeypatch):
    monkeypatch.setenv("FLAG", "yes")
    monkeypatch.setenv("NUMBER", "12")
    monkeypatch.setenv("HOSTS", "a.example.org, b.example.org,")
    assert env_bool("FLAG") is True
    assert env_int("NUMBER", 3) == 12
    assert env_list("HOSTS") == ["a.example.org", "b.example.org"]
    assert env_bool("MISSING", True) is True
    monkeypatch.setenv("FLAG", "perhaps")
    with pytest.raises(ImproperlyConfigured):
        env_bool("FLAG")
    monkeypatch.setenv("NUMBER", "twelve")
    with pytest.raises(ImproperlyConfigured):
        env_int("NUMBER", 3)


def test_healthz_is_200_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_healthz_is_503_when_the_database_does_not(client, db, monkeypatch):
    class DownDatabase:
        def cursor(self):
            raise DatabaseError("connection refused")

    monkeypatch.setattr("deal.views.connection", DownDatabase())
    response = client.get("/healthz")
    assert response.status_code == 503


def test_audit_log_is_append_only(alice):
    event = AuditEvent.objects.create(user=alice, action="view", object_type="x", object_id="1")
    event.detail = "rewritten"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(detail="rewritten")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()


@pytest.mark.django_db(transaction=True)
def test_database_refuses_changes_to_the_audit_log_on_postgresql(alice):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip(reason="the append-only trigger exists only on PostgreSQL")
    AuditEvent.objects.create(user=alice, action="view", object_type="x", object_id="1")
    with pytest.raises(DatabaseError), connection.cursor() as cursor:
        cursor.execute("UPDATE deal_auditevent SET detail = 'rewritten'")


def test_navigation_shows_only_what_the_role_may_use(client, alice, dave):
    client.force_login(alice)
    html = client.get("/").content.decode()
    assert 'href="/people/"' in html
    assert "Django admin" not in html
    client.force_login(dave)
    html = client.get("/").content.decode()
    assert 'href="/people/"' not in html
    assert "Admins do not read people" in html


def test_admin_cannot_open_case_records(client, dave):
    client.force_login(dave)
    assert client.get("/people/").status_code == 403
    assert client.get("/people/new/").status_code == 403


def test_django_admin_is_for_superusers_only(client, alice, dave):
    client.force_login(alice)
    assert client.get("/admin/").status_code == 302
    dave.is_staff = dave.is_superuser = True
    dave.save()
    client.force_login(dave)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/deal/user/").status_code == 200


def test_security_headers_are_sent(alice_client):
    response = alice_client.get("/")
    assert "script-src 'self' 'nonce-" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_inline_script_carries_the_csp_nonce(alice_client):
    response = alice_client.get("/")
    policy = response["Content-Security-Policy"]
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert f'<script nonce="{nonce}">' in response.content.decode()


def test_frontend_fonts_and_images_are_served_where_the_css_asks(client, db):
    from django.conf import settings

    fonts = settings.FRONTEND_ASSET_DIRS[0] / "fonts"
    font = next(fonts.glob("*.woff2"))
    response = client.get(f"/assets/fonts/{font.name}")
    assert response.status_code == 200
    moj_image = next((settings.FRONTEND_ASSET_DIRS[1] / "images").glob("icon-*.svg"))
    assert client.get(f"/assets/images/{moj_image.name}").status_code == 200


def test_navigation_marks_the_section_of_the_page(alice_client):
    html = alice_client.get("/actions/").content.decode()
    assert 'href="/actions/" aria-current="true"' in html
    html = alice_client.get("/people/").content.decode()
    assert 'href="/people/" aria-current="true"' in html
    assert 'href="/actions/" aria-current' not in html


def test_information_governance_has_its_own_menu(app_for, db):
    from deal.models import Role
    from tests.factories import UserFactory

    ig = UserFactory(email="ig@example.org", full_name="Jo Governance", role=Role.IG)
    app = app_for(ig)
    menu = app.get("/").html.select("#navigation .govuk-service-navigation__item a")
    assert [a.get_text(strip=True) for a in menu] == [
        "Audit log",
        "Subject access",
        "Openings of restricted records",
    ]
    page = app.get("/").click(description="Openings of restricted records", index=0)
    assert page.html.h1.get_text(strip=True) == "Restricted records opened with a reason"
    current = page.html.select_one('#navigation a[aria-current="true"]')
    assert current.get_text(strip=True) == "Openings of restricted records"
