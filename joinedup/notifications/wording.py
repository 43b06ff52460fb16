"""What staff see when they look after their council's messages: each event, who gets it, and
sample details for previews."""

EVENT_DESCRIPTIONS = {
    "request.submitted": ("Request received", "the resident who reported it"),
    "request.status_changed": ("Status changed", "the reporter and everyone following"),
    "request.public_update": ("Update from the council", "the reporter and everyone following"),
    "request.closed": ("Request closed, with a feedback link", "the reporter and everyone following"),
    "request.merged": ("Merged with another report", "the reporter and everyone following"),
    "request.referred": ("Passed to another organisation", "the reporter and everyone following"),
    "request.supported": ("Support added", "the person who added their support"),
    "request.assigned": ("Assigned to an officer", "the officer"),
    "request.overdue": ("Request overdue", "the assigned officer"),
    "request.overdue_digest": ("Daily list of overdue requests", "the service area's lead officer"),
    "request.disputed": ("Closure disputed", "the assigned officer, or the service area's lead"),
    "request.resident_update": ("Resident added information", "the assigned officer"),
}


def sample_context(council) -> dict:
    """Made-up details for previewing a message, so staff see it as a resident would."""
    return {
        "reference": f"{council.short_name}-000123",
        "council_name": council.name,
        "category": "Fly-tipping",
        "status": "Action scheduled",
        "expected_by": "4 December 2026",
        "message": "We have booked the work for Thursday.",
        "tracking_url": f"https://report.example.gov.uk/{council.slug}/requests/{council.short_name}-000123/",
        "feedback_url": f"https://report.example.gov.uk/{council.slug}/requests/{council.short_name}-000123/feedback/",
        "recipient_name": "Sam",
        "overdue_list": f"- {council.short_name}-000123: Fly-tipping, Church Lane, due 1 December 2026",
        "referred_to": "National Highways",
        "duplicate_reference": f"{council.short_name}-000120",
    }
