"""Two PostgreSQL roles: an owner, which owns every table and runs the
migrations, and the app's role, which owns nothing and may only add to and
read the append-only tables.

Append-only tables are those of models marked `append_only = True` (the audit
log, an action's trail, and any later app's) and every change-history table
django-simple-history keeps. The app's role gets SELECT, INSERT, UPDATE and
DELETE on every other table, only SELECT and INSERT on those, and nothing
more: no TRUNCATE, no TRIGGER, and as it owns no table it cannot ALTER one
(so cannot disable a trigger) nor, not being a superuser, set
session_replication_role. Privileges are given again after every `migrate`
(deal.apps), so a new app's append-only table is covered the day it is made.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import dj_database_url
from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from simple_history.models import HistoricalChanges

# Tables the app reads but never writes: only migrations change them.
READ_ONLY_TABLES = ("django_migrations",)


def is_append_only(model) -> bool:
    return bool(getattr(model, "append_only", False)) or issubclass(model, HistoricalChanges)


def append_only_tables() -> list[str]:
    return sorted(
        {
            model._meta.db_table
            for model in apps.get_models(include_auto_created=True)
            if is_append_only(model)
        }
    )


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def role_sql(*, owner: str, app: str, database: str) -> list[str]:
    """Make the two roles (if they are not there) and give the owner the
    database, its schema and any table already made. Run as a superuser."""
    o, a, db = _quote(owner), _quote(app), _quote(database)
    return [
        _create_role(owner, "NOSUPERUSER NOCREATEROLE"),
        _create_role(app, "NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT"),
        f"ALTER DATABASE {db} OWNER TO {o}",
        f"ALTER SCHEMA public OWNER TO {o}",
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        f"GRANT CONNECT ON DATABASE {db} TO {a}",
        # Tables made before the roles existed belong to whoever made them
        # (their sequences follow them).
        "DO $$ DECLARE t record; BEGIN "  # noqa: S608
        "FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' LOOP "
        f"EXECUTE format('ALTER TABLE public.%I OWNER TO {o}', t.tablename); "
        "END LOOP; END $$",
        "DO $$ DECLARE f record; BEGIN "  # noqa: S608
        "FOR f IN SELECT p.oid::regprocedure AS sig FROM pg_proc p "
        "JOIN pg_namespace n ON n.oid = p.pronamespace "
        "LEFT JOIN pg_depend d ON d.objid = p.oid AND d.deptype = 'e' "
        "WHERE n.nspname = 'public' AND d.objid IS NULL LOOP "
        f"EXECUTE format('ALTER FUNCTION %s OWNER TO {o}', f.sig); "
        "END LOOP; END $$",
    ]


def _create_role(name: str, options: str) -> str:
    literal = "'" + name.replace("'", "''") + "'"
    return (
        "DO $$ BEGIN "
        f"IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = {literal}) THEN "
        f"CREATE ROLE {_quote(name)} LOGIN {options}; "
        "END IF; END $$"
    )


def privilege_sql(*, owner: str, app: str, tables: list[str] | None = None) -> list[str]:
    """What the app's role may do, on the tables there now and on those the
    owner makes later. Run as the owner (or a superuser)."""
    o, a = _quote(owner), _quote(app)
    existing = set(tables if tables is not None else [])
    append_only = [t for t in append_only_tables() if tables is None or t in existing]
    read_only = [t for t in READ_ONLY_TABLES if tables is None or t in existing]
    return [
        f"GRANT USAGE ON SCHEMA public TO {a}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {a}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {a}",
        *(f"REVOKE UPDATE, DELETE ON {_quote(t)} FROM {a}" for t in append_only),
        *(f"REVOKE INSERT, UPDATE, DELETE ON {_quote(t)} FROM {a}" for t in read_only),
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {a}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA public "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {a}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA public "
        f"GRANT USAGE, SELECT ON SEQUENCES TO {a}",
    ]


def owner_credentials() -> dict[str, str]:
    """USER and PASSWORD of MIGRATION_DATABASE_URL (empty when unset)."""
    if not settings.MIGRATION_DATABASE_URL:
        return {}
    parsed = dj_database_url.parse(settings.MIGRATION_DATABASE_URL)
    return {"USER": parsed.get("USER", ""), "PASSWORD": parsed.get("PASSWORD", "")}


def use_credentials(credentials: dict[str, str], alias: str = DEFAULT_DB_ALIAS) -> dict[str, str]:
    """Connect as another role from the next query on; returns the role it
    replaced. The dict is shared with any thread's new connection (a live
    test server), so it is changed in place."""
    connection = connections[alias]
    before = {key: connection.settings_dict.get(key, "") for key in credentials}
    connection.close()
    connection.settings_dict.update(credentials)
    return before


@contextmanager
def as_owner(alias: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Connect as the owner role (MIGRATION_DATABASE_URL) for what only the
    owner may do: migrate, anonymise old records, empty the test database.
    Only the role changes: the database is the one already named, so this
    works on a test database too. Without MIGRATION_DATABASE_URL, nothing
    changes."""
    credentials = owner_credentials()
    if not credentials:
        yield
        return
    before = use_credentials(credentials, alias)
    try:
        yield
    finally:
        use_credentials(before, alias)


def app_role() -> str:
    """The role the app connects as, when it is not the owner: given its
    privileges after each migrate."""
    return settings.DATABASE_APP_ROLE


def grant_after_migrate(using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    """post_migrate: give the app's role its privileges on every table,
    including any the migration just made."""
    connection = connections[using]
    app = app_role()
    if connection.vendor != "postgresql" or not app:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        owner = cursor.fetchone()[0]
        if owner == app:
            return
        tables = connection.introspection.table_names(cursor)
        for statement in privilege_sql(owner=owner, app=app, tables=tables):
            cursor.execute(statement)
