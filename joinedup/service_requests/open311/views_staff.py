"""
The staff pages for Open311 API keys, under /<council_slug>/staff/api-keys/: the council's keys,
issuing one (shown once), and revoking one.

Reads and writes go through `clients`, which checks the user may manage the key: staff of the
council for its own keys, and only partnership officers (or administrators) for a partnership's.
A key of another council asked for under this council's address is a 404.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from joinedup.core.validation import add_to_form
from joinedup.councils.views import staff_council_from_path
from joinedup.service_requests.open311 import clients
from joinedup.service_requests.open311.forms import OWNER_PARTNERSHIP, ApiKeyForm

# The new key waits in the session for the one page that shows it, which removes it; if that page
# is not seen within KEY_SHOWN_FOR, the key is never shown (it is revoked and issued again instead).
SESSION_KEY = "open311_new_key"
KEY_SHOWN_FOR = datetime.timedelta(minutes=10)


def _url(name, council, *args):
    return reverse(f"service_requests:{name}", args=[council.slug, *args])


def _require_can_manage(user, client):
    if not clients.can_manage(user, client.council, client.partnership):
        raise PermissionDenied("Only the partnership's officers can manage its Open311 keys.")


@login_required
@require_GET
def key_index(request, council_slug):
    council = staff_council_from_path(request, council_slug)
    keys = clients.api_clients_for(user=request.user, council=council)
    rows = [(key, clients.can_manage(request.user, key.council, key.partnership)) for key in keys]
    return render(
        request,
        "service_requests/open311/keys.html",
        {"council": council, "rows": rows},
    )


@login_required
@require_http_methods(["GET", "POST"])
def key_create(request, council_slug):
    council = staff_council_from_path(request, council_slug)
    partnership_allowed = council.partnership_id is not None and clients.can_manage(
        request.user, partnership=council.partnership
    )
    form = ApiKeyForm(request.POST or None, council=council, partnership_allowed=partnership_allowed)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        for_partnership = data["owner"] == OWNER_PARTNERSHIP
        try:
            client, key = clients.api_client_create(
                actor=request.user,
                name=data["name"],
                council=None if for_partnership else council,
                partnership=council.partnership if for_partnership else None,
                scopes=tuple(data["scopes"]),
                rate_limit_per_minute=data["rate_limit_per_minute"],
            )
        except ValidationError as error:
            add_to_form(form, error)
        else:
            shown_until = (timezone.now() + KEY_SHOWN_FOR).timestamp()
            request.session[SESSION_KEY] = {"pk": client.pk, "key": key, "until": shown_until}
            return redirect(_url("staff-open311-key-created", council, client.pk))
    return render(request, "service_requests/open311/key_form.html", {"council": council, "form": form})


@login_required
@require_GET
def key_created(request, council_slug, pk):
    """Show a new key once. The key leaves the session as it is shown, so a reload cannot show it again."""
    council = staff_council_from_path(request, council_slug)
    client = clients.api_client_for_staff(user=request.user, council=council, pk=pk)
    waiting = request.session.get(SESSION_KEY)
    key = None
    if waiting:
        expired = waiting.get("until", 0) < timezone.now().timestamp()
        if expired or waiting.get("pk") == client.pk:
            del request.session[SESSION_KEY]
            key = None if expired else waiting["key"]
    response = render(
        request, "service_requests/open311/key_created.html", {"council": council, "client": client, "key": key}
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def key_revoke(request, council_slug, pk):
    council = staff_council_from_path(request, council_slug)
    client = clients.api_client_for_staff(user=request.user, council=council, pk=pk)
    _require_can_manage(request.user, client)
    if not client.is_active:
        messages.success(request, f"The key for '{client.name}' was already revoked.")
        return redirect(_url("staff-open311-keys", council))
    if request.method == "POST":
        clients.api_client_revoke(actor=request.user, client=client)
        messages.success(request, f"The key for '{client.name}' has been revoked. It no longer works.")
        return redirect(_url("staff-open311-keys", council))
    return render(request, "service_requests/open311/key_revoke.html", {"council": council, "client": client})
