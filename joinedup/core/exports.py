"""
Spreadsheet downloads (CSV and XLSX), written one way for every app.

A download is a list of column names and rows of cells. A cell is text, a number (int, float or
Decimal), a date or datetime, True/False (written Yes/No) or None (an empty cell).

- Numbers and dates stay numbers and dates in XLSX, so people can sort, filter and add them up.
  Datetimes are shown in the site's time zone, to the minute.
- Text that starts like a formula (= + - @, a tab or a carriage return) never runs as one when the
  file is opened in a spreadsheet program. In CSV the text gets a leading apostrophe (a spreadsheet
  program reads that as "this is text"). In XLSX the cell is stored as text with the quote prefix
  Excel itself uses for a typed apostrophe, so it shows exactly what was written and stays text
  even when someone edits it. A real number, negative or not, is never escaped.
- CSV files start with a UTF-8 byte order mark (unless asked not to) so that spreadsheet programs
  read accented letters and "£" correctly.
"""

import csv
import datetime
import io
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone

# A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOM = "\ufeff"

# Characters an XLSX file cannot hold (control characters other than tab, line feed and carriage
# return: they come in with text pasted from other systems). openpyxl refuses them outright.
_XLSX_ILLEGAL = re.compile(r"[\000-\010\013\014\016-\037]")
# Characters a worksheet's name cannot hold, and its longest length.
_SHEET_TITLE_ILLEGAL = re.compile(r"[\[\]:*?/\\]")
_SHEET_TITLE_LIMIT = 31

Cell = str | int | float | Decimal | datetime.date | bool | None


def escape(text: str) -> str:
    """The text, with an apostrophe in front if a spreadsheet would otherwise run it as a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text


def _is_number(value) -> bool:
    """A real number: not True/False, and not NaN or infinity (a spreadsheet cannot hold them)."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return False
    return isinstance(value, int) or math.isfinite(value)


def _local(moment: datetime.datetime) -> datetime.datetime:
    """The moment in the site's time zone, without a time zone (spreadsheets have none)."""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.replace(tzinfo=None)


def csv_cell(value: Cell) -> str:
    """One cell as CSV text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if _is_number(value):
        return str(value)
    if isinstance(value, datetime.datetime):
        return _local(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return escape(str(value))


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a streaming response."""

    def write(self, value):
        return value


def csv_lines(columns: Sequence[str], rows: Iterable[Sequence[Cell]], *, bom: bool = True) -> Iterator[str]:
    """The CSV a line at a time (for a streaming response): the header, then each row."""
    writer = csv.writer(_Echo())
    yield (BOM if bom else "") + writer.writerow([csv_cell(name) for name in columns])
    for row in rows:
        yield writer.writerow([csv_cell(value) for value in row])


def csv_bytes(columns: Sequence[str], rows: Iterable[Sequence[Cell]], *, bom: bool = True) -> bytes:
    return "".join(csv_lines(columns, rows, bom=bom)).encode("utf-8")


def _sheet_title(title: str) -> str:
    return _SHEET_TITLE_ILLEGAL.sub("", title).strip()[:_SHEET_TITLE_LIMIT] or "Sheet1"


def _xlsx_cell(sheet, value: Cell):
    from openpyxl.cell import WriteOnlyCell

    if value is None:
        return None
    if isinstance(value, bool):
        value = "Yes" if value else "No"
    if _is_number(value):
        return WriteOnlyCell(sheet, value=value)
    if isinstance(value, datetime.datetime):
        cell = WriteOnlyCell(sheet, value=_local(value))
        cell.number_format = "yyyy-mm-dd hh:mm"
        return cell
    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    # Text: a cell holds at most 32,767 characters; openpyxl cuts longer text to that.
    text = _XLSX_ILLEGAL.sub("", str(value))
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # never a formula (or an error value such as #N/A), whatever it starts with
    if text.startswith(FORMULA_START):
        cell.quotePrefix = True  # stays text even when someone edits the cell
    return cell


def xlsx_bytes(title: str, columns: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    """A workbook of one sheet: a bold header row, frozen so it stays in view, then each row."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(title))
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for name in columns:
        cell = _xlsx_cell(sheet, name)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _attachment(body: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(filename: str, columns: Sequence[str], rows: Iterable[Sequence[Cell]]) -> HttpResponse:
    """The rows as a CSV download called filename.csv."""
    return _attachment(csv_bytes(columns, rows), CSV_CONTENT_TYPE, f"{filename}.csv")


def xlsx_response(filename: str, title: str, columns: Sequence[str], rows: Iterable[Sequence[Cell]]) -> HttpResponse:
    """The rows as an XLSX download called filename.xlsx, on a sheet named title."""
    return _attachment(xlsx_bytes(title, columns, rows), XLSX_CONTENT_TYPE, f"{filename}.xlsx")
