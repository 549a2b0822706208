"""Prepared queries (deal/prepared.py): compiled once a shape, the same rows
as the queryset they stand for."""

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import Count
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deal import prepared as prepared_module
from deal.factories import TeamFactory, UserFactory, join_team
from deal.models import Membership, Role, User
from deal.prepared import by_pk, prepared

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def members_since(*, team_ids, since, role):
    """Confirmed members of some teams since a moment, in a role, with their
    user and team: joins, a deferral, an IN list, a datetime and a string."""
    return (
        Membership.objects.filter(team_id__in=team_ids, confirmed_at__gte=since, user__role=role)
        .select_related("user", "team")
        .only("confirmed_at", "user__full_name", "team__name")
        .order_by("team__name", "user__full_name", "pk")
    )


prepared_members = prepared(members_since)


@pytest.fixture
def council():
    teams = [TeamFactory(name=f"Team {n}") for n in range(4)]
    for n in range(12):
        user = UserFactory(
            full_name=f"{'AB'[n % 2]}lex {n}",
            email=f"m{n}@example.org",
            role=(Role.FRONTLINE, Role.MANAGER)[n % 2],
        )
        join_team(user, teams[n % 4])
        join_team(user, teams[(n + 1) % 4])
        # Confirmed at different moments, a day apart.
        Membership.objects.filter(user=user).update(confirmed_at=NOW - dt.timedelta(days=n))
    return teams


def as_shown(memberships):
    return [(m.pk, m.user.full_name, m.team.name, m.confirmed_at) for m in memberships]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    picked=st.lists(st.integers(min_value=0, max_value=5), max_size=6),
    days=st.integers(min_value=-1, max_value=13),
    role=st.sampled_from([Role.FRONTLINE, Role.MANAGER, Role.ADMIN]),
)
def test_the_same_rows_as_the_queryset_for_any_values(council, picked, days, role):
    # Ids of no team among them, repeated ones and none at all.
    team_ids = [council[i].pk if i < 4 else 10_000 + i for i in picked]
    since = NOW - dt.timedelta(days=days)
    expected = as_shown(members_since(team_ids=team_ids, since=since, role=role))
    got = as_shown(prepared_members(team_ids=team_ids, since=since, role=role))
    assert got == expected


def test_built_once_a_shape_and_read_in_one_query(council, settings, django_assert_num_queries):
    settings.PREPARED_QUERIES_CHECK = False
    built = []

    @prepared
    def query(*, team_ids, since, role):
        built.append(len(team_ids))
        return members_since(team_ids=team_ids, since=since, role=role)

    for team in council:
        with django_assert_num_queries(1):
            rows = query(team_ids=[team.pk], since=NOW - dt.timedelta(days=30), role=Role.MANAGER)
            assert len(rows) == 3
            # What select_related and only read is there without a query.
            assert {m.team.name for m in rows} == {team.name}
            assert all(m.user.full_name for m in rows)
    query(team_ids=[council[0].pk, council[1].pk], since=NOW, role=Role.MANAGER)
    # Three compiles for the first shape (two sets of stand-ins, then its
    # first real values), three for the second, none for a shape again.
    assert built == [1, 1, 1, 2, 2, 2]


def test_values_lists_and_annotations_come_back_as_the_orm_gives_them(council):
    @prepared
    def team_sizes(*, team_ids):
        return (
            Membership.objects.filter(team_id__in=team_ids)
            .values_list("team__name")
            .annotate(n=Count("pk"))
            .order_by("team__name")
        )

    @prepared
    def names(*, role):
        return (
            User.objects.filter(role=role).order_by("full_name").values_list("full_name", flat=True)
        )

    assert team_sizes(team_ids=[t.pk for t in council[:2]]) == [("Team 0", 6), ("Team 1", 6)]
    assert names(role=Role.MANAGER) == [f"Blex {n}" for n in (1, 11, 3, 5, 7, 9)]


