"""manage.py import_openreferral FILE: the upload page's import, from a shell."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from deal.audit import Actor
from directory import openreferral


class Command(BaseCommand):
    help = (
        "Import an Open Referral UK JSON file (a service, a paged service list or an "
        "organisation with its services) into the directory: all of it, or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the JSON file (- for standard input)")

    def handle(self, *args, file, **options):
        if file == "-":
            content = self.stdin.buffer.read(openreferral.MAX_IMPORT_BYTES + 1)
        else:
            path = Path(file)
            if not path.is_file():
                raise CommandError(f"There is no file called {file}")
            if path.stat().st_size > openreferral.MAX_IMPORT_BYTES:
                raise CommandError(f"{file}: {openreferral.too_big().problems[0].message}")
            content = path.read_bytes()
        try:
            result = openreferral.import_openreferral(
                actor=Actor(user=None, path="manage.py import_openreferral"), content=content
            )
        except openreferral.ImportRefused as refused:
            for problem in refused.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"Nothing was imported: {len(refused.problems)} "
                f"problem{'s' if len(refused.problems) != 1 else ''} in {file}"
            ) from None
        self.stdout.write(f"Imported {file}: {result}")
