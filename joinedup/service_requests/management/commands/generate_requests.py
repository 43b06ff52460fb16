import time

from django.core.management.base import BaseCommand, CommandError

from joinedup.councils.models import Council
from joinedup.service_requests.generator import generate_requests


class Command(BaseCommand):
    help = (
        "Add many made-up requests across the councils, for benchmarks and load tests. "
        "Never run it on a production database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=10_000, help="How many requests in all (default 10,000).")
        parser.add_argument("--council", action="append", default=[], help="Only this council's ONS code (repeat).")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed, for repeatable data.")

    def handle(self, *args, count, council, seed, **options):
        if count < 1:
            raise CommandError("--count must be at least 1.")
        councils = list(Council.objects.filter(gss_code__in=council)) if council else None
        if council and len(councils) != len(set(council)):
            raise CommandError("One of the --council codes is not a council here.")
        started = time.perf_counter()
        made = generate_requests(total=count, seed=seed, councils=councils)
        if not made:
            raise CommandError("No council has categories yet: run seed_demo first.")
        for name, number in made.items():
            self.stdout.write(f"{number:>9,} requests for {name}")
        self.stdout.write(self.style.SUCCESS(f"Done in {time.perf_counter() - started:.1f} s."))
