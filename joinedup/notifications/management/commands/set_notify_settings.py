import getpass
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from joinedup.core.validation import validation_messages
from joinedup.councils.models import Council
from joinedup.notifications.services import notify_settings_save


class Command(BaseCommand):
    help = (
        "Set a council's GOV.UK Notify account, used to send text messages. The API key is asked for "
        "(or read from standard input), so it never appears in the shell history."
    )

    def add_arguments(self, parser):
        parser.add_argument("council", help="The council's slug, like borchester.")
        parser.add_argument(
            "--template-id", required=True, help="ID of the Notify text message template whose whole body is ((text))."
        )
        parser.add_argument("--sender-id", default="", help="ID of a Notify text message sender (optional).")

    def handle(self, *args, council, template_id, sender_id, **options):
        found = Council.objects.filter(slug=council).first()
        if found is None:
            raise CommandError(f"There is no council with the slug {council}.")
        api_key = getpass.getpass("GOV.UK Notify API key: ") if sys.stdin.isatty() else sys.stdin.readline()
        try:
            notify_settings_save(
                actor=None,
                council=found,
                api_key=api_key,
                sms_template_id=template_id,
                sms_sender_id=sender_id,
                source="set_notify_settings",
            )
        except ValidationError as error:
            raise CommandError("Nothing was changed:\n" + "\n".join(validation_messages(error))) from None
        self.stdout.write(self.style.SUCCESS(f"{found.name} will send text messages through GOV.UK Notify."))
