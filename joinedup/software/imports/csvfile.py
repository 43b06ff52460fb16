"""Reading a CSV file the way people and Microsoft really write them."""

import codecs
import csv
import datetime
import hashlib
import io
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
        }


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


def _is_utf8(file) -> bool:
    """Check the whole file is UTF-8 without making a text copy of it (files can be hundreds of MB)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := file.read(CHUNK):
            decoder.decode(chunk, final=False)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _is_cp1252(file) -> bool:
    decoder = codecs.getincrementaldecoder("cp1252")()
    try:
        while chunk := file.read(CHUNK):
            decoder.decode(chunk, final=False)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _is_blank(file) -> bool:
    while chunk := file.read(CHUNK):
        if chunk.strip():
            return False
    return True


def decode(data, result: ImportResult):
    """Return the file (bytes or a path) as a text stream, decoded as it is read, or None with the
    problem in `result`. The caller closes the stream."""
    file = open_file(data)
    try:
        head = file.read(4096)
        if not head.strip():
            file.seek(0)
            if _is_blank(file):
                result.error(None, "", "The file is empty.")
                file.close()
                return None
        if head.startswith(b"PK\x03\x04") or b"\x00" in head or head.startswith(b"%PDF"):
            result.error(
                None,
                "",
                "The file is not a CSV file (it looks like a spreadsheet, PDF or other binary file). "
                "Save or export it as CSV (comma-separated values) and upload that.",
            )
            file.close()
            return None
        file.seek(0)
        if _is_utf8(file):
            file.seek(0)
            return io.TextIOWrapper(file, encoding="utf-8-sig", newline="")
        file.seek(0)
        if not _is_cp1252(file):
            result.error(None, "", "The file's text cannot be read. Save it as CSV UTF-8 and try again.")
            file.close()
            return None
        result.warnings.append("The file is not UTF-8; it was read as Windows-1252 text.")
        file.seek(0)
        return io.TextIOWrapper(file, encoding="cp1252", newline="")
    except BaseException:
        file.close()
        raise


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
    reader = csv.reader(text, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        result.error(None, "", "The file is empty.")
        return
    except csv.Error as error:
        result.error(1, "", f"The header row cannot be read as CSV ({error}).")
        return
    found = find_columns(header, columns)
    missing = [column.name for key, column in columns.items() if column.required and key not in found]
    if missing:
        listed = ", ".join(f"'{name.strip()}'" for name in header[:30]) or "none"
        hint = ""
        if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
            hint = " The file seems to use semicolons or tabs between values: export it with commas."
        for name in missing:
            result.error(1, name, f"The column '{name}' is missing. The file's columns are: {listed}.{hint}")
        return
    width = len(header)
    row_number = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            result.error(reader.line_num, "", f"This row cannot be read as CSV ({error}): the file may be cut short.")
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
        result.rows += 1
        yield row_number, {key: row[index].strip() for key, index in found.items()}
    if result.rows == 0 and not result.errors:
        result.error(None, "", "The file has a header row but no data rows.")


_ISO_DATE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$"
)


def parse_date(value: str) -> datetime.date | None:
    """Read an ISO 8601 date (or date and time, kept as its date). An empty value means no date.

    Dates like 03/12/2025 are refused rather than guessed: they mean 3 December in the UK and
    12 March in the United States, and Microsoft's exports use both.
    """
    value = value.strip()
    if not value:
        return None
    match = _ISO_DATE.match(value)
    if not match:
        if re.match(r"^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}", value):
            raise ValueError(
                f"'{value}' is not a date in the form YYYY-MM-DD. Dates like this cannot be read safely, because "
                "the day and month could be either way round: export the report again with ISO dates."
            )
        raise ValueError(f"'{value}' is not a date in the form YYYY-MM-DD.")
    try:
        return datetime.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise ValueError(f"'{value}' is not a real date.") from None


def parse_bool(value: str) -> bool:
    return value.strip().casefold() in {"true", "yes", "1", "y"}


CONCEALED = re.compile(r"^[0-9A-Fa-f]{32}$")


def is_concealed(person: str) -> bool:
    """Microsoft 365 hides names behind a 32-character hash when 'concealed names' is on."""
    return "@" not in person and bool(CONCEALED.match(person))
