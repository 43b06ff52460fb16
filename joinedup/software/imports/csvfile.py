"""Reading a CSV file the way people and Microsoft really write them."""

import codecs
import csv
import datetime
import hashlib
import io
import itertools
import re
from dataclasses import dataclass, field

from joinedup.software.models import normalise_name

MAX_ERRORS = 100


@dataclass
class RowError:
    row: int | None
    column: str
    message: str

    def __str__(self):
        where = []
        if self.row is not None:
            where.append(f"Row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.message}" if where else self.message


@dataclass
class ImportResult:
    kind: str
    rows: int = 0
    people: int = 0
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    report_refresh_date: datetime.date | None = None
    # What would be written: {(product_id, person, day)} or {(product_id, person)}.
    usage: set = field(default_factory=set)
    assignments: set = field(default_factory=set)
    products: dict = field(default_factory=dict)  # product name -> people
    events: dict = field(default_factory=dict)  # (product_id, person, day) -> sign-ins that day
    # What is stored: {(product_id, person, first day of the month): [days bitmask, sign-ins]}.
    months: dict = field(default_factory=dict)
    more_errors: int = 0
    sha256: str = ""  # of the whole file, once it has been read
    # Checks on the people in the file (see `imports.people`): {domain: people}, and the domains
    # that belong to another council {domain: council name}.
    domains: dict = field(default_factory=dict)
    other_councils: dict = field(default_factory=dict)
    # What a licence assignment file changes (see `services.assignment_diff`).
    assignment_changes: dict = field(default_factory=dict)
    # Dates after today: [count, first row, its column, its value].
    future: list = field(default_factory=lambda: [0, None, "", ""])
    # How the file writes dates that are not ISO 8601, once one says so: "dmy" or "mdy".
    date_order: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, row, column, message):
        if len(self.errors) >= MAX_ERRORS:
            self.more_errors += 1
        else:
            self.errors.append(RowError(row, column, message))

    def summary(self) -> dict:
        return {
            "rows": self.rows,
            "people": self.people,
            "skipped": self.skipped,
            "usage_days": sum(days.bit_count() for days, _ in self.months.values()),
            "usage_months": len(self.months),
            "assignments": len(self.assignments),
            "products": dict(sorted(self.products.items())),
            "report_refresh_date": str(self.report_refresh_date) if self.report_refresh_date else None,
            "warnings": self.warnings,
            "domains": dict(sorted(self.domains.items(), key=lambda item: (-item[1], item[0]))[:50]),
            "other_councils": self.other_councils,
            "assignment_changes": self.assignment_changes,
        }

    def date(self, row, column, value) -> datetime.date | None:
        """Read a date in this file (see `parse_date`), noting dates after today for a warning."""
        return self.note_future(row, column, value, parse_date(value, self))

    def note_future(self, row, column, value, day):
        today = self.__dict__.get("_today")
        if today is None:
            today = self.__dict__["_today"] = _today()  # once per file, not once per date
        if day is not None and day > today:
            if not self.future[0]:
                self.future[1:] = [row, column, value.strip()]
            self.future[0] += 1
        return day

    def warn_future(self):
        count, row, column, value = self.future
        if count:
            self.warnings.append(
                f"{count} date{'s are' if count > 1 else ' is'} after today, for example row {row}, column "
                f"'{column}': '{value}'. Check the file's dates: the activity window is counted back from the "
                "file's date, never from a day after today."
            )


def _today() -> datetime.date:
    from django.utils import timezone

    return timezone.localdate()


def day_bit(day: datetime.date) -> int:
    """A day as one bit of its month's bitmask: bit 0 is the 1st, bit 30 the 31st."""
    return 1 << (day.day - 1)


