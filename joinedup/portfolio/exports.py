"""CSV and XLSX downloads of the ranked list and the roadmap."""

import csv
import io

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font

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
    "Duration optimism bias",
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
            p.start_date.isoformat() if p.start_date else "",
            p.end_date.isoformat() if p.end_date else "",
            f"{p.ob_duration:.1%}" if getattr(p, "ob_duration", None) is not None else "",
            p.end_with_ob.isoformat() if getattr(p, "end_with_ob", None) else "",
            ", ".join(o.code for o in p.objectives.all()),
            ", ".join(d.reference for d in p.depends_on.all()),
            "; ".join(f"{m.title} ({m.due_on.isoformat()})" for m in p.milestones.all()),
            latest.get_rag_overall_display() if latest else "",
            latest.get_delivery_confidence_display() if latest else "",
        ]


def _safe(value):
    # A text value starting with = + - @ would run as a formula in a spreadsheet.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return f"'{value}"
    return value


def csv_response(filename, columns, rows):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response.write("\ufeff")  # so spreadsheet programs read the file as UTF-8
    writer = csv.writer(response)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_safe(v) for v in row])
    return response


def xlsx_response(filename, title, columns, rows):
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_safe(float(v)) if hasattr(v, "as_tuple") else _safe(v) for v in row])
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
