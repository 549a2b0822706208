"""/governance/audit/: the audit log for information governance."""

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from deal.audit import Actor, audit_record
from deal.governance import EVENTS_PER_PAGE, spreadsheet_safe
from deal.models import AuditAction, AuditEvent, Role
from tests.factories import UserFactory

AUDIT = "/governance/audit/"


def event(user=None, *, action=AuditAction.VIEW, person=None, detail="", **kw):
    return audit_record(
        actor=Actor(user=user, ip_address="192.0.2.1", path="/people/1/"),
        action=action,
        object_type="people.person",
        object_id=person or "",
        about_person=person,
        detail=detail,
        **kw,
    )


# --- Who may read it ------------------------------------------------------------


@pytest.mark.parametrize("who", ["alice", "bob", "carol", "dave"])
def test_only_information_governance_reads_the_log(client, request, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    assert client.get(AUDIT).status_code == 403
    assert client.get(AUDIT + "download/").status_code == 403


def test_someone_not_signed_in_is_sent_to_sign_in(client, db):
    response = client.get(AUDIT)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_an_ig_officer_not_yet_confirmed_by_a_second_admin_cannot_read_it(client, db):
    waiting = UserFactory(role=Role.IG, admin_confirmed_at=None)
    client.force_login(waiting)
    assert client.get(AUDIT).status_code == 403


def test_the_ig_officer_has_no_team_and_no_case_pages(client, ig, person):
    client.force_login(ig)
    assert ig.team_ids() == []
    assert client.get(f"/people/{person.pk}/").status_code == 403
    assert client.get("/people/").status_code == 403
    assert client.get("/manage/").status_code == 403
    home = client.get("/")
    assert home.status_code == 200
    assert "Information governance" in home.text
    assert 'href="/governance/audit/"' in home.text


# --- What it shows ----------------------------------------------------------------


def test_the_log_shows_who_did_what_with_before_and_after(ig_app, alice, person):
    audit_record(
        actor=Actor(user=alice, ip_address="192.0.2.7"),
        action=AuditAction.CHANGE,
        obj=person,
        detail="Changed town",
        changes={"town": ["Wigan", "Hindley"]},
    )
    page = ig_app.get(AUDIT)
    row = page.html.select("tbody tr")[-1].get_text(" ", strip=True)
    assert "Alice Worker" in row and "192.0.2.7" in row
    assert "Changed people.person" in row and f"(person {person.pk})" in row
    assert "town: Wigan to Hindley" in row


def test_reading_the_log_is_audited_with_its_filters(ig_app, ig, alice):
    form = ig_app.get(AUDIT).forms["audit-filter"]
    form["staff"] = str(alice.pk)
    form["action"] = "view"
    form.submit()
    reads = list(
        AuditEvent.objects.filter(user=ig, object_type="deal.auditevent")
        .order_by("id")
        .values_list("action", "detail")
    )
    assert reads == [
        ("view", "Read the audit log: no filter"),
        ("view", f"Read the audit log: staff {alice.pk}, kind view"),
    ]


def test_filter_by_staff_member(ig_app, alice, bob):
    event(alice, detail="by alice")
    event(bob, detail="by bob")
    form = ig_app.get(AUDIT).forms["audit-filter"]
    form["staff"] = str(bob.pk)
    page = form.submit()
    text = page.html.find("tbody").get_text()
    assert "by bob" in text and "by alice" not in text


def test_filter_by_person_finds_events_on_their_conversations_too(ig_app, alice, conversation):
    audit_record(actor=Actor(user=alice), action=AuditAction.VIEW, obj=conversation)
    audit_record(actor=Actor(user=alice), action=AuditAction.VIEW, obj=conversation.person)
    event(alice, person=999, detail="someone else")
    form = ig_app.get(AUDIT).forms["audit-filter"]
    form["person"] = str(conversation.person_id)
    page = form.submit()
    text = page.html.find("tbody").get_text()
    assert "conversations.conversation" in text
    assert text.count("Viewed") == 2
    assert "someone else" not in text


def test_filter_by_kind_and_dates(ig_app, alice):
    # Written as it would have been a month ago.
    AuditEvent.objects.create(
        user=alice, action="change", detail="old change", at=timezone.now() - dt.timedelta(days=30)
    )
    event(alice, action=AuditAction.CHANGE, detail="new change")
    event(alice, action=AuditAction.VIEW, detail="a view")
    form = ig_app.get(AUDIT).forms["audit-filter"]
    form["action"] = "change"
    since = timezone.localdate() - dt.timedelta(days=7)
    form["start_0"], form["start_1"], form["start_2"] = since.day, since.month, since.year
    page = form.submit()
    text = page.html.find("tbody").get_text()
    assert "new change" in text
    assert "old change" not in text and "a view" not in text
    form = page.forms["audit-filter"]
    for part in range(3):
        form[f"start_{part}"] = ""
    until = timezone.localdate() - dt.timedelta(days=7)
    form["end_0"], form["end_1"], form["end_2"] = until.day, until.month, until.year
    text = form.submit().html.find("tbody").get_text()
    assert "old change" in text and "new change" not in text


def test_a_bad_filter_is_named_and_the_rest_still_apply(ig_app, alice):
    event(alice, action=AuditAction.CHANGE, detail="a change")
    page = ig_app.get(AUDIT, {"person": "abc", "action": "change", "staff": "nobody"})
    assert page.status_code == 200
    summary = page.html.select_one(".govuk-error-summary").get_text()
    assert "Enter the record number as a number" in summary
    assert "Select a member of staff from the list" in summary
    assert "a change" in page.html.find("tbody").get_text()


def test_a_date_to_before_the_date_from_is_an_error_not_a_crash(ig_app):
    page = ig_app.get(
        AUDIT,
        {
            "start_0": "10",
            "start_1": "5",
            "start_2": "2026",
            "end_0": "1",
            "end_1": "5",
            "end_2": "2026",
        },
    )
    assert "The date to must be the same as or after the date from" in page.text


@pytest.mark.parametrize("older", ["abc", "-1", "99999999999999999999999", "0"])
def test_a_made_up_page_address_shows_the_newest(ig_app, alice, older):
    event(alice, detail="the only one")
    page = ig_app.get(AUDIT, {"older": older})
    assert page.status_code == 200
    assert "the only one" in page.text


# --- Paging -----------------------------------------------------------------------


def test_the_log_is_paged_newest_first_without_counting_it(ig_app, alice):
    for n in range(EVENTS_PER_PAGE + 5):
        event(alice, detail=f"event {n}")
    first = ig_app.get(AUDIT, {"action": "view", "staff": alice.pk})
    shown = [td.get_text() for td in first.html.select("tbody tr td:nth-of-type(3)")]
    assert len(shown) == EVENTS_PER_PAGE
    assert f"event {EVENTS_PER_PAGE + 4}" in shown[0]
    second = first.click("Older events")
    shown = [td.get_text() for td in second.html.select("tbody tr td:nth-of-type(3)")]
    assert len(shown) == 5
    assert "event 0" in shown[-1]
    assert not second.html.select('a[rel="next"]')
    assert second.click("Newest events").request.url == first.request.url


def test_the_query_count_is_the_same_for_a_short_and_a_long_log(client, ig, alice):
    client.force_login(ig)

    def count(n):
        for _ in range(n):
            event(alice)
        # Once first: the session's own writes come at most once a minute.
        client.get(AUDIT)
        with CaptureQueriesContext(connection) as queries:
            assert (
                client.get(AUDIT, {"older": AuditEvent.objects.latest("id").pk}).status_code == 200
            )
        assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)
        return len(queries)

    assert count(5) == count(60)


