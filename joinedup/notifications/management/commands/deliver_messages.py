from django.core.management.base import BaseCommand

from joinedup.notifications import delivery


class Command(BaseCommand):
    help = (
        "Send the outbox messages that are due (retries, and any whose task was lost), mark messages "
        "stuck while sending as uncertain, and check whether sent texts arrived. Run it every minute or so."
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500, help="Most messages to send in one run (default 500).")

    def handle(self, *args, limit, **options):
        counts = delivery.deliver_due(limit=limit)
        if not counts:
            self.stdout.write("Nothing to do.")
        for outcome, count in sorted(counts.items()):
            self.stdout.write(f"{outcome}: {count}")