def to_months(events) -> dict:
    """{(product_id, person, day): sign-ins} (or a set of those keys, one use each) as
    {(product_id, person, first day of the month): [days bitmask, sign-ins]}."""
    months = {}
    counts = events.items() if isinstance(events, dict) else ((key, 1) for key in events)
    for (product_id, person, day), count in counts:
        key = (product_id, person, day.replace(day=1))
        month = months.get(key)
        if month is None:
            months[key] = [day_bit(day), count]
        else:
            month[0] |= day_bit(day)
            month[1] += count
    return months


def header_key(name: str) -> str:
    """Headers match by name: a BOM, case, trailing and doubled spaces do not matter."""
    return normalise_name(name.replace("\ufeff", ""))


@dataclass
class Column:
    name: str  # as shown in messages
    aliases: tuple[str, ...] = ()
    required: bool = True


CHUNK = 1 << 20


def open_file(data):
    """The file being imported as a binary stream: `data` is its bytes, or the path of a file on
    disk (sign-in logs run to hundreds of megabytes, so they are read from disk as needed)."""
    if isinstance(data, (bytes, bytearray, memoryview)):
        return io.BytesIO(data)
    return open(data, "rb")  # noqa: SIM115 (the caller closes it)


def file_sha256(data) -> str:
    """The SHA-256 of the file (bytes or a path), read in chunks."""
    digest = hashlib.sha256()
    with open_file(data) as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _is_encoding(file, encoding: str) -> bool:
    """Check the whole file reads in `encoding` without making a text copy of it (files can be
    hundreds of MB)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        while chunk := file.read(CHUNK):
            decoder.decode(chunk, final=False)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _is_utf8(file) -> bool:
    return _is_encoding(file, "utf-8")


def _is_cp1252(file) -> bool:
    return _is_encoding(file, "cp1252")


def _is_blank(file) -> bool:
    while chunk := file.read(CHUNK):
        if chunk.strip():
            return False
    return True


def _utf16_without_bom(head: bytes) -> str:
    """'utf-16-le' or 'utf-16-be' if the start of the file looks like UTF-16 text with no BOM
    (every other byte zero), else ''."""
    if len(head) < 4:
        return ""
    even, odd = head[0::2], head[1::2]
    if odd.count(0) >= len(odd) * 0.9 and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) >= len(even) * 0.9 and odd.count(0) == 0:
        return "utf-16-be"
    return ""


NOT_CSV = (
    "The file is not a CSV file (it looks like a spreadsheet, PDF or other binary file). "
    "Save or export it as CSV (comma-separated values) and upload that."
)


def decode(data, result: ImportResult):
    """Return the file (bytes or a path) as a text stream, decoded as it is read, or None with the
    problem in `result`. The caller closes the stream.

    UTF-8 (with or without a BOM) and UTF-16 (as Excel's "Unicode text" and some Microsoft exports
    write it, with a BOM) are read as they are; other text is read as Windows-1252, with a warning.
    """
    file = open_file(data)
    try:
        head = file.read(4096)
        utf16 = "utf-16" if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else _utf16_without_bom(head)
        if utf16:
            file.seek(0)
            if not _is_encoding(file, utf16):
                result.error(
                    None,
                    "",
                    "The file looks like UTF-16 text, but part of it cannot be read as UTF-16. "
                    "Save it as CSV UTF-8 and try again.",
                )
                file.close()
                return None
            file.seek(0)
            if utf16 != "utf-16":
                result.warnings.append(f"The file is UTF-16 text with no byte order mark; it was read as {utf16}.")
            return io.TextIOWrapper(file, encoding=utf16, newline="")
        if not head.strip():
            file.seek(0)
            if _is_blank(file):
                result.error(None, "", "The file is empty.")
                file.close()
                return None
        # A NUL here and there is a bad value, reported by row and column; many mean a binary file.
        if head.startswith((b"PK\x03\x04", b"%PDF")) or head.count(0) > len(head) // 20:
            result.error(None, "", NOT_CSV)
            file.close()
            return None
        file.seek(0)
        if _is_utf8(file):
            file.seek(0)
            return io.TextIOWrapper(file, encoding="utf-8-sig", newline="")
        file.seek(0)
        if not _is_cp1252(file):
            result.error(
                None, "", "The file's text cannot be read as UTF-8, UTF-16 or Windows-1252. Save it as CSV UTF-8."
            )
            file.close()
            return None
        result.warnings.append("The file is not UTF-8; it was read as Windows-1252 text.")
        file.seek(0)
        return io.TextIOWrapper(file, encoding="cp1252", newline="")
    except BaseException:
        file.close()
        raise


# The longest row read, in characters: a file with no line breaks is refused at this length
# rather than read whole into memory. One value may hold csv's own limit, 131,072 characters.
MAX_ROW_CHARACTERS = 1_000_000
MAX_VALUE_CHARACTERS = csv.field_size_limit()


class RowTooLong(Exception):
    pass


def limited_lines(text):
    """The lines of a text stream, each read up to MAX_ROW_CHARACTERS: a longer one raises
    RowTooLong instead of being held whole in memory."""
    while line := text.readline(MAX_ROW_CHARACTERS + 1):
        if len(line) > MAX_ROW_CHARACTERS:
            raise RowTooLong
        yield line


def row_too_long(row: int) -> RowError:
    return RowError(
        row,
        "",
        f"This row is longer than {MAX_ROW_CHARACTERS:,} characters, the most one row may hold, so the file "
        "was not read further: it may not be a CSV file, or its rows may not be separated by line breaks.",
    )


def csv_problem(error: csv.Error) -> str:
    """A csv module error in words, naming the limit it hit."""
    if "field larger than field limit" in str(error):
        return f"a value is longer than {MAX_VALUE_CHARACTERS:,} characters, the most one value may hold"
    return str(error)


def csv_reader(text):
    """A csv reader over the text's lines (each read at most MAX_ROW_CHARACTERS at a time), with
    commas between values, or tabs when the header row has tabs and no commas (Excel's "Unicode
    text"). Returns None for a file with no lines."""
    lines = limited_lines(text)
    first = next(lines, None)
    if first is None:
        return None
    delimiter = "\t" if "\t" in first and "," not in first else ","
    return csv.reader(itertools.chain([first], lines), delimiter=delimiter, strict=True)


def find_columns(header: list[str], columns: dict[str, Column]) -> dict[str, int]:
    """{column key: position} for the columns found in a header row, matched by name."""
    positions = {}
    for index, name in enumerate(header):
        positions.setdefault(header_key(name), index)  # a duplicated header: the first one counts
    found = {}
    for key, column in columns.items():
        for candidate in (column.name, *column.aliases):
            if header_key(candidate) in positions:
                found[key] = positions[header_key(candidate)]
                break
    return found


def read_rows(data, columns: dict[str, Column], result: ImportResult):
    """Yield (row number, {column key: value}) for each data row; problems go into `result`.

    Row numbers count the header as row 1, as a spreadsheet shows them. Nothing is yielded if the
    header itself is wrong.
    """
    text = decode(data, result)
    if text is None:
        return
    with text:
        yield from _read_rows(text, columns, result)


def _read_rows(text, columns: dict[str, Column], result: ImportResult):
    try:
        reader = csv_reader(text)
        if reader is None:
            result.error(None, "", "The file is empty.")
            return
        header = next(reader)
    except StopIteration:
        result.error(None, "", "The file is empty.")
        return
    except RowTooLong:
        result.errors.append(row_too_long(1))
        return
    except csv.Error as error:
        result.error(1, "", f"The header row cannot be read as CSV ({csv_problem(error)}).")
        return
    found = find_columns(header, columns)
    missing = [column.name for key, column in columns.items() if column.required and key not in found]
    if missing:
        listed = ", ".join(f"'{name.strip()}'" for name in header[:30]) or "none"
        hint = ""
        if len(header) == 1 and ";" in header[0]:
            hint = " The file seems to use semicolons between values: export it with commas."
        for name in missing:
            result.error(1, name, f"The column '{name}' is missing. The file's columns are: {listed}.{hint}")
        return
    names = {key: header[index].replace("\ufeff", "").strip() for key, index in found.items()}
    width = len(header)
    row_number = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except RowTooLong:
            result.errors.append(row_too_long(reader.line_num + 1))
            break
        except csv.Error as error:
            result.error(
                reader.line_num,
                "",
                f"This row cannot be read as CSV ({csv_problem(error)}): the file may be cut short.",
            )
            break
        row_number += 1
        if not any(value.strip() for value in row):
            continue
        if len(row) != width:
            result.error(
                row_number,
                "",
                f"This row has {len(row)} values but the header has {width} columns"
                + (": the file may be cut short." if len(row) < width else "."),
            )
            continue
        values = {key: row[index].strip() for key, index in found.items()}
        bad = [key for key, value in values.items() if "\x00" in value]
        if bad:
            for key in bad:
                result.error(
                    row_number,
                    names[key],
                    "This value contains a NUL character (a zero byte), which cannot be stored: "
                    "the file may be damaged, or saved in an encoding other than UTF-8 or UTF-16.",
                )
            continue
        result.rows += 1
        yield row_number, values
    if result.rows == 0 and not result.errors:
        result.error(None, "", "The file has a header row but no data rows.")


_ISO_DATE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$"
)
_SLASHED_DATE = re.compile(
    r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[AaPp][Mm])?)?$"
)
_ORDERS = {"dmy": "day first, as in the UK", "mdy": "month first, as in the United States"}


