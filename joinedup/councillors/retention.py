"""Member enquiries hold a resident's name, contact details, home address and their story: keep
them only as long as requests are kept (REQUEST_RETENTION_MONTHS after closing)."""

from django.db import transaction
from django.db.models import Q

from joinedup.core.redaction import redact

REMOVED = "(removed after the retention period)"


@transaction.atomic
def enquiries_anonymise_expired(now) -> int:
    """Empty the resident's details on enquiries closed longer ago than the retention period, and
    take their name and contact details out of the thread; the enquiry itself stays for the figures."""
    from joinedup.councillors.models import EnquiryMessage, EnquiryStatus, MemberEnquiry
    from joinedup.notifications.models import Message
    from joinedup.service_requests.privacy import retention_cutoff

    cutoff = retention_cutoff(now)
    # Closed, or answered and left so (an answered enquiry need not be closed by anyone).
    done = Q(status=EnquiryStatus.CLOSED, closed_at__lt=cutoff) | Q(
        status=EnquiryStatus.ANSWERED, first_answered_at__lt=cutoff, updated_at__lt=cutoff
    )
    expired = list(
        MemberEnquiry.objects.filter(done)
        .exclude(resident_name="", resident_email="", resident_phone="", resident_address="")
        .only("id", "resident_name")
    )
    if not expired:
        return 0
    names = {e.pk: [e.resident_name] for e in expired}
    ids = list(names)
    messages = list(EnquiryMessage.objects.filter(enquiry_id__in=ids).only("id", "enquiry_id", "body"))
    for message in messages:
        message.body = redact(message.body, names=names[message.enquiry_id], postcodes=True)
    EnquiryMessage.objects.bulk_update(messages, ["body"], batch_size=500)
    MemberEnquiry.objects.filter(id__in=ids).update(
        resident_name="", resident_email="", resident_phone="", resident_address="", resident=None
    )
    Message.objects.filter(object_type="councillors.memberenquiry", object_id__in=[str(i) for i in ids]).delete()
    return len(ids)
