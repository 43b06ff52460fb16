from django.conf import settings
from django.core.management.base import BaseCommand

from joinedup.core.demo import seed_demo


class Command(BaseCommand):
    help = "Create the demo partnership, councils, wards, service areas and one user per role. Safe to re-run."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password", default=None, help="Password for new demo users (default: DEMO_PASSWORD setting)."
        )

    def handle(self, *args, password, **options):
        password = password or settings.DEMO_PASSWORD
        users = seed_demo(password=password)
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Sign in at /account/sign-in/ as:"))
        for user in users:
            note = "" if user.created else " (already existed: password unchanged)"
            self.stdout.write(f"  {user.role:<22} {user.email:<30} password: {password}{note}")
        if settings.REQUIRE_STAFF_MFA:
            self.stdout.write(
                "Staff, partnership and administrator accounts will be asked to set up "
                "an authenticator app when they first sign in."
            )
