"""Whose scrutiny a page is about: one council (/<council>/scrutiny/...) or a partnership's joint
panels (/partnerships/<slug>/scrutiny/...). The same views serve both."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from joinedup.councils.models import Council, Partnership
from joinedup.councils.views import council_from_path
from joinedup.scrutiny import rules


@dataclass
class Scope:
    owner: Council | Partnership
    council: Council | None
    partnership: Partnership | None

    @property
    def namespace(self) -> str:
        return "scrutiny" if self.council else "scrutiny_partnership"

    @property
    def slug(self) -> str:
        return self.owner.slug

    @property
    def name(self) -> str:
        return self.owner.name

    def url(self, name: str, *args) -> str:
        return reverse(f"{self.namespace}:{name}", args=[self.slug, *args])


def scope_for(request, council_slug=None, partnership_slug=None) -> Scope:
    """The scope named in the path, whoever is asking (for public pages)."""
    if council_slug is not None:
        council = council_from_path(request, council_slug)
        return Scope(owner=council, council=council, partnership=None)
    if getattr(request, "host_council", None) is not None:
        raise Http404("Joint scrutiny is not served at this address.")
    try:
        partnership = Partnership.objects.get(slug=partnership_slug)
    except Partnership.DoesNotExist:
        raise Http404("No partnership with that address.") from None
    return Scope(owner=partnership, council=None, partnership=partnership)


def workspace_scope(request, council_slug=None, partnership_slug=None) -> Scope:
    """The scope, for someone who may see its workspace (403 for anyone else)."""
    scope = scope_for(request, council_slug, partnership_slug)
    if not rules.can_view(request.user, scope.owner):
        raise PermissionDenied("Only scrutiny members and officers, portfolio holders and staff can see this.")
    return scope
