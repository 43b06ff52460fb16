from django.db.models import Model, QuerySet
from django.shortcuts import get_object_or_404

from joinedup.accounts import permissions
from joinedup.notifications.models import RESENDABLE_STATUSES, Message


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