def parse_date(value: str, result: "ImportResult | None" = None) -> datetime.date | None:
    """Read an ISO 8601 date (or date and time, kept as its date). An empty value means no date.

    A date written with slashes is read only when it can be read one way: 30/11/2026 (day first)
    or 11/30/2026 (month first, as Microsoft's US-format exports write them). One like 03/12/2025
    is refused rather than guessed: it means 3 December in the UK and 12 March in the United
    States, and Microsoft's exports use both. With `result`, a file must keep to one order.
    """
    value = value.strip()
    if not value:
        return None
    match = _ISO_DATE.match(value)
    if match:
        try:
            return datetime.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            raise ValueError(f"'{value}' is not a real date.") from None
    slashed = _SLASHED_DATE.match(value)
    if slashed:
        first, second, year = int(slashed[1]), int(slashed[2]), int(slashed[3])
        if first > 12 and second <= 12:
            order, day, month = "dmy", first, second
        elif second > 12 and first <= 12:
            order, day, month = "mdy", second, first
        elif first <= 12 and second <= 12:
            raise ValueError(
                f"'{value}' is not a date in the form YYYY-MM-DD. Dates like this cannot be read safely, because "
                "the day and month could be either way round: export the report again with ISO dates."
            )
        else:
            raise ValueError(f"'{value}' is not a real date.")
        if result is not None:
            if result.date_order and result.date_order != order:
                raise ValueError(
                    f"'{value}' is written {_ORDERS[order]}, but earlier dates in the file are written "
                    f"{_ORDERS[result.date_order]}: export the report again with ISO dates (YYYY-MM-DD)."
                )
            result.date_order = order
        try:
            return datetime.date(year, month, day)
        except ValueError:
            raise ValueError(f"'{value}' is not a real date.") from None
    if re.match(r"^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}", value):
        raise ValueError(
            f"'{value}' is not a date in the form YYYY-MM-DD. Dates like this cannot be read safely, because "
            "the day and month could be either way round: export the report again with ISO dates."
        )
    raise ValueError(f"'{value}' is not a date in the form YYYY-MM-DD.")


def parse_bool(value: str) -> bool:
    return value.strip().casefold() in {"true", "yes", "1", "y"}


CONCEALED = re.compile(r"^[0-9A-Fa-f]{32}$")


def is_concealed(person: str) -> bool:
    """Microsoft 365 hides names behind a 32-character hash when 'concealed names' is on."""
    return "@" not in person and bool(CONCEALED.match(person))
