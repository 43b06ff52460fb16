"""CSV and XLSX downloads of the ranked list and the roadmap (written by joinedup.core.exports)."""

from joinedup.core.exports import csv_response as csv_response  # the views answer downloads with these
from joinedup.core.exports import xlsx_response as xlsx_response

RANKING_COLUMNS = [
    "Rank",
    "Reference",
    "Title",
    "Stage",
    "Score out of 100",
    "Raters",
    "One-off cost (£)",
    "Running cost a year (£)",
    "Why it ranks here",
]
ROADMAP_COLUMNS = [
    "Reference",
    "Title",
    "Lead council",
    "Councils taking part",
    "Stage",
    "Start",
    "End",
    "Duration optimism bias (%)",
    "End allowing for optimism bias",
    "Objectives",
    "Depends on",
    "Milestones",
    "Latest status",
    "Delivery confidence",
]


def ranking_rows(rows):
    for r in rows:
        p = r.proposal
        yield [
            r.rank,
            p.reference,
            p.title,
            p.get_stage_display(),
            r.score,
            r.raters,
            p.capital_cost,
            p.revenue_cost,
            r.explanation,
        ]


def roadmap_rows(projects):
    for p in projects:
        latest = next(iter(p.status_reports.all()), None)
        yield [
            p.reference,
            p.title,
            p.council.name,
            ", ".join(c.name for c in p.councils.all()),
            p.get_stage_display(),
            p.start_date,
            p.end_date,
            # A number, so a spreadsheet can sum and sort it (issue 16, defect 10).
            float(round(p.ob_duration * 100, 1)) if getattr(p, "ob_duration", None) is not None else None,
            getattr(p, "end_with_ob", None),
            ", ".join(o.code for o in p.objectives.all()),
            ", ".join(d.reference for d in p.depends_on.all()),
            "; ".join(f"{m.title} ({m.due_on.isoformat()})" for m in p.milestones.all()),
            latest.get_rag_overall_display() if latest else "",
            latest.get_delivery_confidence_display() if latest else "",
        ]