def test_an_empty_list_gives_no_rows_and_no_query(council, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert prepared_members(team_ids=[], since=NOW, role=Role.MANAGER) == []


def test_a_date_is_bound_as_the_orm_binds_it(council):
    @prepared
    def confirmed_by(*, day):
        return Membership.objects.filter(confirmed_at__date__lte=day).order_by("pk")

    day = timezone.localdate(NOW) - dt.timedelta(days=3)
    expected = list(Membership.objects.filter(confirmed_at__date__lte=day).order_by("pk"))
    assert confirmed_by(day=day) == expected
    assert 0 < len(expected) < Membership.objects.count()


def test_a_value_the_orm_rewrites_is_refused():
    @prepared
    def matching(*, text):
        return User.objects.filter(full_name__icontains=text)

    @prepared
    def starting(*, text):
        return User.objects.filter(full_name__startswith=text)

    with pytest.raises(ImproperlyConfigured, match="rewritten"):
        starting(text="alex")

    with pytest.raises(ImproperlyConfigured, match="rewritten"):
        matching(text="alex")


def test_a_query_that_branches_on_a_value_is_refused():
    @prepared
    def branching(*, user_id):
        users = User.objects.filter(pk=user_id)
        # The two sets of stand-ins fall on different sides of this.
        return users.filter(is_active=True) if user_id % 7 == 6 else users

    with pytest.raises(ImproperlyConfigured, match="changes with the values"):
        branching(user_id=5)


def test_the_check_catches_sql_that_no_longer_matches_what_was_bound(council, settings):
    settings.PREPARED_QUERIES_CHECK = True
    ordering = ["full_name"]

    @prepared
    def users(*, role):
        return User.objects.filter(role=role).order_by(*ordering)

    users(role=Role.MANAGER)
    ordering[:] = ["-full_name"]
    with pytest.raises(AssertionError, match="but the ORM compiles"):
        users(role=Role.MANAGER)


def test_past_the_most_shapes_a_call_builds_its_queryset_as_usual(council, monkeypatch):
    monkeypatch.setattr(prepared_module, "MOST_SHAPES", 1)
    query = prepared(members_since)
    since = NOW - dt.timedelta(days=30)
    for count in (1, 2, 3):
        team_ids = [t.pk for t in council[:count]]
        assert as_shown(query(team_ids=team_ids, since=since, role=Role.MANAGER)) == as_shown(
            members_since(team_ids=team_ids, since=since, role=Role.MANAGER)
        )
    assert len(query.plans) == 1


def test_a_value_of_a_kind_it_cannot_bind_is_refused():
    with pytest.raises(ImproperlyConfigured, match="cannot take"):
        prepared_members(team_ids=[1.5], since=NOW, role=Role.MANAGER)


@pytest.mark.parametrize("user_id", [2**31, 2**63, 10**30, -(2**40)])
def test_a_number_past_any_column_matches_nothing_as_the_orm_says(user_id):
    @prepared
    def user(*, user_id):
        return User.objects.filter(pk=user_id)

    assert user(user_id=user_id) == []


# Found in review: each gave other rows than the ORM with the check off, as
# in use.


def names(rows):
    return sorted(u.full_name for u in rows)


def test_a_number_column_of_a_small_range_is_bound_not_emptied(settings):
    settings.PREPARED_QUERIES_CHECK = False
    UserFactory(full_name="Ann", session_version=3)

    @prepared
    def by_version(*, version):
        return User.objects.filter(session_version=version)

    assert names(by_version(version=3)) == ["Ann"]
    assert names(by_version(version=4)) == []


def test_a_condition_on_a_small_range_is_kept(settings):
    settings.PREPARED_QUERIES_CHECK = False
    UserFactory(full_name="Ann", session_version=1)
    UserFactory(full_name="Bob", session_version=9)

    @prepared
    def at_least(*, version):
        return User.objects.filter(session_version__gte=version).exclude(admin_requested_by=version)

    assert names(at_least(version=5)) == ["Bob"]
    assert names(at_least(version=1)) == ["Ann", "Bob"]


def test_a_value_its_lookup_escapes_is_refused_or_bound_as_itself(settings):
    settings.PREPARED_QUERIES_CHECK = False
    UserFactory(full_name="abc")

    @prepared
    def named(*, name):
        return User.objects.filter(full_name__iexact=name)

    if connection.vendor == "sqlite":
        # LIKE, with % _ and \\ escaped in the value: not bindable.
        with pytest.raises(ImproperlyConfigured, match="rewritten"):
            named(name="a_c")
    else:
        # UPPER(full_name) = UPPER(%s): the value as itself.
        assert names(named(name="a_c")) == []
        assert names(named(name="ABC")) == ["abc"]


def test_a_naive_moment_is_read_in_the_current_time_zone_as_the_orm_reads_it(settings):
    settings.PREPARED_QUERIES_CHECK = False
    ann = UserFactory(full_name="Ann")
    # 12:30 UTC is 13:30 in London (summer time).
    User.objects.filter(pk=ann.pk).update(
        date_joined=dt.datetime(2024, 7, 1, 12, 30, tzinfo=dt.UTC)
    )

    @prepared
    def joined_since(*, since):
        return User.objects.filter(date_joined__gte=since)

    assert names(joined_since(since=dt.datetime(2024, 7, 1, 13, 0))) == ["Ann"]
    assert names(joined_since(since=dt.datetime(2024, 7, 1, 14, 0))) == []


def test_a_shape_the_orm_reads_otherwise_for_real_values_is_left_to_it(settings, caplog):
    settings.PREPARED_QUERIES_CHECK = False
    UserFactory(full_name="Ann", session_version=3)

    @prepared
    def by_version(*, version):
        # Past a positive column's range for the real value, not the stand-in.
        return User.objects.filter(session_version__gt=version)

    assert names(by_version(version=-5)) == ["Ann"]
    assert "left to the ORM" in caplog.text
    assert names(by_version(version=-7)) == ["Ann"]


def test_more_values_than_stand_ins_go_to_the_orm(council):
    team_ids = list(range(1, 5000)) + [council[0].pk]
    since = NOW - dt.timedelta(days=30)
    assert as_shown(prepared_members(team_ids=team_ids, since=since, role=Role.MANAGER)) == (
        as_shown(members_since(team_ids=team_ids, since=since, role=Role.MANAGER))
    )


def test_by_pk_gives_the_row_or_none_for_no_row_and_no_number():
    ann = UserFactory(full_name="Ann")

    @prepared
    def user(*, pk):
        return User.objects.filter(pk=pk)

    assert by_pk(user, ann.pk) == ann
    assert by_pk(user, str(ann.pk)) == ann
    for nothing in (ann.pk + 1, "abc", None, "", 10**30):
        assert by_pk(user, nothing) is None
