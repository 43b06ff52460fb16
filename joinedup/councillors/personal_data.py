"""What the councillors' pages hold about a person, for a subject access request. Found by
`joinedup.core.personal_data`, which imports this module of every app."""

from django.db.models import Q

from joinedup.core.personal_data import Found, Person, register, stamp


def _enquiries_about(person: Person) -> Found:
    """Member enquiries a councillor raised on the person's behalf: their details and the thread."""
    from joinedup.councillors.models import MemberEnquiry

    match = Q(pk__in=[])
    if person.email:
        match |= Q(resident_email__iexact=person.email)
    if person.phones:
        match |= Q(resident_phone__in=person.phones)
    if person.user:
        match |= Q(resident=person.user)
    enquiries = list(
        MemberEnquiry.objects.filter(match)
        .select_related("council", "councillor", "service_area")
        .prefetch_related("messages")
        .order_by("created_at")
    )
    data = [
        {
            "reference": enquiry.reference,
            "council": enquiry.council.name,
            "raised_by_councillor": enquiry.councillor.full_name,
            "service_area": enquiry.service_area.name,
            "subject": enquiry.subject,
            "created_at": stamp(enquiry.created_at),
            "status": enquiry.get_status_display(),
            "closed_at": stamp(enquiry.closed_at),
            "resident_name": enquiry.resident_name,
            "resident_email": enquiry.resident_email,
            "resident_phone": enquiry.resident_phone,
            "resident_address": enquiry.resident_address,
            "messages": [
                {
                    "at": stamp(message.created_at),
                    "from": "the council" if message.from_council else "the councillor",
                    "text": message.body,
                }
                for message in enquiry.messages.all()
            ],
        }
        for enquiry in enquiries
    ]
    return Found(data, records=enquiries)


def _requests_followed_as_councillor(person: Person) -> Found:
    from joinedup.councillors.models import Follow

    if person.user is None:
        return Found([])
    follows = Follow.objects.filter(user=person.user).select_related("request", "council").order_by("created_at")
    return Found(
        [{"reference": f.request.reference, "council": f.council.name, "since": stamp(f.created_at)} for f in follows]
    )


def _councillor_record(person: Person) -> Found:
    """The council's published record of the person as a councillor, if they are one."""
    from joinedup.councillors.models import Councillor

    match = Q(email__iexact=person.email) if person.email else Q(pk__in=[])
    if person.user:
        match |= Q(user=person.user)
    records = list(Councillor.objects.filter(match).select_related("council").prefetch_related("wards"))
    data = [
        {
            "council": c.council.name,
            "name": c.name,
            "email": c.email,
            "wards": [ward.name for ward in c.wards.all()],
            "term_start": stamp(c.term_start),
            "term_end": stamp(c.term_end),
        }
        for c in records
    ]
    return Found(data, records=records)


register("member_enquiries_about_you", _enquiries_about)
register("requests_you_follow_as_a_councillor", _requests_followed_as_councillor)
register("your_record_as_a_councillor", _councillor_record)
