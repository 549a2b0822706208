"""manage.py export_openreferral [FILE]: what /directory/export.json gives."""

import json

from django.core.management.base import BaseCommand

from directory import openreferral


class Command(BaseCommand):
    help = "Write the directory as an Open Referral UK paged service list (JSON)."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="where to write it (standard output if none)")

    def handle(self, *args, file=None, **options):
        text = json.dumps(openreferral.export_openreferral(), indent=2, ensure_ascii=False)
        if file:
            with open(file, "w", encoding="utf-8") as out:
                out.write(text + "\n")
            self.stdout.write(f"Written to {file}")
        else:
            self.stdout.write(text)
