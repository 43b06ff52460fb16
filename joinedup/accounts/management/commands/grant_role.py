from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from joinedup.accounts import services
from joinedup.accounts.models import Role, User
from joinedup.core.validation import validation_messages
from joinedup.councils.models import Council, Partnership, ServiceArea, Ward

GRANTABLE = [r.value for r in Role if r != Role.RESIDENT]


class Command(BaseCommand):
    help = (
        "Give a person a role, creating their account if needed. A new account has no password: "
        "the person sets one with 'I have forgotten my password' on the sign-in page."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("role", choices=GRANTABLE)
        parser.add_argument("--name", default="", help="Full name, needed when the account is new.")
        parser.add_argument("--council", help="Council ONS code, for staff, councillors and scrutiny members.")
        parser.add_argument("--partnership", help="Partnership slug, for partnership officers.")
        parser.add_argument("--service-area", action="append", default=[], help="Service area slug (staff).")
        parser.add_argument("--ward", action="append", default=[], help="Ward ONS code (councillors).")

    def handle(self, *args, email, role, name, council, partnership, service_area, ward, **options):
        council_obj = partnership_obj = None
        if council:
            council_obj = Council.objects.filter(gss_code=council.upper()).first()
            if council_obj is None:
                raise CommandError(f"No council has the ONS code {council}.")
        if partnership:
            partnership_obj = Partnership.objects.filter(slug=partnership).first()
            if partnership_obj is None:
                raise CommandError(f"There is no partnership with the slug {partnership}.")
        areas = list(ServiceArea.objects.filter(council=council_obj, slug__in=service_area))
        if len(areas) != len(set(service_area)):
            raise CommandError(f"Unknown service area for this council: {', '.join(service_area)}.")
        wards = list(Ward.objects.filter(council=council_obj, gss_code__in=[w.upper() for w in ward]))
        if len(wards) != len(set(ward)):
            raise CommandError(f"Unknown ward for this council: {', '.join(ward)}.")
        try:
            with transaction.atomic():
                user = User.objects.filter(email=email.lower()).first()
                if user is None:
                    if not name:
                        raise CommandError("This is a new account: give the person's name with --name.")
                    user = services.user_create(actor=None, email=email, full_name=name, source="grant_role")
                services.role_grant(
                    actor=None,
                    user=user,
                    role=role,
                    council=council_obj,
                    partnership=partnership_obj,
                    service_areas=areas,
                    wards=wards,
                    source="grant_role",
                )
        except ValidationError as error:
            raise CommandError("The role was not given:\n" + "\n".join(validation_messages(error))) from None
        self.stdout.write(self.style.SUCCESS(f"{user.email} is now {Role(role).label.lower()}."))
