"""What scrutiny holds about a person: the topics they suggested to a committee's work programme.
Found by `joinedup.core.personal_data`, which imports this module of every app."""

from django.db.models import Q

from joinedup.core.personal_data import Found, Person, register, stamp


def _suggestions(person: Person) -> Found:
    from joinedup.scrutiny.models import Topic

    match = Q(suggester_email__iexact=person.email) if person.email else Q(pk__in=[])
    if person.user:
        match |= Q(suggested_by=person.user)
    topics = list(Topic.objects.filter(match).select_related("committee").order_by("created_at"))
    data = [
        {
            "committee": t.committee.name,
            "title": t.title,
            "description": t.description,
            "suggested_at": stamp(t.created_at),
            "your_name": t.suggester_name,
            "your_email": t.suggester_email,
            "status": t.get_status_display(),
        }
        for t in topics
    ]
    return Found(data, records=topics)


register("scrutiny_topics_you_suggested", _suggestions)
