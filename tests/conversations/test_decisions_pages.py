"""The positive-risk decision pages, used as a person does: forms filled in
through the page as rendered (django-webtest), for every role."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from conversations import decision_services as decisions
from conversations.models import (
    DecisionOutcome,
    DecisionStatus,
    DecisionStepKind,
    RiskDecision,
)
from deal.audit import Actor
from deal.models import AuditEvent, Role
from people import services as people_services
from tests.conversations.pages import set_date
from tests.factories import PersonFactory, RiskDecisionFactory, ThemeFactory, UserFactory
from tests.pages import assert_error_summary_links_resolve, error_messages

LIST = "/risks/"
LEARNING = "/risks/learning/"
PROPOSE_FORM = 1  # the page's forms: 0 is signing out, in the header


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def form_posting_to(page, path: str):
    """The form on the page that is sent to `path`."""
    for form in page.forms.values():
        if form.action.endswith(path):
            return form
    raise AssertionError(f"no form on {page.request.path} sends to {path}")


def has_form_posting_to(page, path: str) -> bool:
    return any(form.action.endswith(path) for form in page.forms.values())


def fill_proposal(form, **changes):
    values = {
        "what": "Go to the match on her own by bus",
        "why_it_matters": "Football was her and her husband's thing.",
        "benefits": "Getting out, seeing old friends at the ground.",
        "what_could_go_wrong": "A fall in the crowd, or missing the last bus.",
        "risk_of_not_doing": "Sitting at home every Saturday, getting lonelier.",
        "what_will_help": "A phone with her son's number; the steward knows her.",
        "their_view": "I have been going since 1962. I am not stopping now.",
    }
    values.update(changes)
    for name, value in values.items():
        form[name] = value
    set_date(form, "review_date", changes.get("review_date", days(28)))
    return form


def open_propose_page(app, person):
    return app.get(f"/risks/propose/{person.pk}/").follow()


@pytest.fixture
def bob_app(app_for, bob):
    return app_for(bob)


@pytest.fixture
def decision(person, alice):
    return RiskDecisionFactory(person=person, proposed_by=alice, what="Go to the match by bus")


@pytest.fixture
def leigh_manager(leigh):
    return UserFactory(full_name="Lee Manager", role=Role.MANAGER, teams=[leigh])


def backed(decision, manager):
    decisions.decision_back(
        actor=Actor(manager), decision=decision, expected_version=decision.version
    )
    decision.refresh_from_db()
    return decision


# --- Proposing --------------------------------------------------------------------


def test_the_profile_offers_proposing_and_the_proposal_is_saved(alice_app, alice, person):
    ThemeFactory(name="Loneliness")
    page = open_propose_page(alice_app, person)
    assert page.status_code == 200
    assertContains(page, "Propose a positive-risk decision")
    form = fill_proposal(page.forms[PROPOSE_FORM])
    form["themes"] = [str(ThemeFactory(name="Loneliness").pk)]
    done = form.submit("send").follow()
    assertContains(done, "Your proposal has been sent to your manager to back")
    decision = RiskDecision.objects.get()
    assert done.request.path == f"/risks/{decision.pk}/"
    assert decision.proposed_by == alice
    assert decision.status == DecisionStatus.WAITING
    assert decision.review_date == days(28)
    assert [t.name for t in decision.themes.all()] == ["Loneliness"]
    assertContains(done, "Waiting for backing")


def test_mistakes_are_named_and_what_was_typed_is_kept(alice_app, person):
    page = open_propose_page(alice_app, person)
    form = page.forms[PROPOSE_FORM]
    form["what"] = "Cook his own tea"
    set_date(form, "review_date", days(-3))
    page = form.submit("send")
    assert page.status_code == 200
    messages = error_messages(page)
    assert "Enter why it matters to them" in messages
    assert "Enter what they say about it" in messages
    assert "Review date must be today or in the future" in messages
    assert_error_summary_links_resolve(page)
    assert page.forms[PROPOSE_FORM]["what"].value == "Cook his own tea"
    assert not RiskDecision.objects.exists()


def test_a_review_date_more_than_5_years_ahead_is_refused(alice_app, person):
    form = fill_proposal(open_propose_page(alice_app, person).forms[PROPOSE_FORM])
    set_date(form, "review_date", dt.date(9999, 12, 31))
    page = form.submit("send")
    assert error_messages(page) == ["Review date must be within 5 years"]
    assert not RiskDecision.objects.exists()


def test_enter_in_a_one_line_box_sends_nothing(alice_app, person):
    page = open_propose_page(alice_app, person)
    form = fill_proposal(page.forms[PROPOSE_FORM])
    # Enter presses the form's first submit button: the hidden one.
    first = page.html.select_one(
        "form[method=post] button[type=submit]:not(.govuk-service-navigation__link)"
    )
    assert first is not None
    page = form.submit("enter")
    assert page.status_code == 200
    assertContains(page, "Nothing has been sent yet")
    assert page.forms[PROPOSE_FORM]["what"].value == "Go to the match on her own by bus"
    assert not RiskDecision.objects.exists()


def test_back_then_send_again_saves_one_decision(alice_app, person):
    page = open_propose_page(alice_app, person)
    form = fill_proposal(page.forms[PROPOSE_FORM])
    form.submit("send").follow()
    # Back to the page as the browser kept it, and send it again.
    again = form.submit("send")
    assert again.status_code == 302
    again = again.follow()
    assertContains(again, "This decision is already saved")
    assert RiskDecision.objects.count() == 1
    # Opening the page's address again finds it too.
    reopened = alice_app.get(page.request.path).follow()
    assert reopened.request.path == RiskDecision.objects.get().get_absolute_url()


def test_nobody_outside_the_team_proposes_with_the_person(app_for, carol, dave, person):
    assert app_for(carol).get(f"/risks/propose/{person.pk}/", expect_errors=True).status_code == 404
    assert app_for(dave).get(f"/risks/propose/{person.pk}/", expect_errors=True).status_code == 403


def test_the_record_form_page_links_to_proposing_with_that_person(alice_app, person):
    page = alice_app.get(f"/people/{person.pk}/conversations/new/").follow()
    link = page.html.find("a", href=f"/risks/propose/{person.pk}/")
    assert link is not None
    assert "Propose a positive-risk decision" in link.get_text()


# --- Who sees a decision ------------------------------------------------------------


def test_the_team_sees_a_decision_and_the_view_is_audited(alice_app, alice, decision):
    page = alice_app.get(decision.get_absolute_url())
    assertContains(page, "Go to the match by bus")
    assertContains(page, decision.their_view)
    assert AuditEvent.objects.filter(
        action="view", user=alice, object_type="conversations.riskdecision"
    ).exists()


def test_another_teams_worker_and_manager_get_the_same_404_as_missing(
    app_for, carol, leigh_manager, decision
):
    for user in (carol, leigh_manager):
        app = app_for(user)
        for path in ("", "change/"):
            assert (
                app.get(f"{decision.get_absolute_url()}{path}", expect_errors=True).status_code
                == 404
            )
        assert app.get("/risks/999999/", expect_errors=True).status_code == 404
        assertNotContains(app.get(LIST, {"show": "recent"}), "Go to the match by bus")
        assertNotContains(app.get(LEARNING), "Go to the match by bus")
    assert AuditEvent.objects.filter(action="denied", user=carol).exists()


def post_by_hand(app, path: str, token: str, data: dict):
    """Send what a page this user was not given would have sent: as a page of
    this site would (its CSRF token and address), so that only the app's own
    rules can refuse it."""
    return app.post(
        path,
        {"csrfmiddlewaretoken": token, **data},
        headers={"Referer": f"https://testserver{LIST}"},
        expect_errors=True,
    )


def csrf_token_of(app, path: str = LIST) -> str:
    """The CSRF token a page this user may open gives their session."""
    page = app.get(path)
    return page.html.find("input", attrs={"name": "csrfmiddlewaretoken"})["value"]


def test_another_teams_manager_cannot_act_on_it_by_posting(app_for, leigh_manager, decision):
    app = app_for(leigh_manager)
    token = csrf_token_of(app)
    for path, data in (
        ("back/", {"backing-answer": "back", "backing-version": decision.version}),
        ("note/", {"note-note": "Not my team", "note-version": decision.version}),
        ("outcome/", {"outcome-outcome": "went_well", "outcome-version": decision.version}),
        ("change/", {"what": "Not my team", "version": decision.version}),
    ):
        response = post_by_hand(app, f"{decision.get_absolute_url()}{path}", token, data)
        assert response.status_code == 404, path
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.WAITING
    assert decision.what == "Go to the match by bus"
    assert not decision.steps.exists()


def test_an_admin_without_a_team_reads_nothing(app_for, dave, decision):
    app = app_for(dave)
    for path in (LIST, LEARNING, decision.get_absolute_url()):
        assert app.get(path, expect_errors=True).status_code == 403, path
    assert decision.pk not in RiskDecision.objects.visible_to(dave).values_list("pk", flat=True)


def test_anonymous_users_are_sent_to_sign_in(django_app, decision):
    for path in (LIST, LEARNING, decision.get_absolute_url()):
        response = django_app.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


# --- Backing --------------------------------------------------------------------------


def test_a_manager_backs_it_through_the_page(bob_app, bob, decision):
    page = bob_app.get(decision.get_absolute_url())
    form = form_posting_to(page, "back/")
    form["backing-answer"] = "back"
    form["backing-comment"] = "Go for it, Peggy"
    done = form.submit().follow()
    assertContains(done, "You have backed this decision")
    assertContains(done, "We will back you")
    assertContains(done, "Go for it, Peggy")
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.BACKED
    assert decision.backed_by == bob
    assert not has_form_posting_to(done, "back/")
    assert not has_form_posting_to(done, "change/")


def test_a_worker_is_not_offered_backing_and_cannot_back_by_posting(
    alice_app, wigan, app_for, decision
):
    colleague = UserFactory(role=Role.FRONTLINE, teams=[wigan])
    app = app_for(colleague)
    page = app.get(decision.get_absolute_url())
    assert not has_form_posting_to(page, "back/")
    # The note form carries this session's CSRF token; the backing answer is
    # sent to the backing address as a manager's form would.
    note = form_posting_to(page, "note/")
    response = post_by_hand(
        app,
        f"/risks/{decision.pk}/back/",
        note["csrfmiddlewaretoken"].value,
        {"backing-answer": "back", "backing-version": str(decision.version)},
    )
    assert response.status_code == 403
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.WAITING
    # Sent the same way by a manager of the team, it is saved: the refusal
    # above was the app's rule, not the CSRF check.
    manager = app_for(UserFactory(role=Role.MANAGER, teams=[wigan]))
    response = post_by_hand(
        manager,
        f"/risks/{decision.pk}/back/",
        csrf_token_of(manager),
        {"backing-answer": "back", "backing-version": str(decision.version)},
    )
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.BACKED


def test_a_manager_is_not_offered_backing_their_own_proposal(bob_app, bob, person):
    own = RiskDecisionFactory(person=person, proposed_by=bob)
    page = bob_app.get(own.get_absolute_url())
    assert not has_form_posting_to(page, "back/")
    assertContains(page, "A manager of Wigan Central will back it")


def test_talk_first_needs_a_comment_then_the_worker_revises_and_sends_again(
    bob_app, app_for, alice, decision
):
    page = bob_app.get(decision.get_absolute_url())
    form = form_posting_to(page, "back/")
    form["backing-answer"] = "talk_first"
    page = form.submit()
    assert page.status_code == 200
    assert error_messages(page) == ["Enter what you would like to talk about"]
    assert_error_summary_links_resolve(page)
    form = form_posting_to(page, "back/")
    form["backing-comment"] = "What does her son think?"
    done = form.submit().follow()
    assertContains(done, "You have asked to talk first")
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.TALK_FIRST

    alice_app = app_for(alice)
    page = alice_app.get(decision.get_absolute_url())
    assertContains(page, "What does her son think?")
    page = page.click("Change the proposal and send it again")
    form = page.forms[PROPOSE_FORM]
    form["what_will_help"] = "Her son goes with her the first time."
    form["note"] = "Talked it through with Bob and her son"
    done = form.submit("send").follow()
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.WAITING
    assert decision.what_will_help == "Her son goes with her the first time."
    assertContains(done, "Revised and sent again")


def test_backing_sent_twice_backs_once(bob_app, decision):
    page = bob_app.get(decision.get_absolute_url())
    form = form_posting_to(page, "back/")
    form["backing-answer"] = "back"
    form.submit().follow()
    again = form.submit().follow()
    assertContains(again, "This decision was backed by Bob Manager")
    assert decision.steps.filter(kind=DecisionStepKind.BACKED).count() == 1


def test_backing_from_a_page_opened_before_a_change_is_refused(bob_app, alice, decision):
    page = bob_app.get(decision.get_absolute_url())
    decisions.decision_add_note(
        actor=Actor(alice),
        decision=decision,
        expected_version=decision.version,
        note="Her son agrees",
    )
    form = form_posting_to(page, "back/")
    form["backing-answer"] = "back"
    form["backing-comment"] = "Yes"
    page = form.submit()
    assert page.status_code == 200
    assertContains(page, "Someone else changed this decision")
    assertContains(page, "Her son agrees")
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.WAITING
    # What was typed is kept; sent again, knowing the change, it is saved.
    form = form_posting_to(page, "back/")
    assert form["backing-comment"].value == "Yes"
    form.submit().follow()
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.BACKED


def test_enter_in_the_backing_form_saves_nothing(bob_app, decision):
    page = bob_app.get(decision.get_absolute_url())
    form = form_posting_to(page, "back/")
    form["backing-answer"] = "back"
    page = form.submit("enter")
    assert page.status_code == 200
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.WAITING
    assert form_posting_to(page, "back/")["backing-answer"].value == "back"


# --- Locked text, notes ---------------------------------------------------------------


def test_once_backed_the_text_is_locked_and_later_thoughts_are_notes(alice_app, bob, decision):
    backed(decision, bob)
    page = alice_app.get(decision.get_absolute_url())
    assert not has_form_posting_to(page, "change/")
    assertNotContains(page, "Change the proposal")
    changing = alice_app.get(f"{decision.get_absolute_url()}change/").follow()
    assertContains(changing, "its text is locked")
    form = form_posting_to(page, "note/")
    form["note-note"] = "Her son bought her a season ticket"
    done = form.submit().follow()
    assertContains(done, "Your note has been added")
    assertContains(done, "Her son bought her a season ticket")
    step = decision.steps.last()
    assert (step.kind, step.by.full_name) == (DecisionStepKind.NOTE, "Alice Worker")


def test_a_note_sent_twice_is_added_once(alice_app, decision):
    page = alice_app.get(decision.get_absolute_url())
    form = form_posting_to(page, "note/")
    form["note-note"] = "Once only"
    form.submit().follow()
    again = form.submit()
    assert again.status_code == 200
    assertContains(again, "Someone else changed this decision")
    assert decision.steps.filter(kind=DecisionStepKind.NOTE).count() == 1


# --- The outcome --------------------------------------------------------------------


def test_the_outcome_form_comes_at_the_review_date(alice_app, bob, decision):
    backed(decision, bob)
    page = alice_app.get(decision.get_absolute_url())
    assert not has_form_posting_to(page, "outcome/")
    assertContains(page, "The outcome can be recorded from the review date")
    RiskDecision.objects.filter(pk=decision.pk).update(review_date=days(-1))
    page = alice_app.get(decision.get_absolute_url())
    assertContains(page, "Review overdue")
    form = form_posting_to(page, "outcome/")
    page = form.submit()
    assert set(error_messages(page)) == {"Select how it went", "Enter what was learned"}
    assert_error_summary_links_resolve(page)
    form = form_posting_to(page, "outcome/")
    form["outcome-outcome"] = "partly"
    form["outcome-learning"] = "The bus was fine; the crowd was too much."
    done = form.submit().follow()
    assertContains(done, "The outcome has been recorded")
    decision.refresh_from_db()
    assert decision.outcome == DecisionOutcome.PARTLY
    again = form.submit().follow()
    assertContains(again, "already recorded")
    assert decision.steps.filter(kind=DecisionStepKind.OUTCOME).count() == 1


def test_an_outcome_not_in_the_list_is_named_plainly(alice_app, bob, decision):
    """Altered page: not "Select how did it go? from the list"."""
    backed(decision, bob)
    RiskDecision.objects.filter(pk=decision.pk).update(review_date=days(-1))
    form = form_posting_to(alice_app.get(decision.get_absolute_url()), "outcome/")
    form["outcome-outcome"].force_value("brilliant")
    form["outcome-learning"] = "The bus was fine."
    page = form.submit()
    assert error_messages(page) == ["Select how it went from the list"]
    assert "The bus was fine." in page.text
    decision.refresh_from_db()
    assert decision.outcome == ""


# --- The list --------------------------------------------------------------------------


def test_the_list_shows_what_waits_and_filters(alice_app, alice, bob, person):
    waiting = RiskDecisionFactory(person=person, proposed_by=alice, what="Waiting one")
    review = RiskDecisionFactory(
        person=person, proposed_by=bob, what="Review one", backed=True, backed_by=bob
    )
    RiskDecision.objects.filter(pk=review.pk).update(review_date=days(-2))
    page = alice_app.get(LIST)
    assertContains(page, "Waiting one")
    assertNotContains(page, "Review one")
    form = page.forms[1]
    form["show"] = "review"
    page = form.submit()
    assertContains(page, "Review one")
    assertNotContains(page, "Waiting one")
    page = alice_app.get(LIST, {"show": "recent", "proposer": "me"})
    assertContains(page, "Waiting one")
    assertNotContains(page, "Review one")
    # A colleague's, as the team view links to them.
    page = alice_app.get(LIST, {"show": "recent", "proposer": str(bob.pk)})
    assertContains(page, "Review one")
    assertNotContains(page, "Waiting one")
    assert waiting


def test_the_list_filters_by_person_from_their_profile(alice_app, alice, bob, person, wigan):
    other = PersonFactory(team=wigan, created_by=alice, given_name="Eric", family_name="Other")
    RiskDecisionFactory(person=other, proposed_by=alice, what="Swim in the lido")
    mine = [
        RiskDecisionFactory(person=person, proposed_by=bob, what="Walk to the shop"),
        RiskDecisionFactory(
            person=person, proposed_by=alice, what="Go to the match", backed=True, backed_by=bob
        ),
    ]
    profile = alice_app.get(person.get_absolute_url())
    page = profile.click("See all decisions for Peggy Hughes")
    assert page.request.GET["show"] == "recent"
    assertContains(page, "2 decisions for Peggy Hughes")
    for decision in mine:
        assertContains(page, decision.what)
    assertNotContains(page, "Swim in the lido")
    # The filter on the list offers the people with a decision, and keeps
    # the person chosen while another filter changes.
    form = page.forms[1]
    assert [label for _value, _selected, label in form["person"].options] == [
        "Anyone",
        f"Peggy Hughes, born {person.date_of_birth:%-d %B %Y}",
        f"Eric Other, born {other.date_of_birth:%-d %B %Y}",
    ]
    form["show"] = "waiting"
    page = form.submit()
    assertContains(page, "1 decision for Peggy Hughes")
    assertContains(page, "Walk to the shop")
    assertNotContains(page, "Go to the match")
    form = page.forms[1]
    form["person"] = str(other.pk)
    form["show"] = "recent"
    page = form.submit()
    assertContains(page, "1 decision for Eric Other")
    assertContains(page, "Swim in the lido")


def test_another_teams_person_is_refused_as_a_missing_one(alice_app, decision, carol, leigh):
    """As for any filter value not on offer: named in the error summary, and
    the list as if no person were chosen; nothing of the other team's person,
    nor a different answer that would tell whether the record exists."""
    # A name of their own: a made-up one can be Hughes, as ours is.
    theirs = PersonFactory(team=leigh, created_by=carol, family_name="Otherteamson")
    RiskDecisionFactory(person=theirs, proposed_by=carol, what="Their secret plan")
    pages = [
        alice_app.get(LIST, {"show": "recent", "person": str(person_pk)})
        for person_pk in (theirs.pk, 999999, "not-a-number")
    ]
    for page in pages:
        assert page.status_code == 200
        assert error_messages(page) == ["Select a person from the list"]
        assertContains(page, "1 decision</h2>", html=False)
        assertContains(page, decision.what)
        assertNotContains(page, "Their secret plan")
        assertNotContains(page, theirs.family_name)


def test_a_restricted_record_is_not_offered_to_a_colleague_who_may_not_open_it(
    django_app, alice, bob, person, wigan
):
    """Their name, date of birth and decisions stay out of the filter, as out
    of the list, for anyone not named on the restriction."""
    other = PersonFactory(team=wigan, created_by=alice, family_name="Other")
    RiskDecisionFactory(person=other, proposed_by=alice, what="Swim in the lido")
    RiskDecisionFactory(person=person, proposed_by=alice, what="Go to the match")
    people_services.person_restrict(
        actor=Actor(user=bob), person=person, named=[alice], reason="Her daughter works here"
    )
    erin = UserFactory(full_name="Erin Colleague", role=Role.FRONTLINE, teams=[wigan])
    django_app.set_user(erin)
    page = django_app.get(LIST, {"show": "recent"})
    assert [label for _v, _s, label in page.forms[1]["person"].options][1:] == [
        f"{other.display_name}, born {other.date_of_birth:%-d %B %Y}"
    ]
    assertNotContains(page, "Hughes")
    page = django_app.get(LIST, {"show": "recent", "person": person.pk})
    assert error_messages(page) == ["Select a person from the list"]
    assertNotContains(page, "Go to the match")
    # Alice, named on it, is offered Peggy.
    django_app.set_user(alice)
    page = django_app.get(LIST, {"show": "recent", "person": person.pk})
    assertContains(page, "1 decision for Peggy Hughes")


def test_a_filter_value_not_on_offer_is_named_and_the_default_used(alice_app, decision):
    page = alice_app.get(LIST, {"show": "everything!"})
    assert page.status_code == 200
    assert "Select which decisions to show from the list" in error_messages(page)
    assertContains(page, decision.what)


def queries_for(client, path, query=None) -> int:
    # A first request renews the session's idle clock (at most once a
    # minute): measure the one after, so both counts are alike.
    client.get(path, query or {})
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, query or {})
    assert response.status_code == 200
    return len(queries)


def test_list_query_count_is_the_same_at_5_and_50(alice_client, alice, bob, wigan):
    def add(rows):
        for n in range(rows):
            person = PersonFactory(team=wigan, created_by=alice)
            RiskDecisionFactory(person=person, proposed_by=alice if n % 2 else bob)

    add(5)
    at_5 = queries_for(alice_client, LIST, {"show": "recent"})
    add(45)
    at_50 = queries_for(alice_client, LIST, {"show": "recent"})
    assert at_5 == at_50 <= 12
    # Filtered to one person, too.
    person = RiskDecision.objects.first().person_id
    at_50_one = queries_for(alice_client, LIST, {"show": "recent", "person": person})
    assert at_50_one == at_50
    response = alice_client.get(LIST, {"show": "recent"})
    assert len(response.context["page"].object_list) == 25


def test_the_list_pages(alice_client, alice, wigan):
    for _ in range(30):
        RiskDecisionFactory(person=PersonFactory(team=wigan, created_by=alice), proposed_by=alice)
    first = alice_client.get(LIST)
    assert len(first.context["page"].object_list) == 25
    second = alice_client.get(LIST, {"page": 2})
    assert len(second.context["page"].object_list) == 5


# --- The learning page ----------------------------------------------------------------


def test_the_learning_page_lists_outcomes_and_learning_without_names(alice_app, alice, bob, person):
    money = ThemeFactory(name="Money")
    well = RiskDecisionFactory(
        person=person,
        proposed_by=alice,
        with_outcome=True,
        backed_by=bob,
        what="Manage her own money",
        learning="Small steps first",
    )
    well.themes.set([money])
    RiskDecisionFactory(
        person=person,
        proposed_by=alice,
        with_outcome=True,
        backed_by=bob,
        what="Walk to the shop",
        outcome=DecisionOutcome.NOT_AS_HOPED,
        learning="The road crossing needed a look first",
    )
    RiskDecisionFactory(person=person, proposed_by=alice, what="Still waiting")
    page = alice_app.get(LEARNING)
    assertContains(page, "Small steps first")
    assertContains(page, "The road crossing needed a look first")
    assertNotContains(page, "Still waiting")
    assertContains(page, "Went well: 1")
    assertContains(page, "Did not go as hoped: 1")
    # To learn, not to blame: no staff names.
    main = page.html.select_one("main").get_text()
    assert "Alice" not in main
    assert "Bob" not in main
    form = page.forms[1]
    form["outcome"] = "not_as_hoped"
    filtered = form.submit()
    assertContains(filtered, "The road crossing")
    assertNotContains(filtered, "Small steps first")
    # What was planned is not said to have helped a decision that did not go
    # as hoped.
    assertContains(filtered, "What was planned to help it go well")
    assertNotContains(filtered, "What helped it go well")
    by_theme = alice_app.get(LEARNING, {"theme": str(money.pk)})
    assertContains(by_theme, "Small steps first")
    assertNotContains(by_theme, "The road crossing")


def test_learning_query_count_is_the_same_at_5_and_50(alice_client, alice, bob, wigan):
    theme = ThemeFactory(name="Loneliness")

    def add(rows):
        for _ in range(rows):
            decision = RiskDecisionFactory(
                person=PersonFactory(team=wigan, created_by=alice),
                proposed_by=alice,
                backed_by=bob,
                with_outcome=True,
            )
            decision.themes.set([theme])

    add(5)
    at_5 = queries_for(alice_client, LEARNING)
    add(45)
    at_50 = queries_for(alice_client, LEARNING)
    assert at_5 == at_50 <= 11
    assert len(alice_client.get(LEARNING).context["page"].object_list) == 25


@pytest.mark.parametrize("rows", [5, 50])
def test_decision_page_query_count_does_not_grow_with_its_trail(
    alice_client, alice, decision, rows, django_assert_max_num_queries
):
    for n in range(rows):
        decisions.decision_add_note(
            actor=Actor(alice), decision=decision, expected_version=decision.version, note=f"{n}"
        )
    with django_assert_max_num_queries(12):
        response = alice_client.get(decision.get_absolute_url())
    assert response.status_code == 200


# --- Changing a proposal ----------------------------------------------------------


def test_a_change_made_over_someone_elses_is_refused_keeping_what_was_typed(
    alice_app, bob, decision
):
    page = alice_app.get(f"{decision.get_absolute_url()}change/")
    form = page.forms[PROPOSE_FORM]
    form["what_will_help"] = "Her son goes with her the first time"
    decisions.decision_add_note(
        actor=Actor(bob), decision=decision, expected_version=decision.version, note="Looks good"
    )
    page = form.submit("send")
    assert page.status_code == 200
    assertContains(page, "Someone else changed this proposal")
    assert (
        page.forms[PROPOSE_FORM]["what_will_help"].value == "Her son goes with her the first time"
    )
    decision.refresh_from_db()
    assert decision.what_will_help != "Her son goes with her the first time"
    page.forms[PROPOSE_FORM].submit("send").follow()
    decision.refresh_from_db()
    assert decision.what_will_help == "Her son goes with her the first time"


def test_a_proposal_backed_while_it_was_being_changed_keeps_its_words(alice_app, bob, decision):
    page = alice_app.get(f"{decision.get_absolute_url()}change/")
    form = page.forms[PROPOSE_FORM]
    form["what"] = "Something else altogether"
    backed(decision, bob)
    done = form.submit("send").follow()
    assertContains(done, "its text is locked")
    decision.refresh_from_db()
    assert decision.what == "Go to the match by bus"


def test_only_who_proposed_it_is_offered_changing_it(app_for, bob, wigan, decision):
    colleague = UserFactory(role=Role.FRONTLINE, teams=[wigan])
    for user in (colleague, bob):
        app = app_for(user)
        assert not app.get(decision.get_absolute_url()).html.find(
            "a", href=f"{decision.get_absolute_url()}change/"
        )
        assert (
            app.get(f"{decision.get_absolute_url()}change/", expect_errors=True).status_code == 403
        )


# --- My work and the profile ----------------------------------------------------------


def test_my_work_shows_a_workers_waiting_proposals_and_overdue_reviews(
    alice_app, alice, bob, person
):
    RiskDecisionFactory(person=person, proposed_by=alice, what="Still waiting for Bob")
    overdue = RiskDecisionFactory(
        person=person, proposed_by=alice, what="Review me", backed=True, backed_by=bob
    )
    RiskDecision.objects.filter(pk=overdue.pk).update(review_date=days(-2))
    RiskDecisionFactory(
        person=person, proposed_by=alice, what="Backed, review later", backed=True, backed_by=bob
    )
    page = alice_app.get("/")
    assertContains(page, "Your proposals waiting")
    assertContains(page, "Still waiting for Bob")
    assertContains(page, "Reviews overdue")
    assertContains(page, "Review me")
    assertNotContains(page, "Backed, review later")
    assertNotContains(page, "Waiting for you to back")


def test_my_work_shows_a_manager_what_waits_for_their_backing_not_their_own(
    bob_app, alice, bob, person, carol, leigh
):
    RiskDecisionFactory(person=person, proposed_by=alice, what="Alice's proposal")
    RiskDecisionFactory(person=person, proposed_by=bob, what="Bob's own proposal")
    RiskDecisionFactory(
        person=PersonFactory(team=leigh, created_by=carol), proposed_by=carol, what="Leigh's"
    )
    page = bob_app.get("/")
    section = page.html.find(id="my-decisions").find_parent()
    text = section.get_text()
    assert "Waiting for you to back" in text
    assert "Alice's proposal" in text
    assert "Leigh's" not in page.text
    # His own is among his proposals waiting, not among those for him to back.
    to_back = page.html.find("h3", string="Waiting for you to back").find_next("ul").get_text()
    assert "Bob's own proposal" not in to_back


def test_nothing_waiting_shows_no_decisions_on_my_work(alice_app, alice):
    assertNotContains(alice_app.get("/"), 'id="my-decisions"')


def test_the_profile_lists_the_persons_decisions_and_offers_proposing(alice_app, person, decision):
    page = alice_app.get(person.get_absolute_url())
    assertContains(page, "Positive-risk decisions")
    assert page.html.find("a", href=decision.get_absolute_url())
    page = page.click(href=f"/risks/propose/{person.pk}/", index=0).follow()
    assertContains(page, "Propose a positive-risk decision")
