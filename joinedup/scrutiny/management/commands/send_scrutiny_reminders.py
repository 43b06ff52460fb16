from django.core.management.base import BaseCommand

from joinedup.scrutiny import services, tasks
from joinedup.scrutiny import services_tracker as tracker


class Command(BaseCommand):
    help = (
        "Tell scrutiny officers of executive responses past their s.9FE due date and of recurring topics "
        "due within 8 weeks (each once), send portfolio holders last month's pack (once a month), and make sure "
        "the daily task is scheduled. Also removes stored evidence and report files that no row names."
    )

    def add_arguments(self, parser):
        parser.add_argument("--schedule-only", action="store_true", help="Only schedule the daily task.")

    def handle(self, *args, schedule_only, **options):
        if not schedule_only:
            self.stdout.write(f"Overdue-response messages queued: {tracker.overdue_responses_notify()}")
            self.stdout.write(f"Recurring-topic reminders queued: {tracker.recurring_reminders_send()}")
            self.stdout.write(f"Portfolio holder packs queued: {tracker.holder_packs_send()}")
            self.stdout.write(f"Orphaned files removed: {services.orphan_files_clean()}")
        scheduled = tasks.reminders_schedule()
        self.stdout.write("Daily task scheduled." if scheduled else "The daily task was already scheduled.")
