"""`flush` (which the test runner uses to empty a database between tests), as
the owner role when MIGRATION_DATABASE_URL is set: the app's role may not
TRUNCATE, least of all the audit log."""

from django.core.management.commands.flush import Command as DjangoFlush

from deal.database_roles import as_owner


class Command(DjangoFlush):
    def handle(self, **options):
        with as_owner(options["database"]):
            return super().handle(**options)
