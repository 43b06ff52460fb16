"""How JoinedUp's statuses map to Open311's open/closed and to the mySociety extended statuses."""

from joinedup.service_requests.models import CLOSED_STATUSES, Status

# Out: a JoinedUp status as a (lower-case) mySociety extended status.
EXTENDED = {
    Status.SUBMITTED: "open",
    Status.ACKNOWLEDGED: "open",
    Status.INVESTIGATING: "investigating",
    Status.ACTION_SCHEDULED: "action_scheduled",
    Status.IN_PROGRESS: "in_progress",
    Status.FIXED: "fixed",
    Status.CLOSED: "closed",
    Status.NOT_OURS: "not_councils_responsibility",
    Status.DUPLICATE: "duplicate",
    Status.CANCELLED: "cancelled",
}

UNCHANGED = "unchanged"
REOPEN = "reopen"

# In: an extended status a back office posts (upper case) as what JoinedUp does with it.
# A JoinedUp status moves the request there; UNCHANGED adds the message without a status change;
# REOPEN moves a closed request back to investigating (and leaves an open one as it is).
INCOMING = {
    "UNCHANGED": UNCHANGED,
    "OPEN": REOPEN,
    "REOPEN": REOPEN,
    "FOR_TRIAGE": Status.ACKNOWLEDGED,
    "INVESTIGATING": Status.INVESTIGATING,
    "ACTION_SCHEDULED": Status.ACTION_SCHEDULED,
    "PLANNED": Status.ACTION_SCHEDULED,
    "IN_PROGRESS": Status.IN_PROGRESS,
    "INTERNAL_REFERRAL": UNCHANGED,
    "FIXED": Status.FIXED,
    "CLOSED": Status.CLOSED,
    "NO_FURTHER_ACTION": Status.CLOSED,
    "NOT_COUNCILS_RESPONSIBILITY": Status.NOT_OURS,
    "DUPLICATE": Status.DUPLICATE,
    "CANCELLED": Status.CANCELLED,
}


def basic(status: str) -> str:
    """Open311's own two statuses."""
    return "closed" if status in CLOSED_STATUSES else "open"


def extended(status: str) -> str:
    return EXTENDED.get(status, "open")


def incoming(value: str) -> str | None:
    """What to do with a posted status, or None if it is not one we know."""
    return INCOMING.get((value or "").strip().upper().replace(" ", "_"))
