"""
API clients and their keys: issue, revoke, authenticate, rate-limit; and which council a call is for.

A key is 32 random bytes (URL-safe text), so a plain SHA-256 of it is enough to store: nobody
can guess one to match a hash. The key is returned once, by `api_client_create`, and never again.
"""

import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from joinedup.accounts import permissions
from joinedup.core import ratelimit
from joinedup.core.audit import audit_record
from joinedup.councils.models import Council, CouncilHostname
from joinedup.service_requests.open311.models import ApiClient

KEY_PREFIX = "jo311_"
SCOPE_CREATE = "create_requests"
SCOPE_UPDATES = "post_updates"
SCOPES = (SCOPE_CREATE, SCOPE_UPDATES)
SCOPE_LABELS = (
    (SCOPE_CREATE, "Create requests (POST requests)"),
    (SCOPE_UPDATES, "Post status updates and messages (POST servicerequestupdates)"),
)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def can_manage(actor, council=None, partnership=None) -> bool:
    """Staff of the council manage its keys; a partnership-wide key, only its partnership officers.

    Being staff of every member council is not enough for a partnership key: like a council's
    settings (`permissions.can_manage_council`), it is for administrators and partnership officers.
    """
    if council is not None:
        return permissions.can_view_staff_pages(actor, council)
    if partnership is None:
        return False
    member = partnership.councils.first()
    if member is None:
        return permissions.is_administrator(actor)
    return permissions.can_manage_council(actor, member)


def _require_manager(actor, council=None, partnership=None):
    if actor is None:  # a trusted system, like the management command
        return
    if council is not None:
        message = "Only the council's staff can manage its Open311 keys."
    else:
        message = "Only the partnership's officers can manage its Open311 keys."
    permissions.require(can_manage(actor, council, partnership), message)


@transaction.atomic
def api_client_create(
    *,
    actor,
    name: str,
    council=None,
    partnership=None,
    scopes=(SCOPE_CREATE,),
    rate_limit_per_minute: int = 120,
) -> tuple[ApiClient, str]:
    """Make a client and its key. Return (client, key): show the key once, it is not kept."""
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = ["Enter the name of the system that will use the key, like FixMyStreet"]
    elif len(name) > 100:
        errors["name"] = ["The name must be 100 characters or fewer"]
    if (council is None) == (partnership is None):
        errors["council"] = ["Choose one council, or one partnership"]
    unknown = set(scopes) - set(SCOPES)
    if unknown or not scopes:
        errors["scopes"] = [f"Choose what the key may do: {', '.join(SCOPES)}"]
    if not 1 <= int(rate_limit_per_minute) <= 100_000:
        errors["rate_limit_per_minute"] = ["The rate limit must be between 1 and 100,000 a minute"]
    if errors:
        raise ValidationError(errors)
    _require_manager(actor, council, partnership)
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    client = ApiClient.objects.create(
        name=name,
        council=council,
        partnership=partnership,
        key_hash=_hash(key),
        key_prefix=key[: len(KEY_PREFIX) + 6],
        can_create_requests=SCOPE_CREATE in scopes,
        can_post_updates=SCOPE_UPDATES in scopes,
        rate_limit_per_minute=int(rate_limit_per_minute),
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="service_requests.open311_client.create",
        instance=client,
        council=council,
        source="open311",
        changes={"name": name, "scopes": sorted(scopes), "partnership": str(partnership or "")},
    )
    return client, key


@transaction.atomic
def api_client_revoke(*, actor, client: ApiClient) -> ApiClient:
    """Stop a key working at once. Requests it made stay as they are."""
    _require_manager(actor, client.council, client.partnership)
    if client.revoked_at is None:
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at", "updated_at"])
        audit_record(
            actor=actor,
            action="service_requests.open311_client.revoke",
            instance=client,
            council=client.council,
            source="open311",
        )
    return client


def _clients_of(*, user, council):
    if user is not None and not permissions.can_view_staff_pages(user, council):
        raise PermissionDenied("Only the council's staff can see its Open311 keys.")
    owners = Q(council=council)
    if council.partnership_id:
        owners |= Q(partnership_id=council.partnership_id)
    return ApiClient.objects.filter(owners).select_related("council", "partnership", "created_by")


def api_clients_for(*, user, council) -> list[ApiClient]:
    """The clients that may write for a council: its own and its partnership's."""
    return list(_clients_of(user=user, council=council))


def api_client_for_staff(*, user, council, pk: int) -> ApiClient:
    """One of the council's clients (its own or its partnership's) for its staff; Http404 for any other."""
    client = _clients_of(user=user, council=council).filter(pk=pk).first()
    if client is None:
        raise Http404("There is no such Open311 key here.")
    return client


class KeyRefused(Exception):
    """The key is missing, wrong, revoked, not for this council, or lacks the scope."""


class RateLimited(Exception):
    pass


def authenticate(*, key: str, council, scope: str) -> ApiClient:
    """Return the active client with this key if it may do `scope` for `council`; else raise KeyRefused."""
    key = (key or "").strip()
    if not key or len(key) > 200:
        raise KeyRefused
    client = ApiClient.objects.filter(key_hash=_hash(key), revoked_at__isnull=True).first()
    if client is None or not client.serves(council):
        raise KeyRefused
    if (scope == SCOPE_CREATE and not client.can_create_requests) or (
        scope == SCOPE_UPDATES and not client.can_post_updates
    ):
        raise KeyRefused
    if not ratelimit.hit(scope="open311", key=str(client.pk), limit=client.rate_limit_per_minute, period_seconds=60):
        raise RateLimited
    now = timezone.now()
    if client.last_used_at is None or (now - client.last_used_at).total_seconds() > 60:
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
    return client


def council_for_jurisdiction(jurisdiction_id: str) -> Council | None:
    """The active council a jurisdiction_id names: its ONS GSS code (E07000136) or one of its host names."""
    value = (jurisdiction_id or "").strip()
    if not value or len(value) > 253:
        return None
    council = Council.objects.filter(gss_code__iexact=value, is_active=True).select_related("partnership").first()
    if council is not None:
        return council
    host = value.lower().rstrip(".")
    found = (
        CouncilHostname.objects.filter(hostname=host, council__is_active=True)
        .select_related("council", "council__partnership")
        .first()
    )
    return found.council if found else None
