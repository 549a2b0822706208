"""The app's PostgreSQL role cannot rewrite the audit log, the change
histories or the action trails (deal.database_roles).

These run on PostgreSQL only; .ci/run runs them and fails if they are skipped
(REQUIRE_POSTGRES)."""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg2
import pytest
from django.core.management import call_command
from django.db import connection

from deal.database_roles import (
    app_role,
    append_only_tables,
    as_owner,
    owner_credentials,
    privilege_sql,
    role_sql,
)

pytestmark = pytest.mark.django_db(transaction=True)
NEEDS_POSTGRES = (
    "needs PostgreSQL: SQLite has no database roles or grants to test; set DATABASE_URL "
    "to a PostgreSQL database (CI does, with REQUIRE_POSTGRES=1)"
)


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        if os.environ.get("REQUIRE_POSTGRES"):
            pytest.fail("REQUIRE_POSTGRES is set but the tests are not on PostgreSQL")
        pytest.skip(reason=NEEDS_POSTGRES)


def test_every_append_only_table_is_listed():
    tables = append_only_tables()
    assert "deal_auditevent" in tables
    assert "conversations_followup" in tables
    # Who gave a reason to open a restricted record, and why.
    assert "people_breakglass" in tables
    history = [t for t in tables if "_historical" in t]
    assert {"people_historicalperson", "conversations_historicalconversation"} <= set(history)
    assert "people_person" not in tables


def test_the_command_prints_the_sql(capsys):
    call_command("create_database_roles", "--owner", "o_role", "--app", "a_role")
    out = capsys.readouterr().out
    assert 'REVOKE UPDATE, DELETE ON "deal_auditevent" FROM "a_role";' in out
    assert 'ALTER DEFAULT PRIVILEGES FOR ROLE "o_role"' in out
    assert "TRUNCATE" not in out.replace("REVOKE ALL", "")


@dataclass
class Roles:
    owner: str
    app: str
    password: str


@pytest.fixture
def roles(postgres):
    """The owner and app roles. When the suite runs as the app role (CI, with
    MIGRATION_DATABASE_URL), those; otherwise an owner and an app role of this
    test's own (roles are shared by every database on the server), given the
    test database's tables as in live use."""
    if app_role():
        yield Roles(
            owner=owner_credentials()["USER"],
            app=app_role(),
            password=connection.settings_dict["PASSWORD"],
        )
        return
    suffix = uuid.uuid4().hex[:8]
    owner, app = f"test_owner_{suffix}", f"test_app_{suffix}"
    database = connection.settings_dict["NAME"]
    with connection.cursor() as cursor:
        for statement in role_sql(owner=owner, app=app, database=database):
            cursor.execute(statement)
        cursor.execute(f'ALTER ROLE "{app}" PASSWORD %s', [suffix])
        cursor.execute(f'SET ROLE "{owner}"')
        tables = connection.introspection.table_names(cursor)
        for statement in privilege_sql(owner=owner, app=app, tables=tables):
            cursor.execute(statement)
        cursor.execute("RESET ROLE")
    yield Roles(owner=owner, app=app, password=suffix)
    with connection.cursor() as cursor:
        user = connection.settings_dict["USER"] or "postgres"
        cursor.execute(f'ALTER DATABASE "{database}" OWNER TO "{user}"')
        cursor.execute("ALTER SCHEMA public OWNER TO pg_database_owner")
        cursor.execute(f'REASSIGN OWNED BY "{owner}" TO "{user}"')
        for role in (app, owner):
            cursor.execute(f'DROP OWNED BY "{role}"')
            cursor.execute(f'DROP ROLE "{role}"')


@contextmanager
def owner_cursor(roles: Roles):
    """A cursor acting as the owner role."""
    if app_role():
        with as_owner(), connection.cursor() as cursor:
            yield cursor
        return
    with connection.cursor() as cursor:
        cursor.execute(f'SET ROLE "{roles.owner}"')
        try:
            yield cursor
        finally:
            cursor.execute("RESET ROLE")


def connect_as(role: str, password: str):
    settings = connection.settings_dict
    conn = psycopg2.connect(
        dbname=settings["NAME"],
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        user=role,
        password=password,
    )
    conn.autocommit = True
    return conn


def refused(conn, sql: str, params=None) -> bool:
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql, params)
    except psycopg2.Error:
        return True
    return False


def test_the_app_role_cannot_rewrite_an_append_only_table(roles, alice, conversation):
    from conversations.models import FollowUp
    from deal.models import AuditEvent
    from tests.factories import AgreedActionFactory

    action = AgreedActionFactory(conversation=conversation)
    FollowUp.objects.create(action=action, kind="note", note="Rang them", by=alice)
    AuditEvent.objects.create(user=alice, action="view", object_type="x", object_id="1")
    conn = connect_as(roles.app, roles.password)
    try:
        for table in append_only_tables():
            quoted = f'"{table}"'
            with conn.cursor() as cursor:
                cursor.execute(f"SELECT count(*) FROM {quoted}")  # noqa: S608
            assert refused(conn, f"UPDATE {quoted} SET id = id"), table  # noqa: S608
            assert refused(conn, f"DELETE FROM {quoted}"), table  # noqa: S608
            assert refused(conn, f"TRUNCATE {quoted}"), table
            assert refused(conn, f"ALTER TABLE {quoted} DISABLE TRIGGER ALL"), table
            assert refused(conn, f"DROP TABLE {quoted}"), table
        assert refused(conn, "SET session_replication_role = replica")
        # Adding works: the app writes the log as it goes.
        with conn.cursor() as cursor:
            cursor.execute(
                "INSERT INTO deal_auditevent (at, action, object_type, object_id, detail, "
                "changes, path) VALUES (now(), 'view', 'x', '2', '', '{}', '') RETURNING id"
            )
            assert cursor.fetchone()[0]
        assert AuditEvent.objects.filter(object_id="2").exists()
        assert FollowUp.objects.filter(note="Rang them").exists()
    finally:
        conn.close()


def test_the_app_role_changes_ordinary_tables_and_owns_nothing(roles, person):
    conn = connect_as(roles.app, roles.password)
    try:
        with conn.cursor() as cursor:
            cursor.execute("UPDATE people_person SET town = 'Hindley' WHERE id = %s", [person.pk])
            assert cursor.rowcount == 1
            cursor.execute(
                "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = %s",
                [roles.app],
            )
            assert cursor.fetchone()[0] == 0
        assert refused(conn, "CREATE TABLE mine (id int)")
        assert refused(conn, "TRUNCATE people_person")
        assert refused(
            conn, "INSERT INTO django_migrations (app, name, applied) VALUES ('x', 'y', now())"
        )
    finally:
        conn.close()


def test_a_table_the_owner_makes_later_is_open_to_the_app(roles):
    with owner_cursor(roles) as cursor:
        cursor.execute("CREATE TABLE later_table (id serial PRIMARY KEY, note text)")
    conn = connect_as(roles.app, roles.password)
    try:
        with conn.cursor() as cursor:
            cursor.execute("INSERT INTO later_table (note) VALUES ('x')")
            cursor.execute("UPDATE later_table SET note = 'y'")
            cursor.execute("DELETE FROM later_table")
    finally:
        conn.close()
        with owner_cursor(roles) as cursor:
            cursor.execute("DROP TABLE later_table")
