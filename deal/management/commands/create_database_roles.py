"""Print, or run, the SQL that makes the owner and app roles (see
deal.database_roles)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from deal.database_roles import privilege_sql, role_sql


class Command(BaseCommand):
    help = (
        "Make a PostgreSQL owner role (owns the tables, runs migrations) and an app role "
        "(owns nothing; only adds to and reads the audit log, change histories and action "
        "trails). Prints the SQL; --execute runs it (as a superuser)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--owner", default="deal_owner", help="the owner role's name")
        parser.add_argument("--app", default="deal_app", help="the app role's name")
        parser.add_argument(
            "--database", default="", help="the database (default: the one DATABASE_URL names)"
        )
        parser.add_argument("--execute", action="store_true", help="run the SQL, not print it")

    def handle(self, *args, owner, app, database, execute, **options):
        if owner == app:
            raise CommandError("The owner and the app need two different roles")
        database = database or connection.settings_dict["NAME"]
        statements = [
            *role_sql(owner=owner, app=app, database=database),
            *privilege_sql(owner=owner, app=app),
        ]
        if not execute:
            self.stdout.write("\n".join(s + ";" for s in statements))
            self.stdout.write(
                f"-- Then give each role a password: ALTER ROLE {owner} PASSWORD '...';"
            )
            return
        if connection.vendor != "postgresql":
            raise CommandError("Database roles are for PostgreSQL")
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_database()")
            if cursor.fetchone()[0] != database:
                raise CommandError(f"Connect to {database} to give its privileges")
            tables = connection.introspection.table_names(cursor)
            for statement in [
                *role_sql(owner=owner, app=app, database=database),
                *privilege_sql(owner=owner, app=app, tables=tables),
            ]:
                cursor.execute(statement)
        self.stdout.write(f"Roles {owner} (owner) and {app} (app) are ready in {database}.")
