from django.db.models import Count, Min, Model, Q, QuerySet
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from joinedup.accounts import permissions
from joinedup.notifications.models import RESENDABLE_STATUSES, Message, MessageStatus


def _require_staff(user, council) -> None:
    permissions.require(
        permissions.can_view_staff_pages(user, council), "Only the council's staff can see the messages it sent."
    )


def messages_for(*, user, council, obj: Model) -> QuerySet[Message]:
    """Return the emails and texts sent about a record, newest first, for its staff page."""
    _require_staff(user, council)
    return Message.objects.filter(
        council=council, object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).select_related("resent_as")


def messages_needing_checking(*, user, council) -> QuerySet[Message]:
    """Return the council's messages that ended uncertain or failed and were not resent, newest first."""
    _require_staff(user, council)
    return Message.objects.filter(council=council, status__in=RESENDABLE_STATUSES, resent_as__isnull=True).order_by(
        "-updated_at", "-id"
    )


def message_for_staff(*, user, council, pk: int) -> Message:
    """Return one of the council's messages (404 if it is another council's)."""
    _require_staff(user, council)
    return get_object_or_404(
        Message.objects.select_related("council", "resend_of", "resent_as"), council=council, pk=pk
    )


def _retrying(council=None) -> QuerySet[Message]:
    """Messages waiting to be tried again after a transient failure (the mail server or Notify not answering)."""
    messages = Message.objects.filter(status=MessageStatus.PENDING, attempts__gt=0)
    return messages if council is None else messages.filter(council=council)


def sending_problem(*, council) -> dict | None:
    """What staff are told while sending is failing for the council: None when it is not.

    Sending counts as failing while any of the council's messages waits to be tried again after
    the mail server (or GOV.UK Notify) did not take it. No personal data: counts and the error.
    """
    summary = _retrying(council).aggregate(count=Count("pk"), since=Min("created_at"))
    if not summary["count"]:
        return None
    latest = _retrying(council).order_by("-updated_at").values_list("channel", "last_error").first()
    return {"count": summary["count"], "since": summary["since"], "channel": latest[0], "last_error": latest[1]}


def outbox_health() -> dict:
    """The outbox for /healthz: how long the oldest due message has waited, and whether sending is failing."""
    now = timezone.now()
    due = Message.objects.filter(status=MessageStatus.PENDING).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    waiting_since = Coalesce("next_attempt_at", "created_at")
    oldest = due.annotate(since=waiting_since).order_by("since").values_list("since", flat=True).first()
    retrying = _retrying().count()
    return {
        "status": "failing" if retrying else "ok",
        "waiting": due.count(),
        "oldest_waiting_seconds": max(round((now - oldest).total_seconds()), 0) if oldest else 0,
        "retrying": retrying,
    }
