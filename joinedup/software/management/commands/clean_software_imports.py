from django.core.management.base import BaseCommand
from django.db import transaction

from joinedup.software import services


class Command(BaseCommand):
    help = (
        "Delete usage files checked but not confirmed within a day, and any file in the private store "
        "that no import refers to. Run daily."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            expired = services.import_expire()
        # The expired batches' files are deleted once that transaction has committed; what is left
        # in the store with no batch is an orphan.
        orphans = services.import_orphans_remove()
        self.stdout.write(f"Files waiting for confirmation for more than a day, deleted: {expired}")
        self.stdout.write(f"Files kept with no import, deleted: {orphans}")
