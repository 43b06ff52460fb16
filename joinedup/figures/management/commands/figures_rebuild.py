"""Work out the figures' rollups again from the raw rows, for one council (or all) and a date range."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Min
from django.utils import timezone

from joinedup.councils.models import Council
from joinedup.figures import rollups
from joinedup.service_requests.models import ServiceRequest


def _date(text):
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"'{text}' is not a date like 2026-04-01") from None


class Command(BaseCommand):
    help = (
        "Rebuild the figures' rollups from the raw rows. Without --from, from each council's first request; "
        "without --to, up to today. --days N rebuilds the last N days (for a nightly run that picks up late "
        "delivery receipts)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--council", help="The council's slug (default: every council).")
        parser.add_argument("--from", dest="start", type=_date, help="First day, like 2026-04-01.")
        parser.add_argument("--to", dest="end", type=_date, help="Last day, like 2027-03-31.")
        parser.add_argument("--days", type=int, help="Rebuild only the last N days, ending today.")

    def handle(self, *args, council=None, start=None, end=None, days=None, **options):
        councils = Council.objects.order_by("name")
        if council:
            councils = councils.filter(slug=council)
            if not councils.exists():
                raise CommandError(f"There is no council with the slug '{council}'")
        today = timezone.localdate()
        end = end or today
        if days is not None:
            if days < 1:
                raise CommandError("--days must be 1 or more")
            start = end - datetime.timedelta(days=days - 1)
        for each in councils:
            first = start
            if first is None:
                oldest = ServiceRequest.objects.filter(council=each).aggregate(first=Min("created_at"))["first"]
                first = rollups.local_day(oldest) if oldest else end
            if first > end:
                raise CommandError("The first day must be on or before the last day")
            result = rollups.rebuild(each.pk, first, end)
            self.stdout.write(
                f"{each.name}: {result['days']} days from {first} to {end}, {result['rows']} rows, "
                f"{result['overdue_rows']} overdue rows"
            )
