from django.core.management.base import BaseCommand

from joinedup.software.workflows import software_reminders_send


class Command(BaseCommand):
    help = "Remind owners of overdue reclaim decisions and attestations (at most weekly). Run daily."

    def handle(self, *args, **options):
        for what, count in software_reminders_send().items():
            self.stdout.write(f"{what}: {count}")
