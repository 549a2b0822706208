"""`migrate`, as the owner role when MIGRATION_DATABASE_URL is set: the app's
own role may not change the schema (see deal.database_roles)."""

from django.core.management.commands.migrate import Command as DjangoMigrate

from deal.database_roles import as_owner


class Command(DjangoMigrate):
    def handle(self, *args, **options):
        with as_owner(options["database"]):
            return super().handle(*args, **options)
