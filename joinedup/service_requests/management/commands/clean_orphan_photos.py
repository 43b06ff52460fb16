from django.core.management.base import BaseCommand

from joinedup.service_requests.photos import photos_orphans_remove


class Command(BaseCommand):
    help = (
        "Delete photo files that no report refers to (left when saving a report failed) and that are "
        "more than an hour old. Run daily."
    )

    def handle(self, *args, **options):
        removed = photos_orphans_remove()
        self.stdout.write(f"Photo files kept with no report, deleted: {removed}")
