"""
Every headline measure: its name, its unit and one plain-English sentence saying what it means and
how it is worked out. Pages, downloads and docs/figures.md all use these words.

Units: "count", "percent" (0 to 100), "days" (working days), "score" (0 to 100), "per100",
"money" (pounds).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    unit: str
    explanation: str
    # The count this measure is worked out from: when it is under 5 the measure is not published.
    base: str = ""
    higher_is_better: bool | None = None


MEASURES = [
    Measure(
        "requests_made",
        "Requests made",
        "count",
        "How many problems were reported to the council in the period, by any channel.",
        base="requests_made",
    ),
    Measure(
        "digital_take_up",
        "Digital take-up",
        "percent",
        "The share of requests made online or by another system (including those made online with a member of "
        "staff's help, as the GOV.UK service manual counts assisted digital), out of requests made by every channel.",
        base="requests_made",
        higher_is_better=True,
    ),
    Measure(
        "completion_rate",
        "Completion rate",
        "percent",
        "Of the online report journeys started, the share that ended with a report sent or with support added to "
        "a report already made; journeys are counted by step, without identifying anyone.",
        base="journeys_started",
        higher_is_better=True,
    ),
    Measure(
        "satisfaction_top_two",
        "Satisfied or very satisfied",
        "percent",
        "Of the residents who answered 'Overall, how did you feel about the service you received?', the share "
        "who chose satisfied or very satisfied.",
        base="satisfaction_answers",
        higher_is_better=True,
    ),
    Measure(
        "satisfaction_score",
        "User satisfaction score",
        "score",
        "The GOV.UK Performance Platform's score: the average answer on the 5-point scale (1 very dissatisfied "
        "to 5 very satisfied), less 1, divided by 4, as a number from 0 to 100.",
        base="satisfaction_answers",
        higher_is_better=True,
    ),
    Measure(
        "cost_per_request",
        "Cost per transaction",
        "money",
        "The cost of running every channel in the period, as entered by the council, divided by the requests "
        "made in the period.",
        base="requests_made",
        higher_is_better=False,
    ),
    Measure(
        "channel_shift_saving",
        "Saving from channel shift",
        "money",
        "What the requests made online would have cost at the average cost of a request by phone, face to face "
        "or email, less what they cost online.",
        base="requests_made",
        higher_is_better=True,
    ),
    Measure(
        "told_every_change",
        "Reporters told of every status change",
        "percent",
        "Of requests made in the period whose reporter asked for updates and whose status changed, the share "
        "where a message about every change reached the outbox and did not fail.",
        base="loop_requests",
        higher_is_better=True,
    ),
    Measure(
        "told_of_closure",
        "Reporters told of closure",
        "percent",
        "Of requests closed in the period whose reporter asked for updates, the share whose closure message was "
        "delivered, sent or waiting to be sent (not failed or missing).",
        base="closure_asked",
        higher_is_better=True,
    ),
    Measure(
        "chasers_per_100",
        "Chasers per 100 requests",
        "per100",
        "How many times residents chased requests made in the period (an update while open, or a call recorded "
        "by staff), for every 100 requests.",
        base="requests_made",
        higher_is_better=False,
    ),
    Measure(
        "repeat_contacts_per_100",
        "Repeat contacts per 100 requests",
        "per100",
        "How many more people reported a problem already reported in the period (added their support or were "
        "merged as duplicates), for every 100 requests.",
        base="requests_made",
    ),
    Measure(
        "disputes",
        "Closures disputed",
        "count",
        "How many times the reporters of requests made in the period said a closure was wrong.",
        base="disputes",
        higher_is_better=False,
    ),
    Measure(
        "reopenings",
        "Reopenings",
        "count",
        "How many times requests made in the period were opened again after being closed, by staff or by a dispute.",
        base="reopenings",
        higher_is_better=False,
    ),
    Measure(
        "resolved",
        "Requests resolved",
        "count",
        "How many requests were closed in the period as fixed, no action needed or passed to another "
        "organisation (not duplicates or cancelled).",
        base="resolved",
    ),
    Measure(
        "median_days",
        "Median time to resolve",
        "days",
        "Half of the requests resolved in the period took this many working days or fewer from being reported "
        "to being closed.",
        base="resolved",
        higher_is_better=False,
    ),
    Measure(
        "p90_days",
        "90th percentile time to resolve",
        "days",
        "Nine in ten of the requests resolved in the period took this many working days or fewer.",
        base="resolved",
        higher_is_better=False,
    ),
    Measure(
        "within_target",
        "Resolved within target",
        "percent",
        "Of the requests resolved in the period, the share closed by the date the council published when they "
        "were reported.",
        base="resolved",
        higher_is_better=True,
    ),
    Measure(
        "overdue_now",
        "Overdue now",
        "count",
        "How many open requests are past the date the council aimed to deal with them by (at the end of the "
        "period, or now for a period that has not ended).",
        base="overdue_now",
        higher_is_better=False,
    ),
    Measure(
        "enquiries_within_target",
        "Member enquiries answered within target",
        "percent",
        "Of the enquiries councillors raised in the period, the share that had a first answer by their due date.",
        base="enquiries",
        higher_is_better=True,
    ),
    Measure(
        "escalations",
        "Escalations by councillors",
        "count",
        "How many times councillors asked a service to look again at a request in the period.",
        base="escalations",
    ),
    Measure(
        "escalations_answered",
        "Escalations answered",
        "count",
        "How many of those escalations the service has answered.",
        base="escalations_answered",
    ),
]
MEASURE_BY_KEY = {m.key: m for m in MEASURES}
SMALL_COUNT = 5


def is_small(count) -> bool:
    """A count from 1 to 4: too few to publish without risking identifying someone."""
    return count is not None and 0 < count < SMALL_COUNT
