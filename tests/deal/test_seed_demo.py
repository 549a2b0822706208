"""manage.py seed_demo: the demo data make run loads."""

import pytest
from django.core.management import CommandError, call_command

from conversations.demo import DECISIONS
from conversations.history import conversation_changes
from conversations.models import AgreedAction, Conversation, DecisionStatus, RiskDecision
from deal.models import Role, Team, User
from people.models import Person
from people.search import normalise_nhs_number, normalise_postcode


def test_refuses_with_debug_off(db, settings):
    settings.DEBUG = False
    settings.ALLOW_DEMO_DATA = False
    with pytest.raises(CommandError, match="Refusing"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_loads_teams_staff_and_people_once(db, settings, monkeypatch, capsys):
    monkeypatch.setenv("DEMO_PASSWORD", "demo pass phrase")
    call_command("seed_demo", force=True)
    call_command("seed_demo", force=True)  # again: nothing doubles
    out = capsys.readouterr().out
    assert "demo pass phrase" in out
    assert Team.objects.count() == 2
    assert set(User.objects.values_list("email", "role")) == {
        ("worker@example.org", Role.FRONTLINE),
        ("manager@example.org", Role.MANAGER),
        ("worker2@example.org", Role.FRONTLINE),
        ("admin@example.org", Role.ADMIN),
        ("ig@example.org", Role.IG),
    }
    assert 55 <= Person.objects.count() <= 65
    worker = User.objects.get(email="worker@example.org")
    worker2 = User.objects.get(email="worker2@example.org")
    assert set(worker.teams.all()).isdisjoint(worker2.teams.all())
    assert not User.objects.get(email="admin@example.org").teams.exists()
    ig = User.objects.get(email="ig@example.org")
    assert not ig.teams.exists() and not ig.is_admin_waiting
    # Every demo join is confirmed, by the demo manager (hers by nobody).
    manager = User.objects.get(email="manager@example.org")
    assert worker.team_ids() and worker2.team_ids()
    assert {m.confirmed_by for m in worker.memberships.all()} == {manager}
    assert User.objects.get(email="worker@example.org").check_password("demo pass phrase")
    for person in Person.objects.all():
        assert normalise_postcode(person.postcode) == person.postcode
        assert normalise_nhs_number(person.nhs_number) == person.nhs_number
    # One record restricted to the worker, which the manager must give a
    # reason to open; an opening of the manager's from last week is listed.
    restricted = Person.objects.get(is_restricted=True)
    assert list(restricted.restricted_to.all()) == [worker]
    assert Person.objects.closed_to(manager).filter(pk=restricted.pk).exists()
    assert not Person.objects.closed_to(worker).exists()
    assert restricted.break_glasses.get().user == manager
    # Conversations and actions in every state, so each page has something to show.
    assert Conversation.objects.count() >= 30
    assert Conversation.objects.drafts_of(worker).exists()
    assert AgreedAction.objects.visible_to(worker).responsible(worker).overdue().exists()
    assert set(AgreedAction.objects.values_list("status", flat=True)) >= {"open", "done"}
    # Their histories say they were recorded, by their worker, and nothing
    # more: the themes and entries chosen with them are not corrections.
    for conversation in Conversation.objects.exclude(themes=None)[:10]:
        changes = conversation_changes(conversation)
        assert [(c.created, c.by) for c in changes] == [(True, conversation.recorded_by)]
    for action in AgreedAction.objects.select_related("conversation", "person"):
        assert action.team_id == action.person.team_id
        assert action.due >= action.conversation.happened_at.date()
        # A closed action says when, as its trail does, so "Closed in the
        # last 30 days" finds it.
        if action.status in ("open", "draft"):
            assert action.closed_at is None
        else:
            assert action.closed_at == action.follow_ups.get(kind="status").at
    # Positive-risk decisions in every state, made once, each backed by the
    # manager of its person's team and never by whoever proposed it.
    decisions = RiskDecision.objects.select_related("person")
    assert decisions.count() == len(DECISIONS)
    assert set(decisions.values_list("status", flat=True)) == set(DecisionStatus.values)
    assert RiskDecision.objects.review_overdue().exists()
    for decision in decisions:
        assert decision.team_id == decision.person.team_id
        assert decision.steps.exists()
        if decision.backed_by_id:
            assert decision.backed_by == manager != decision.proposed_by


def test_makes_up_a_password_when_none_is_given(db, monkeypatch, capsys):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    call_command("seed_demo", force=True)
    out = capsys.readouterr().out
    password = out.split("password: ")[1].split()[0]
    assert len(password) >= 12
    assert User.objects.get(email="manager@example.org").check_password(password)
