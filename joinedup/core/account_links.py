"""
Where each role goes from "Your account". Apps above `accounts` register a function here in their
AppConfig.ready(), so the account page can list every workspace without importing those apps.

A provider takes the signed-in user and returns `AccountLink`s for the pages that person may
open; it must check the same permissions as the pages themselves, so no link leads to a 403.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class AccountLink:
    section: str  # heading the link is listed under, e.g. "Scrutiny"
    text: str
    url: str
    hint: str = ""


_providers: dict[str, Callable[[object], Iterable[AccountLink]]] = {}


def register(name: str, provider: Callable[[object], Iterable[AccountLink]]) -> None:
    """Add (or replace) the provider called `name`."""
    _providers[name] = provider


def links_for(user) -> list[tuple[str, list[AccountLink]]]:
    """Every link for this user, grouped by section in the order providers registered."""
    sections: dict[str, list[AccountLink]] = {}
    if user is None or not user.is_authenticated:
        return []
    for provider in _providers.values():
        for link in provider(user):
            sections.setdefault(link.section, []).append(link)
    return list(sections.items())
