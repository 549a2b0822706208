"""Build each manager's first view of /reports/ (their teams, the last 12
months) into the shared cache, so that no manager waits while a team's year
is read: a few hundred milliseconds alone, over a second when the service is
busy. Run it every few minutes, more often than REPORT_CACHE_SECONDS (five
minutes), from a timer (see README); managers then always find figures at
most that old, and the page says when they were read. A manager who asks
for other months or one team of several has theirs built then, as before."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.http import QueryDict

from conversations.report_forms import ReportFilterForm
from conversations.reports import refresh_report
from deal.models import Role, User


class Command(BaseCommand):
    help = "Build each manager's default report into the cache (run it every few minutes)."

    def handle(self, *args, **options):
        if not settings.REPORT_CACHE_SECONDS:
            self.stdout.write("REPORT_CACHE_SECONDS is 0: reports are not kept, so none built.")
            return
        built = set()
        for manager in User.objects.filter(role=Role.MANAGER, is_active=True).order_by("pk"):
            teams, period = ReportFilterForm(QueryDict(), user=manager).chosen()
            key = (tuple(sorted(t.pk for t in teams)), period.first, period.last)
            if teams and key not in built:
                refresh_report(teams, period)
                built.add(key)
        self.stdout.write(f"Built {len(built)} report{'s' if len(built) != 1 else ''}.")
