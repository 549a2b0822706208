"""Email today's reminders: each responsible member of staff their overdue
and due-soon actions, each manager a summary of their teams. Safe to run
again: nothing is sent twice in a day. Run it once a morning from cron (see
README)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from conversations.reminders import send_reminders


class Command(BaseCommand):
    help = "Email today's reminders of overdue and due-soon actions (each once a day)."

    def handle(self, *args, **options):
        if not settings.SERVICE_URL:
            raise CommandError(
                "Set SERVICE_URL to the service's address (https://…), for the links in the emails."
            )
        sent, skipped = send_reminders()
        self.stdout.write(
            f"Sent {sent} reminder{'s' if sent != 1 else ''}; {skipped} already sent today."
        )
