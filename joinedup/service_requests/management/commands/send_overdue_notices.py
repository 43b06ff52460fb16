from django.core.management.base import BaseCommand

from joinedup.service_requests.overdue import overdue_notices_send


class Command(BaseCommand):
    help = "Tell officers about overdue requests, and send each service-area lead a daily list. Run daily."

    def handle(self, *args, **options):
        for what, count in overdue_notices_send().items():
            self.stdout.write(f"{count} {what}")
