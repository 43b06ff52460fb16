from django.db.models import Model, QuerySet

from joinedup.accounts import permissions
from joinedup.notifications.models import Message


def messages_for(*, user, council, obj: Model) -> QuerySet[Message]:
    """Return the emails and texts sent about a record, newest first, for its staff page."""
    permissions.require(
        permissions.can_view_staff_pages(user, council), "Only the council's staff can see the messages it sent."
    )
    return Message.objects.filter(council=council, object_type=obj._meta.label_lower, object_id=str(obj.pk))
