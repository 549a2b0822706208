"""The staff pulse: asked once a month, skippable, anonymous to managers,
and shown only where at least 5 people answered."""

import datetime as dt

import pytest
from django.db import models
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from deal import pulse
from deal.models import PulseAnswer, PulseAsked, User
from tests.factories import TeamFactory

TEAM = "/team/"


def last_month() -> dt.date:
    return pulse.month_of(pulse.month_of(timezone.localdate()) - dt.timedelta(days=1))


def answers(team, month, *rows):
    PulseAnswer.objects.bulk_create(
        [PulseAnswer(team=team, month=month, can_act=a, backed=b, right_job=c) for a, b, c in rows]
    )


def test_no_column_links_an_answer_to_anyone():
    for field in PulseAnswer._meta.get_fields():
        assert not (field.is_relation and field.related_model is User), field.name
        assert not isinstance(field, models.DateTimeField | models.AutoField), field.name
    # The key is random, so the order of rows says nothing about who came when.
    assert isinstance(PulseAnswer._meta.pk, models.UUIDField)
    # What is kept of the person asked says nothing of what they said.
    assert {f.name for f in PulseAsked._meta.concrete_fields} == {"id", "user", "asked_on"}


def test_answer_through_the_rendered_form(bob_app, bob, wigan):
    page = bob_app.get(TEAM)
    assertContains(page, "Three quick questions")
    form = page.forms["pulse-form"] if "pulse-form" in page.forms else page.forms[1]
    form["can_act"] = "5"
    form["backed"] = "4"
    done = form.submit("send").follow()
    assertContains(done, "Your answers are kept without your name")
    assertNotContains(done, "Three quick questions")
    answer = PulseAnswer.objects.get()
    assert (answer.team, answer.month) == (wigan, pulse.month_of(timezone.localdate()))
    assert (answer.can_act, answer.backed, answer.right_job) == (5, 4, None)
    assert PulseAsked.objects.get().user == bob
    # Sent again (Back, then send): nothing more is kept.
    form.submit("send")
    assert PulseAnswer.objects.count() == 1
    assert PulseAsked.objects.count() == 1


def test_skip_with_one_button(bob_app, bob):
    form = bob_app.get(TEAM).forms[1]
    done = form.submit("skip").follow()
    assertContains(done, "You skipped this month’s questions")
    assert PulseAnswer.objects.count() == 0
    assert PulseAsked.objects.filter(user=bob).count() == 1
    assertNotContains(done, "Three quick questions")


def test_sending_nothing_asks_again(bob_app):
    form = bob_app.get(TEAM).forms[1]
    page = form.submit("send").follow()
    assertContains(page, "Choose an answer to at least one question, or skip them")
    assertContains(page, "Three quick questions")
    assert PulseAsked.objects.count() == 0


def test_asked_again_after_pulse_every_days(settings, bob):
    settings.PULSE_EVERY_DAYS = 30
    today = timezone.localdate()
    PulseAsked.objects.create(user=bob, asked_on=today - dt.timedelta(days=29))
    assert not pulse.is_due(bob, today)
    assert pulse.is_due(bob, today + dt.timedelta(days=1))


def test_only_staff_with_a_team_are_asked(dave, wigan):
    assert not pulse.is_due(dave)
    assert not pulse.is_due(User.objects.create_user("x@example.org", full_name="No Team"))


def test_someone_in_two_teams_counts_in_each(alice, leigh):
    from deal.factories import join_team

    join_team(alice, leigh)
    alice = User.objects.get(pk=alice.pk)
    assert pulse.record(alice, {"can_act": 3, "backed": 3, "right_job": 3})
    assert PulseAnswer.objects.count() == 2


