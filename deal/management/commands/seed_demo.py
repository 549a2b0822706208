"""Load demo data: two teams, a login for each role and about 60 people with
their conversations.

Each app adds its own part from its `demo.py` (an `add_demo_data(demo)`),
run in the order of INSTALLED_APPS so that each part finds what the parts
below it made. Safe to run again: teams and staff are found or made, people
are only added up to the target. The demo password is DEMO_PASSWORD, or a new
random one, printed at the end.
"""

import importlib
import importlib.util
import os
import random
import secrets

import factory.random
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from deal.demo import DemoData


class Command(BaseCommand):
    help = "Load demo teams, staff and people (refuses when DEBUG is off unless --force)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Run even though DEBUG is off (never in live use)"
        )

    def handle(self, *args, force: bool = False, **options):
        if not (settings.DEBUG or settings.ALLOW_DEMO_DATA or force):
            raise CommandError(
                "Refusing to load demo data with DEBUG off: this looks like a live service. "
                "Use --force if you are sure."
            )
        demo = DemoData(password=os.environ.get("DEMO_PASSWORD") or secrets.token_urlsafe(12))
        # The same people every time, so a demo can be followed from notes.
        factory.random.reseed_random("deal-demo")
        random.seed("deal-demo")
        with transaction.atomic():
            for app in apps.get_app_configs():
                module_name = f"{app.name}.demo"
                if importlib.util.find_spec(module_name) is not None:
                    importlib.import_module(module_name).add_demo_data(demo)
        self.stdout.write(self.style.SUCCESS(demo.report[0]))
        for line in demo.report[1:]:
            self.stdout.write(line)
