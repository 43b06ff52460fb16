from django.core.management.base import BaseCommand

from joinedup.core.retention import prune_personal_data


class Command(BaseCommand):
    help = "Delete or anonymise personal data past its retention period. Run it once a day."

    def handle(self, *args, **options):
        for what, count in prune_personal_data().items():
            self.stdout.write(f"{count} {what}")
