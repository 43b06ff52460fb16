import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from joinedup.service_requests.privacy import resident_data


class Command(BaseCommand):
    help = "Export everything held about one resident as JSON, for a subject access request."

    def add_arguments(self, parser):
        parser.add_argument("--email", default="", help="The resident's email address.")
        parser.add_argument("--phone", default="", help="The resident's mobile number.")
        parser.add_argument("--output", help="Write to this file instead of the screen.")

    def handle(self, *args, email, phone, output, **options):
        if not email and not phone:
            raise CommandError("Give the resident's --email, --phone or both.")
        try:
            data = resident_data(email=email, phone=phone)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        text = json.dumps(data, indent=2, ensure_ascii=False)
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
            self.stdout.write(self.style.SUCCESS(f"Written to {output}."))
        else:
            self.stdout.write(text)
