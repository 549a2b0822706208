"""/governance/: information governance's index (and their home, /): the
pages they use, what retention does and when it last ran."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from deal.models import Role
from tests.factories import UserFactory

INDEX = "/governance/"


def links(page) -> dict[str, str]:
    return {a.get_text(" ", strip=True): a["href"] for a in page.html.select("main a")}


@pytest.mark.parametrize("address", [INDEX, "/"])
def test_the_index_links_every_governance_page_and_explains_retention(ig_app, address):
    page = ig_app.get(address)
    assert page.status_code == 200
    assert page.html.h1.get_text(strip=True) == "Information governance"
    found = links(page)
    assert found["Audit log"] == "/governance/audit/"
    assert found["Subject access"] == "/governance/people/"
    assert found["Restricted records opened with a reason"] == "/governance/break-glass/"
    retention = page.html.find(id="retention").find_parent("div").get_text(" ", strip=True)
    assert "closed for more than 6 years" in retention
    assert "manage.py apply_retention --apply" in retention
    assert "The audit log has no record of retention being applied yet." in retention
    # Each link opens for them.
    for href in set(found.values()):
        assert ig_app.get(href).status_code == 200


# The command connects as the owner role when MIGRATION_DATABASE_URL is set
# (as in CI), which needs the test's data committed.
@pytest.mark.django_db(transaction=True)
def test_the_last_run_of_retention_is_read_from_the_audit_log(ig_app, settings):
    settings.RETENTION_YEARS = 7
    # A dry run changes nothing, and is not a run.
    call_command("apply_retention", stdout=StringIO())
    page = ig_app.get(INDEX)
    assert "no record of retention being applied yet" in page.text
    assert "closed for more than 7 years" in page.text

    call_command("apply_retention", "--apply", stdout=StringIO())
    page = ig_app.get(INDEX)
    last = page.html.find(id="retention-last-run").get_text(" ", strip=True)
    assert last.startswith("Last run: ")
    assert timezone.localdate().strftime("%-d %B %Y") in last
    assert "Retention applied: 0 people closed before" in last
    # The link finds each anonymising in the log.
    assert page.click("See every record anonymised in the audit log").status_code == 200


@pytest.mark.parametrize("who", ["alice", "bob", "carol", "dave"])
def test_everyone_else_is_refused_as_at_the_other_governance_pages(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(INDEX).status_code == client.get("/governance/audit/").status_code == 403
    assert client.get("/governance/break-glass/").status_code == 403


def test_an_ig_officer_not_yet_confirmed_is_refused(client, db):
    client.force_login(UserFactory(role=Role.IG, admin_confirmed_at=None))
    assert client.get(INDEX).status_code == 403


def test_someone_not_signed_in_is_sent_to_sign_in(client, db):
    response = client.get(INDEX)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
