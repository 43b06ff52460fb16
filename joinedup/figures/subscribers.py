"""How news from the apps below reaches the figures: each turns into one task per council.

Registered in FiguresConfig.ready(). service_requests announces through joinedup.core.events and
never imports figures; councillors' enquiries and escalations are seen through Django's
post_save signal, also queued after commit.
"""

from collections import Counter, defaultdict

from django.db import transaction
from django.utils import timezone

from joinedup.core import events


def on_requests_changed(batch: list[events.Event]) -> None:
    from joinedup.figures.tasks import refresh_requests

    by_council: dict[int, tuple[set, set]] = defaultdict(lambda: (set(), set()))
    for event in batch:
        ids, days = by_council[event.data["council_id"]]
        ids.add(event.data["request_id"])
        days.update(event.data.get("days") or [])
    for council_id, (ids, days) in by_council.items():
        refresh_requests.enqueue(council_id, sorted(ids), sorted(days))


def on_journey_steps(batch: list[events.Event]) -> None:
    from joinedup.figures.tasks import count_journey_steps

    today = timezone.localdate().isoformat()
    by_council: dict[int, Counter] = defaultdict(Counter)
    for event in batch:
        counts = by_council[event.data["council_id"]]
        counts[event.data["step"]] += 1
        if event.data.get("first"):
            counts["started"] += 1
    for council_id, counts in by_council.items():
        count_journey_steps.enqueue(council_id, today, dict(counts))


def on_casework_saved(sender, instance, **kwargs) -> None:
    """A member enquiry or an escalation was saved: refresh the day it was raised, after commit."""
    from joinedup.figures.tasks import refresh_enquiries

    council_id = instance.council_id
    day = timezone.localtime(instance.created_at).date().isoformat()
    transaction.on_commit(lambda: refresh_enquiries.enqueue(council_id, [day]))


def connect() -> None:
    from django.db.models.signals import post_save

    from joinedup.councillors.models import Escalation, MemberEnquiry

    events.subscribe("service_requests.request_changed", on_requests_changed)
    events.subscribe("service_requests.journey_step", on_journey_steps)
    post_save.connect(on_casework_saved, sender=MemberEnquiry, dispatch_uid="figures.enquiry_saved")
    post_save.connect(on_casework_saved, sender=Escalation, dispatch_uid="figures.escalation_saved")