def test_figures_need_at_least_five_answers(wigan, leigh):
    month = last_month()
    answers(wigan, month, (5, 4, 1), (4, 2, 2), (1, 5, 3), (2, None, 5), (5, 4, 4))
    answers(leigh, month, (5, 5, 5), (5, 5, 5), (5, 5, 5), (5, 5, 5))
    found = {f.team_id: f for f in pulse.team_month_figures([wigan.pk, leigh.pk], month, month)}
    wigan_figures = found[wigan.pk]
    assert wigan_figures.answers == 5
    assert not wigan_figures.too_few
    # can_act: 3 of 5 agree; backed: only 4 answered it, too few; right_job: 2 of 5.
    assert wigan_figures.agree == {"can_act": 60, "backed": None, "right_job": 40}
    assert found[leigh.pk].too_few
    assert found[leigh.pk].agree == {"can_act": None, "backed": None, "right_job": None}


def test_months_with_no_answers_are_given_as_none(wigan):
    months = pulse.recent_months(3)
    figures = pulse.team_month_figures([wigan.pk], months[0], months[-1])
    assert [f.month for f in figures] == months
    assert all(f.answers == 0 and f.too_few for f in figures)


def test_the_team_view_shows_last_month_and_too_few(bob_client, wigan, leigh):
    answers(wigan, last_month(), *[(4, 4, 4)] * 4, (1, 1, 1))
    response = bob_client.get(TEAM)
    assertContains(response, "80%", count=3)
    answers(leigh, last_month(), (4, 4, 4))
    team = TeamFactory(name="Small team")
    assert team.pk
    # The month under way is not shown, so one more answer cannot be picked out.
    answers(wigan, pulse.month_of(timezone.localdate()), *[(5, 5, 5)] * 9)
    response = bob_client.get(TEAM)
    assertNotContains(response, "100%")
    assertContains(response, "Too few answers")
    assertNotContains(response, "Leigh")


@pytest.mark.parametrize("who", ["alice", "carol"])
def test_workers_see_no_team_figures(client, who, request, wigan):
    client.force_login(request.getfixturevalue(who))
    assert client.get(TEAM).status_code == 404


def test_my_work_asks_the_pulse_and_skipping_goes_back_there(alice_app, alice):
    home = alice_app.get("/")
    assertContains(home, "Three quick questions")
    form = home.forms[1]
    assert form["next"].value == "/"
    done = form.submit("skip")
    assert done["Location"] == "/"
    assertNotContains(done.follow(), "Three quick questions")


def test_a_managers_my_work_links_to_the_team_view(client, bob, alice):
    client.force_login(bob)
    home = client.get("/")
    assertContains(home, 'href="/team/">Your team</a>', count=1)
    assertContains(home, 'href="/team/"', count=2)
    client.force_login(alice)
    assertNotContains(client.get("/"), "Your team")


def test_a_link_elsewhere_is_not_followed_after_the_pulse(alice_app):
    form = alice_app.get("/").forms[1]
    form["next"].force_value("https://elsewhere.example/")
    assert form.submit("skip")["Location"] == "/"


def test_demo_data_shows_one_teams_pulse_and_a_comment(db, client, monkeypatch):
    from django.core.management import call_command

    from conversations.models import ConversationComment

    monkeypatch.setenv("DEMO_PASSWORD", "demo pass phrase")
    call_command("seed_demo", force=True)
    call_command("seed_demo", force=True)  # again: nothing doubles
    assert ConversationComment.objects.count() == 1
    manager = User.objects.get(email="manager@example.org")
    client.force_login(manager)
    response = client.get(TEAM)
    figures = response.context["tables"][0]["pulse"]
    assert [f.too_few for f in figures[-3:]] == [False, False, False]
    assert figures[-1].answers == 7
    worker = User.objects.get(email="worker@example.org")
    client.force_login(worker)
    assertContains(client.get("/"), "New comments from your manager")


def test_the_team_view_says_fewer_than_five_not_how_many(client, bob, wigan):
    """Seen: three answers showed "3 … Too few answers" on the team view,
    while the reports say only "Fewer than 5"."""
    from deal.models import PulseAnswer
    from deal.pulse import recent_months

    month = recent_months(2)[0]
    for _ in range(3):
        PulseAnswer.objects.create(team=wigan, month=month, can_act=4)
    client.force_login(bob)
    page = client.get("/team/").content.decode()
    row = page.split(month.strftime("%B %Y"))[1].split("</tr>")[0]
    assert "Fewer than 5" in row
    assert ">3<" not in row
