"""The Entra sign-in log: CSV (DuckDB groups a good file; a file with any problem is read row by
row, which names each problem) and JSON (see `entra_json`)."""

import csv
import datetime
import io
import tempfile
from collections import defaultdict

from joinedup.software.imports.csvfile import (
    Column,
    ImportResult,
    RowTooLong,
    _today,
    csv_reader,
    find_columns,
    open_file,
    read_rows,
    to_months,
)
from joinedup.software.imports.people import check_people
from joinedup.software.imports.readers import ProductLookup
from joinedup.software.models import ImportKind

ENTRA_SIGNIN_COLUMNS = {
    "date": Column("Date (UTC)", ("CreatedDateTime", "Date")),
    "person": Column("Username", ("UserPrincipalName", "User Principal Name")),
    "application": Column("Application", ("AppDisplayName",)),
    "status": Column("Status", required=False),
    "error_code": Column("Sign-in error code", required=False),
}


# The same as csvfile._ISO_DATE, for DuckDB (RE2).
_ISO_DATE_RE2 = r"(\d{4})-(\d{2})-(\d{2})([T ](\d{2}):(\d{2})(:(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?"


def _entra_header(data) -> list[str] | None:
    """The header row of a UTF-8 file that does not look binary, or None."""
    try:
        with open_file(data) as file:
            head = file.read(4096)
            if not head.strip() or head.startswith((b"PK\x03\x04", b"%PDF")) or b"\x00" in head:
                return None
            file.seek(0)
            with io.TextIOWrapper(file, encoding="utf-8-sig", newline="") as text:
                reader = csv_reader(text)
                return next(reader) if reader is not None else None
    except (StopIteration, csv.Error, UnicodeDecodeError, OSError, RowTooLong):
        return None


def _entra_succeeded(status: str, error_code: str) -> bool:
    """A sign-in that worked: status 'Success' (or none given) and error code 0 (or none given)."""
    status = status.strip().casefold()
    return not (status and status != "success") and error_code.strip() in ("", "0")


def _duckdb_connection():
    import duckdb

    connection = duckdb.connect(config={"threads": 2, "memory_limit": "512MB"})
    connection.execute("SET enable_progress_bar = false")
    return connection


def _read_entra_duckdb(data, dictionary) -> ImportResult | None:
    """Read a sign-in log with DuckDB: it reads and groups the file, and JoinedUp's own rules are
    applied to each distinct value (a few thousand people and applications), never to each row.

    DuckDB groups the sign-ins by user name, application, month, status and error code as written
    (with their number and a bitmask of the days they fall on), and checks every date. Python then
    decides, once per distinct value, which outcomes count as a success, which product an
    application is and how a user name is stored (the same functions the row-by-row reader uses),
    and DuckDB adds the groups up per product, person and month.

    None means "read it row by row instead": DuckDB is not installed, the file is not plain UTF-8,
    a column is missing, or any row has a problem (a malformed row, a blank line, a date that is
    not ISO 8601, an empty user name). The row-by-row reader then reports each problem by row and
    column, so both give the same answer for a good file and the row-by-row one explains a bad one.
    """
    try:
        import duckdb
    except ImportError:
        return None
    header = _entra_header(data)
    if header is None:
        return None
    found = find_columns(header, ENTRA_SIGNIN_COLUMNS)
    if any(key not in found for key in ("date", "person", "application")):
        return None

    def column(key):
        return f"coalesce(c{found[key]}, '')" if key in found else "''"

    date = f"trim({column('date')})"
    day = f"try_cast(substr({date}, 1, 10) AS DATE)"
    names = {f"c{index}": "VARCHAR" for index in range(len(header))}
    # Column names are made here from positions; the file is a parameter.
    group_file = f"""
        CREATE TEMP TABLE signins AS
        SELECT {column("person")} AS person, {column("application")} AS application, substr({date}, 1, 7) AS month,
               {column("status")} AS status, {column("error_code")} AS error_code, count(*) AS sign_ins,
               bit_or(CAST(1 AS BIGINT) << (day({day}) - 1)) AS days, max({day}) AS newest,
               bool_and(regexp_full_match({date}, '{_ISO_DATE_RE2}') AND {day} IS NOT NULL) AS readable
        FROM read_csv(?, columns = {names!r}, header = true, auto_detect = false, delim = ',', quote = '"',
                      escape = '"', strict_mode = true, null_padding = false, ignore_errors = false)
        GROUP BY ALL
    """  # noqa: S608
    try:
        with _duckdb_connection() as db:
            if isinstance(data, (bytes, bytearray, memoryview)):
                with tempfile.NamedTemporaryFile(suffix=".csv") as file:
                    file.write(data)
                    file.flush()
                    db.execute(group_file, [file.name])
            else:
                db.execute(group_file, [str(data)])
            return _entra_from_groups(db, dictionary)
    except duckdb.Error:
        return None


