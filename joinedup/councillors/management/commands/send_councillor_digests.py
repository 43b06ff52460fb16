from django.core.management.base import BaseCommand

from joinedup.councillors import digest


class Command(BaseCommand):
    help = (
        "Queue last week's ward digest for every councillor who chose one, and make sure the weekly task "
        "is scheduled for next Monday. Each digest is sent once a week, however often this runs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--schedule-only", action="store_true", help="Only schedule the weekly task.")

    def handle(self, *args, schedule_only, **options):
        if not schedule_only:
            self.stdout.write(f"Digests queued: {digest.digests_send()}")
        scheduled = digest.digest_schedule()
        self.stdout.write(
            f"Weekly digest task scheduled for {digest.next_send_time():%A %-d %B %Y at %H:%M}."
            if scheduled
            else "The weekly digest task was already scheduled."
        )