# --- Download ---------------------------------------------------------------------


def test_download_is_the_filtered_log_as_csv_and_is_audited(ig_app, ig, alice, bob):
    event(alice, detail="by alice", changes={"town": ["Wigan", '=HYPERLINK("x")']})
    event(bob, detail="by bob")
    form = ig_app.get(AUDIT).forms["audit-filter"]
    form["staff"] = str(alice.pk)
    page = form.submit()
    download = page.click("Download these events")
    assert download.content_type == "text/csv"
    assert "attachment" in download.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(download.text)))
    assert rows[0][:4] == ["When", "Staff member", "Staff email", "What"]
    assert [r[7] for r in rows[1:]] == ["by alice"]
    assert rows[1][8] == 'town: Wigan -> =HYPERLINK("x")'
    assert AuditEvent.objects.filter(
        user=ig, action="export", detail=f"Downloaded the audit log: staff {alice.pk}"
    ).exists()


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_a_cell_that_looks_like_a_formula_is_kept_as_text(text):
    assert spreadsheet_safe(text) == "'" + text


def test_a_detail_starting_like_a_formula_is_text_in_the_download(ig_app, alice):
    event(alice, detail="=cmd|' /C calc'!A0")
    rows = list(csv.reader(io.StringIO(ig_app.get(AUDIT + "download/").text)))
    details = [r[7] for r in rows[1:]]
    assert "'=cmd|' /C calc'!A0" in details


# --- The Django admin shows no resident's details -------------------------------------


def test_the_django_admin_shows_no_audit_entry(client, db, person, alice):
    """The audit log is for information governance; a superuser's Django admin
    has none of it, not even which fields changed."""
    superuser = UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True)
    made = audit_record(
        actor=Actor(user=alice),
        action=AuditAction.CHANGE,
        obj=person,
        detail="Searched for Margaret Hughes",
        changes={"given_name": ["Margaret", "Maggie"]},
    )
    client.force_login(superuser)
    assert client.get(f"/admin/deal/auditevent/{made.pk}/change/").status_code == 404


# --- Who becomes an IG officer ------------------------------------------------------


def test_an_ig_officer_cannot_be_in_a_team(dave, wigan):
    from django.core.exceptions import ValidationError

    from deal.services import check_staff_change

    user = UserFactory(role=Role.FRONTLINE)
    with pytest.raises(ValidationError) as refused:
        check_staff_change(actor_user=dave, user=user, role=Role.IG, team_ids=[wigan.pk])
    assert "Information governance cannot be in a team" in str(refused.value)


def test_making_someone_ig_waits_for_a_second_admin(dave, db):
    from deal.services import admin_confirm, admins_waiting_for, staff_change

    other_admin = UserFactory(role=Role.ADMIN)
    user = UserFactory(role=Role.FRONTLINE)
    staff_change(actor=Actor(user=dave), user=user, role=Role.IG, teams=[])
    user.refresh_from_db()
    assert user.is_admin_waiting
    assert user not in admins_waiting_for(dave)
    admin_confirm(actor=Actor(user=other_admin), user=user)
    user.refresh_from_db()
    assert not user.is_admin_waiting
    confirmed = AuditEvent.objects.get(action="confirm")
    assert confirmed.changes == {"information governance": ["waiting", "confirmed"]}
