from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from joinedup.core.validation import validation_messages
from joinedup.councils import services
from joinedup.councils.models import Partnership


class Command(BaseCommand):
    help = "Set up a new council on the platform."

    def add_arguments(self, parser):
        parser.add_argument("--gss-code", required=True, help="ONS code, like E06000054.")
        parser.add_argument("--name", required=True, help="Full name, like 'Wiltshire Council'.")
        parser.add_argument("--short-name", required=True, help="Short name used in references, like WC.")
        parser.add_argument("--slug", required=True, help="Part of the web address, like wiltshire.")
        parser.add_argument("--partnership", help="Slug of the partnership it belongs to, if any.")
        parser.add_argument("--hostname", action="append", default=[], help="A public host name (repeatable).")
        parser.add_argument("--contact-email", default="")
        parser.add_argument("--contact-phone", default="")
        parser.add_argument("--website-url", default="")

    def handle(self, *args, **o):
        partnership = None
        if o["partnership"]:
            partnership = Partnership.objects.filter(slug=o["partnership"]).first()
            if partnership is None:
                raise CommandError(f"There is no partnership with the slug {o['partnership']}.")
        try:
            with transaction.atomic():
                council = services.council_create(
                    actor=None,
                    source="add_council",
                    gss_code=o["gss_code"],
                    name=o["name"],
                    short_name=o["short_name"],
                    slug=o["slug"],
                    partnership=partnership,
                    contact_email=o["contact_email"],
                    contact_phone=o["contact_phone"],
                    website_url=o["website_url"],
                )
                for hostname in o["hostname"]:
                    services.council_hostname_add(actor=None, council=council, hostname=hostname, source="add_council")
        except ValidationError as error:
            raise CommandError("The council was not added:\n" + "\n".join(validation_messages(error))) from None
        self.stdout.write(self.style.SUCCESS(f"Added {council.name} at /{council.slug}/."))
