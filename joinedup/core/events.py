"""
The one hook by which lower apps tell higher ones that something happened (rule 11: apps talk
downwards; news travels upwards through this module).

A lower app announces a named event with a few plain values (ids and dates, never personal data):

    from joinedup.core import events
    events.announce("service_requests.request_changed", council_id=1, request_id=42)

A higher app subscribes in its AppConfig.ready():

    events.subscribe("service_requests.request_changed", handler)

Handlers run after the announcing transaction commits (never for a rolled-back change), once per
transaction, with the list of every event of that name the transaction announced, in order. One
call per transaction lets a subscriber queue one task for a bulk change instead of one per row.
A handler's exception is logged and does not stop the others (the change has been committed).
Outside a transaction (autocommit) the handlers run at once. An event announced inside a savepoint
that was later rolled back may still be delivered with its transaction's batch, so handlers treat
an event as "look again", reading the committed rows, rather than as a fact to add up.

Event names in use:

- ``service_requests.request_changed``: a service request was made or changed in a way the
  figures count. Data: ``council_id``, ``request_id``, ``days`` (ISO dates whose figures may have
  changed besides the request's own, such as the day it was closed before it was reopened).
- ``service_requests.journey_step``: a report journey reached a step for the first time. Data:
  ``council_id``, ``step`` (the step's URL name, or ``sent`` / ``supported`` at the end).
"""

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    name: str
    data: dict = field(default_factory=dict)


Handler = Callable[[list[Event]], None]

_subscribers: dict[str, list[Handler]] = {}


def subscribe(name: str, handler: Handler) -> None:
    """Call `handler(events)` after each transaction that announced `name`. Subscribing twice is harmless."""
    handlers = _subscribers.setdefault(name, [])
    if handler not in handlers:
        handlers.append(handler)


def unsubscribe(name: str, handler: Handler) -> None:
    handlers = _subscribers.get(name, [])
    if handler in handlers:
        handlers.remove(handler)


def subscribers(name: str) -> list[Handler]:
    return list(_subscribers.get(name, []))


class _Batch(list):
    """The events of one transaction. Once delivered it takes no more (a test's captured callbacks
    stay in the connection's list after running, and must not swallow later events)."""

    delivered = False


def _deliver(batch: list[Event]) -> None:
    if isinstance(batch, _Batch):
        batch.delivered = True
    by_name: dict[str, list[Event]] = {}
    for event in batch:
        by_name.setdefault(event.name, []).append(event)
    for name, named in by_name.items():
        for handler in subscribers(name):
            try:
                handler(named)
            except Exception:  # a subscriber's failure must not undo or hide a committed change
                logger.exception("Event handler %r failed for %s", handler, name)


def _pending_batch() -> list[Event]:
    """The list of events announced in the current transaction, delivered together after commit."""
    for _savepoints, callback, _robust in connection.run_on_commit:
        batch = getattr(callback, "events_batch", None)
        if batch is not None and not batch.delivered:
            return batch
    batch = _Batch()
    flush = functools.partial(_deliver, batch)
    flush.events_batch = batch
    transaction.on_commit(flush)
    return batch


def announce(name: str, **data) -> None:
    """Tell every subscriber of `name`, once the current transaction commits."""
    if not _subscribers.get(name):
        return
    event = Event(name, data)
    if not connection.in_atomic_block:
        _deliver([event])
        return
    _pending_batch().append(event)
