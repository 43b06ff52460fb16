from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.http import Http404

from joinedup.accounts import permissions
from joinedup.core.models import AuditEntry

# Records whose history staff can read, as "app_label.model". Each has a council.
HISTORY_MODELS = {"councils.council", "councils.servicearea", "councils.ward", "councils.councilhostname"}


def council_of(instance):
    """Return the council a record belongs to."""
    from joinedup.councils.models import Council

    return instance if isinstance(instance, Council) else getattr(instance, "council", None)


def record_for_history(*, user, council, model_label: str, pk: str):
    """Return the record named by label and key, or 404 unless it is the council's and the user is its staff."""
    if model_label not in HISTORY_MODELS or not permissions.can_view_staff_pages(user, council):
        raise Http404
    model = apps.get_model(model_label)
    try:
        instance = model.objects.get(pk=pk)
    except (model.DoesNotExist, ValueError):
        raise Http404 from None
    if council_of(instance) != council:
        raise Http404
    return instance


def audit_history(*, user, council, instance) -> QuerySet[AuditEntry]:
    """Return the audit entries of one record, newest first, if the user is staff of its council."""
    if not permissions.can_view_staff_pages(user, council) or council_of(instance) != council:
        return AuditEntry.objects.none()
    content_type = ContentType.objects.get_for_model(instance, for_concrete_model=False)
    return AuditEntry.objects.filter(content_type=content_type, object_id=str(instance.pk)).select_related(
        "content_type"
    )


def audit_recent(*, user, council, limit: int = 20) -> QuerySet[AuditEntry]:
    """Return the council's latest audit entries, for its staff."""
    if not permissions.can_view_staff_pages(user, council):
        return AuditEntry.objects.none()
    return AuditEntry.objects.filter(council=council).select_related("content_type")[:limit]
