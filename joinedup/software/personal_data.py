"""What the software estate holds about a person (licences, usage, reclaim requests), found by the
user name the source systems use, usually their email address. Found by
`joinedup.core.personal_data`, which imports this module of every app."""

from joinedup.core.personal_data import Found, Person, register, stamp


def _software(person: Person) -> Found:
    from joinedup.software.models import Assignment, ReclaimExclusion, ReclaimRequest, UsageMonthly

    if not person.email:
        return Found({"licences": [], "usage": [], "reclaim_requests": [], "left_out_of_reclaim": []})
    assignments = list(Assignment.objects.filter(person__iexact=person.email).select_related("council", "product"))
    usage = UsageMonthly.objects.filter(person__iexact=person.email).select_related("product").order_by("month")
    reclaims = list(ReclaimRequest.objects.filter(person__iexact=person.email).select_related("council", "product"))
    exclusions = list(ReclaimExclusion.objects.filter(person__iexact=person.email).select_related("council", "product"))
    data = {
        "licences": [{"council": a.council.name, "product": a.product.name} for a in assignments],
        "usage": [
            {
                "product": row.product.name,
                "month": row.month.isoformat(),
                "days_used": row.active_days,
                "last_used": row.last_seen.isoformat(),
                "times_used": row.events,
                "source": row.get_source_display(),
            }
            for row in usage
        ],
        "reclaim_requests": [
            {
                "council": r.council.name,
                "product": r.product.name,
                "created_at": stamp(r.created_at),
                "last_used": stamp(r.last_used),
                "status": r.get_status_display(),
                "reason": r.reason,
            }
            for r in reclaims
        ],
        "left_out_of_reclaim": [
            {"council": x.council.name, "product": x.product.name, "reason": x.reason, "since": stamp(x.created_at)}
            for x in exclusions
        ],
    }
    return Found(data, records=[*assignments, *reclaims, *exclusions])


register("software_licences_and_usage", _software)
