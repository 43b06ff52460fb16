from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from joinedup.councils.models import Council, Partnership
from joinedup.service_requests.open311 import clients
from joinedup.service_requests.open311.models import ApiClient


class Command(BaseCommand):
    help = "Issue, list and revoke Open311 API keys (for FixMyStreet, apps and back-office systems)."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Make a client and print its key, once.")
        create.add_argument("--name", required=True, help="The system's name, like FixMyStreet.")
        owner = create.add_mutually_exclusive_group(required=True)
        owner.add_argument("--council", help="The council's slug or GSS code.")
        owner.add_argument("--partnership", help="The partnership's slug: the key works for all its councils.")
        create.add_argument(
            "--scope",
            action="append",
            choices=clients.SCOPES,
            help="What the key may do; repeat for both. Default: create_requests.",
        )
        create.add_argument("--rate-limit", type=int, default=120, help="Requests a minute (default 120).")
        actions.add_parser("list", help="List every client, with its key's first characters.")
        revoke = actions.add_parser("revoke", help="Stop a client's key working.")
        revoke.add_argument("id", type=int, help="The client's id, from list.")

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _create(self, *, name, council, partnership, scope, rate_limit, **options):
        owner = {}
        if council:
            found = Council.objects.filter(slug=council).first() or Council.objects.filter(gss_code=council).first()
            if found is None:
                raise CommandError(f"There is no council '{council}'.")
            owner["council"] = found
        else:
            found = Partnership.objects.filter(slug=partnership).first()
            if found is None:
                raise CommandError(f"There is no partnership '{partnership}'.")
            owner["partnership"] = found
        try:
            client, key = clients.api_client_create(
                actor=None,
                name=name,
                scopes=tuple(scope or [clients.SCOPE_CREATE]),
                rate_limit_per_minute=rate_limit,
                **owner,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(self.style.SUCCESS(f"Made client {client.pk}, '{client.name}', for {found}."))
        self.stdout.write("Its key (shown only now: give it to the system, it cannot be shown again):")
        self.stdout.write(key)

    def _list(self, **options):
        for client in ApiClient.objects.select_related("council", "partnership"):
            scopes = [
                s
                for s, on in zip(clients.SCOPES, (client.can_create_requests, client.can_post_updates), strict=True)
                if on
            ]
            state = f"revoked {client.revoked_at:%Y-%m-%d}" if client.revoked_at else "active"
            self.stdout.write(
                f"{client.pk}\t{client.name}\t{client.council or client.partnership}\t{client.key_prefix}...\t"
                f"{','.join(scopes)}\t{client.rate_limit_per_minute}/min\t{state}"
            )

    def _revoke(self, *, id, **options):  # noqa: A002 (the argument's name)
        client = ApiClient.objects.filter(pk=id).first()
        if client is None:
            raise CommandError(f"There is no client {id}.")
        clients.api_client_revoke(actor=None, client=client)
        self.stdout.write(self.style.SUCCESS(f"Revoked the key of '{client.name}'."))