def _entra_from_groups(db, dictionary) -> ImportResult | None:
    """The import of DuckDB's `signins` groups, counted exactly as the row-by-row reader counts rows."""
    groups, readable, newest = db.execute(
        "SELECT count(*), coalesce(bool_and(readable), false), max(newest) FROM signins"
    ).fetchone()
    if not groups or not readable or newest > _today():
        return None  # the row-by-row reader says which rows (a date after today is named in a warning)
    result = ImportResult(kind=ImportKind.ENTRA_SIGNIN)
    succeeded = ([], [])
    for status, error_code, sign_ins in db.execute(
        "SELECT status, error_code, sum(sign_ins) FROM signins GROUP BY ALL"
    ).fetchall():
        result.rows += sign_ins
        if _entra_succeeded(status, error_code):
            succeeded[0].append(status)
            succeeded[1].append(error_code)
        else:
            result.skipped += sign_ins
    db.execute(
        "CREATE TEMP TABLE succeeded AS SELECT unnest(?::VARCHAR[]) AS status, unnest(?::VARCHAR[]) AS error_code",
        succeeded,
    )
    successful = "FROM signins JOIN succeeded USING (status, error_code)"
    # The log is as at its newest successful sign-in (the usage window counts back from it).
    (result.report_refresh_date,) = db.execute(f"SELECT max(newest) {successful}").fetchone()  # noqa: S608

    lookup = ProductLookup(dictionary)
    products = ([], [])
    for application, sign_ins in db.execute(f"SELECT application, sum(sign_ins) {successful} GROUP BY ALL").fetchall():
        product = lookup.find(application.strip(), None, sign_ins)
        if product is None:
            result.skipped += sign_ins
        else:
            products[0].append(application)
            products[1].append(product.pk)
    db.execute(
        "CREATE TEMP TABLE products AS SELECT unnest(?::VARCHAR[]) AS application, unnest(?::BIGINT[]) AS product",
        products,
    )

    people = ([], [])
    for (person,) in db.execute(f"SELECT DISTINCT person {successful}").fetchall():
        stored = person.strip().lower()
        if not stored or "\x00" in stored:
            return None  # the row-by-row reader says which rows
        people[0].append(person)
        people[1].append(stored)
    db.execute(
        "CREATE TEMP TABLE people AS SELECT unnest(?::VARCHAR[]) AS person, unnest(?::VARCHAR[]) AS stored", people
    )

    rows = db.execute(
        f"""SELECT product, people.stored, month, bit_or(days), sum(sign_ins)::BIGINT
            {successful} JOIN products USING (application) JOIN people USING (person)
            GROUP BY ALL ORDER BY ALL"""  # noqa: S608 (no values are written into the query)
    ).fetchall()
    firsts = {}
    months = {}
    products_people = defaultdict(set)
    for product, person, month, days, sign_ins in rows:  # about a tenth as many as the file's rows
        first = firsts.get(month)
        if first is None:
            first = firsts[month] = datetime.date.fromisoformat(f"{month}-01")
        months[(product, person, first)] = [days, sign_ins]
        products_people[product].add(person)
    names = {product.pk: product.name for product in dictionary}
    products_people = {names[product]: persons for product, persons in products_people.items()}
    everyone = set().union(*products_people.values())
    return _entra_finish(result, lookup, months, everyone, products_people)


def _entra_finish(result, lookup, months, people, products_people) -> ImportResult:
    if lookup.unknown:
        names = sorted(lookup.unknown, key=lambda name: (-lookup.unknown[name][1], name))
        listed = ", ".join(f"{name} ({lookup.unknown[name][1]})" for name in names[:15])
        more = f" and {len(names) - 15} more" if len(names) > 15 else ""
        result.warnings.append(
            f"Sign-ins to {len(names)} applications that are not in the product dictionary were left out: "
            f"{listed}{more}. Add an alias to count one."
        )
    check_people(result, people)
    result.months = months
    result.people = len(people)
    result.products = {name: len(persons) for name, persons in products_people.items()}
    return result


def read_entra_signins(data, dictionary, *, fast: bool = True) -> ImportResult:
    """An Entra sign-in log export (interactive or non-interactive): one row per sign-in.

    Successful sign-ins are counted per person, product and month, with the days of the month
    they fall on. Sign-ins to applications that are not in the dictionary are left out with a
    warning, since the log covers every application in the tenant (Microsoft's own included),
    not only those the council licenses.

    Logs run to millions of rows, so DuckDB reads and groups the file first; a file it finds any
    problem in is read row by row, which reports each problem by row and column.
    """
    from joinedup.software.imports.entra_json import is_json, json_records

    if is_json(data):
        result = ImportResult(kind=ImportKind.ENTRA_SIGNIN)
        return entra_from_rows(result, json_records(data, result), dictionary, JSON_NAMES)
    if fast:
        dictionary = list(dictionary)
        result = _read_entra_duckdb(data, dictionary)
        if result is not None:
            return result
    result = ImportResult(kind=ImportKind.ENTRA_SIGNIN)
    return entra_from_rows(result, read_rows(data, ENTRA_SIGNIN_COLUMNS, result), dictionary, CSV_NAMES)


# The names of the columns (or JSON keys) that messages give.
CSV_NAMES = {"date": "Date (UTC)", "person": "Username"}
JSON_NAMES = {"date": "createdDateTime", "person": "userPrincipalName"}


def entra_from_rows(result, rows, dictionary, names) -> ImportResult:
    """Count the sign-ins of (row number, {date, person, application, status, error_code}) rows."""
    lookup = ProductLookup(dictionary)
    counts = defaultdict(int)
    people = set()
    products_people = defaultdict(set)
    for row, values in rows:
        if not _entra_succeeded(values.get("status", ""), values.get("error_code", "")):
            result.skipped += 1
            continue
        try:
            day = result.date(row, names["date"], values["date"])
        except ValueError as error:
            result.error(row, names["date"], str(error))
            continue
        if day is None:
            result.error(row, names["date"], "The date is empty.")
            continue
        person = values["person"].lower()
        if not person:
            result.error(row, names["person"], "The user name is empty.")
            continue
        if result.report_refresh_date is None or day > result.report_refresh_date:
            result.report_refresh_date = day  # the newest successful sign-in, as the DuckDB reader
        product = lookup.find(values["application"], row)
        if product is None:
            result.skipped += 1
            continue
        people.add(person)
        products_people[product.name].add(person)
        counts[(product.pk, person, day)] += 1
    return _entra_finish(result, lookup, to_months(counts), people, products_people)
