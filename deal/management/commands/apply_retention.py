"""Anonymise the people whose records were closed more than RETENTION_YEARS
ago (deal.retention). A dry run unless --apply."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from deal.audit import Actor, audit_record
from deal.database_roles import as_owner
from deal.models import AuditAction
from deal.retention import anonymise_person, cutoff, due_for_anonymising, redact_old_searches


class Command(BaseCommand):
    help = (
        "Anonymise people whose records were closed more than RETENTION_YEARS ago, and remove "
        "what was searched for from older audit entries. Lists what it would do unless --apply. "
        "Runs as the owner role (MIGRATION_DATABASE_URL)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--apply", action="store_true", help="do it (without: only list)")

    def handle(self, *args, apply: bool = False, **options):
        years = settings.RETENTION_YEARS
        before = cutoff(years)
        # Only the owner may rewrite histories, trails and the audit log.
        with as_owner():
            due = due_for_anonymising(years)
            verb = "Anonymised" if apply else "Would anonymise"
            for person in due:
                closed = timezone.localtime(person["closed_at"]).date().isoformat()
                self.stdout.write(
                    f"{verb} person {person['id']} ({person['team']}), closed {closed}"
                )
                if apply:
                    anonymise_person(
                        person["id"],
                        actor=Actor(user=None, path="manage.py apply_retention"),
                        reason=f"Anonymised: closed {closed}, more than {years} years ago",
                    )
            searches = redact_old_searches(before) if apply else 0
            summary = (
                f"{len(due)} {'person' if len(due) == 1 else 'people'} closed before "
                f"{before.date().isoformat()} ({years} years)"
            )
            if apply:
                audit_record(
                    actor=Actor(user=None, path="manage.py apply_retention"),
                    action=AuditAction.ANONYMISE,
                    detail=f"Retention applied: {summary}; words removed from {searches} "
                    "older searches",
                )
                self.stdout.write(self.style.SUCCESS(f"Done: {summary}."))
            else:
                self.stdout.write(f"Dry run: {summary}. Nothing changed; --apply to do it.")
