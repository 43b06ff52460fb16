"""Readers for each kind of import. Each returns an ImportResult and writes nothing."""

import csv
import datetime
import re
from collections import defaultdict

from joinedup.software.imports.csvfile import (
    Column,
    ImportResult,
    RowTooLong,
    csv_reader,
    decode,
    header_key,
    is_concealed,
    parse_bool,
    parse_date,
    read_rows,
    to_months,
)
from joinedup.software.imports.people import check_people
from joinedup.software.models import ImportKind, normalise_name

WORKLOADS = {
    "exchange": Column("Exchange Last Activity Date", required=False),
    "onedrive": Column("OneDrive Last Activity Date", required=False),
    "sharepoint": Column("SharePoint Last Activity Date", required=False),
    "skype": Column("Skype For Business Last Activity Date", required=False),
    "yammer": Column("Yammer Last Activity Date", ("Viva Engage Last Activity Date",), required=False),
    "teams": Column("Teams Last Activity Date", required=False),
}

M365_ACTIVE_USER_COLUMNS = {
    "refresh": Column("Report Refresh Date"),
    "person": Column("User Principal Name"),
    "deleted": Column("Is Deleted", required=False),
    "products": Column("Assigned Products"),
    **WORKLOADS,
}

LICENCE_EXPORT_COLUMNS = {
    "person": Column("User Principal Name", ("UserPrincipalName", "UPN")),
    "products": Column("Licenses", ("Licences", "Assigned Products", "SkuPartNumber", "Sku Part Number", "SKU")),
}


class ProductLookup:
    """Find products by name or alias in the council's dictionary; remember the unknown names."""

    def __init__(self, dictionary):
        self.names = {}
        for product in dictionary:
            self.names[product.key] = product
            for alias in product.aliases.all():
                self.names[alias.key] = product
        self.unknown = {}  # name -> (first row, count)
        self._seen = {}  # name as written -> product or None (names repeat on every row)

    def find(self, name, row, times=1):
        try:
            product = self._seen[name]
        except KeyError:
            product = self._seen[name] = self.names.get(normalise_name(name))
        if product is None:
            first, count = self.unknown.get(name, (row, 0))
            self.unknown[name] = (first, count + times)
        return product

    def report(self, result: ImportResult, column: str):
        for name, (row, count) in self.unknown.items():
            others = f" (and {count - 1} more rows)" if count > 1 else ""
            result.error(
                row,
                column,
                f"'{name}' is not in the product dictionary{others}. "
                "Add the product, or add this name as an alias of one, then import the file again.",
            )


def _split_products(value: str) -> list[str]:
    parts = [part.strip() for part in value.replace("\u00a0", " ").split("+")]
    return [part for part in parts if part and part.casefold() not in {"unlicensed", "none"}]


def read_m365_active_user(data, dictionary) -> ImportResult:
    """The Microsoft 365 'active user detail' report: one row per user, a last activity date per workload.

    A person's usage of each product assigned to them is recorded on the day of their latest
    activity in any workload. Deleted users and users with no activity at all add no usage.
    """
    result = ImportResult(kind=ImportKind.M365_ACTIVE_USER)
    lookup = ProductLookup(dictionary)
    people = set()
    concealed = 0
    seen_workload_column = None
    products_people = defaultdict(set)
    for row, values in read_rows(data, M365_ACTIVE_USER_COLUMNS, result):
        if seen_workload_column is None:
            seen_workload_column = any(key in values for key in WORKLOADS)
            if not seen_workload_column:
                result.error(1, "Last Activity Date", "The file has no '... Last Activity Date' columns.")
                break
        try:
            refresh = result.date(row, "Report Refresh Date", values["refresh"])
        except ValueError as error:
            result.error(row, "Report Refresh Date", str(error))
            refresh = None
        if refresh and (result.report_refresh_date is None or refresh > result.report_refresh_date):
            result.report_refresh_date = refresh
        person = values["person"].lower()
        if not person:
            result.error(row, "User Principal Name", "The user principal name is empty.")
            continue
        if "deleted" in values and parse_bool(values["deleted"]):
            result.skipped += 1
            continue
        if is_concealed(person):
            concealed += 1
        last = None
        for key, column in WORKLOADS.items():
            if key not in values:
                continue
            try:
                day = result.date(row, column.name, values[key])
            except ValueError as error:
                result.error(row, column.name, str(error))
                continue
            if day and (last is None or day > last):
                last = day
        people.add(person)
        for name in _split_products(values["products"]):
            product = lookup.find(name, row)
            if product is None:
                continue
            products_people[product.name].add(person)
            if last is not None:
                result.usage.add((product.pk, person, last))
    lookup.report(result, "Assigned Products")
    check_people(result, people)
    result.months = to_months(result.usage)
    result.people = len(people)
    result.products = {name: len(persons) for name, persons in products_people.items()}
    if concealed:
        result.warnings.append(
            f"{concealed} user names are concealed (hashed) in this report, so their usage cannot be matched to "
            "licence assignments. To show real names, a Microsoft 365 administrator turns off 'Display concealed "
            "user, group, and site names in all reports' (with the agreement of the council's data protection officer)."
        )
    return result


def read_licence_export(data, dictionary) -> ImportResult:
    """A licence assignment export: each user with the products (SKUs) assigned to them.

    One row per user with products separated by '+' (the admin centre's 'Licenses' column), or one
    row per user and SKU (a 'SkuPartNumber' column). The file is the whole picture: assignments
    imported from an earlier export that are not in this one are removed.
    """
    result = ImportResult(kind=ImportKind.LICENCE_EXPORT)
    lookup = ProductLookup(dictionary)
    people = set()
    products_people = defaultdict(set)
    for row, values in read_rows(data, LICENCE_EXPORT_COLUMNS, result):
        person = values["person"].lower()
        if not person:
            result.error(row, "User Principal Name", "The user principal name is empty.")
            continue
        people.add(person)
        for name in _split_products(values["products"]):
            product = lookup.find(name, row)
            if product is not None:
                products_people[product.name].add(person)
                result.assignments.add((product.pk, person))
    lookup.report(result, "Licenses")
    check_people(result, people)
    result.people = len(people)
    result.products = {name: len(persons) for name, persons in products_people.items()}
    return result


# The Entra sign-in log has a module of its own (it needs ProductLookup, above).
from joinedup.software.imports.entra import (  # noqa: E402
    ENTRA_SIGNIN_COLUMNS as ENTRA_SIGNIN_COLUMNS,
)
from joinedup.software.imports.entra import (  # noqa: E402
    _duckdb_connection as _duckdb_connection,
)
from joinedup.software.imports.entra import (  # noqa: E402
    _read_entra_duckdb as _read_entra_duckdb,
)
from joinedup.software.imports.entra import (  # noqa: E402
    read_entra_signins as read_entra_signins,
)

M365_APPS_COLUMNS = {
    "refresh": Column("Report Refresh Date"),
    "person": Column("User Principal Name"),
    "activity": Column("Last Activity Date"),
    "period": Column("Report Period", required=False),
    "windows": Column("Windows", required=False),
    "mac": Column("Mac", required=False),
    "mobile": Column("Mobile", required=False),
    "web": Column("Web", required=False),
}


def _chosen_product(dictionary, product_id, result):
    product = next((p for p in dictionary if p.pk == product_id), None) if product_id else None
    if product is None:
        result.error(None, "", "Choose which product in the dictionary this report counts the use of.")
    return product


def read_m365_apps(data, dictionary, *, product=None) -> ImportResult:
    """The Microsoft 365 Apps user detail report: one row per user, with their last activity date
    and the platforms (Windows, Mac, mobile, web) they used the apps on in the report period.

    Each person's use is recorded as one day of use of the chosen product (`product`, its id) on
    their last activity date. People with no activity add no usage. People who used the apps only
    on the web or mobile are counted in a warning: a licence without the desktop apps may do.
    """
    result = ImportResult(kind=ImportKind.M365_APPS)
    chosen = _chosen_product(dictionary, product, result)
    if chosen is None:
        return result
    people = set()
    active = set()
    web_only = 0
    concealed = 0
    for row, values in read_rows(data, M365_APPS_COLUMNS, result):
        try:
            refresh = result.date(row, "Report Refresh Date", values["refresh"])
        except ValueError as error:
            result.error(row, "Report Refresh Date", str(error))
            refresh = None
        if refresh and (result.report_refresh_date is None or refresh > result.report_refresh_date):
            result.report_refresh_date = refresh
        person = values["person"].lower()
        if not person:
            result.error(row, "User Principal Name", "The user principal name is empty.")
            continue
        try:
            day = result.date(row, "Last Activity Date", values["activity"])
        except ValueError as error:
            result.error(row, "Last Activity Date", str(error))
            continue
        if is_concealed(person):
            concealed += 1
        people.add(person)
        if day is None:
            continue
        active.add(person)
        result.usage.add((chosen.pk, person, day))
        desktop = parse_bool(values.get("windows", "")) or parse_bool(values.get("mac", ""))
        other = parse_bool(values.get("web", "")) or parse_bool(values.get("mobile", ""))
        if other and not desktop and ("windows" in values or "mac" in values):
            web_only += 1
    check_people(result, people)
    result.months = to_months(result.usage)
    result.people = len(people)
    result.products = {chosen.name: len(active)} if active else {}
    if web_only:
        result.warnings.append(
            f"{web_only} people used the apps only on the web or on mobile devices in the report period: "
            "a licence without the desktop apps (such as Microsoft 365 F3) may be enough for them."
        )
    if concealed:
        result.warnings.append(
            f"{concealed} user names are concealed (hashed) in this report, so their usage cannot be matched to "
            "licence assignments. To show real names, a Microsoft 365 administrator turns off 'Display concealed "
            "user, group, and site names in all reports' (with the agreement of the council's data protection officer)."
        )
    return result


DATE_FORMATS = {
    "iso": "Year first: 2026-11-20 (ISO 8601)",
    "dmy": "Day first, as in the UK: 20/11/2026",
    "mdy": "Month first, as in the United States: 11/20/2026",
}
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T].*)?$")


def parse_date_as(value: str, date_format: str) -> datetime.date | None:
    """Read a date in the format the person importing chose (they say which way round it is)."""
    if date_format == "iso":
        return parse_date(value)
    value = value.strip()
    if not value:
        return None
    match = _DAY_FIRST.match(value)
    example = "20/11/2026" if date_format == "dmy" else "11/20/2026"
    if not match:
        raise ValueError(f"'{value}' is not a date like {example}.")
    first, second, year = int(match[1]), int(match[2]), int(match[3])
    day, month = (first, second) if date_format == "dmy" else (second, first)
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise ValueError(f"'{value}' is not a real date when read like {example}.") from None


def read_generic(
    data: bytes,
    dictionary,
    *,
    person: str = "",
    day: str = "",
    product_column: str = "",
    product=None,
    events: str = "",
    date_format: str = "iso",
) -> ImportResult:
    """Any usage file, with the columns the person importing chose: who (`person`), when (`day`),
    which product (a `product_column` naming it, or one `product` for the whole file), and
    optionally how many times that day (`events`; otherwise each row counts once).

    Use is counted per person, product and day. Names in the product column must be in the
    dictionary (by name or alias), as for the Microsoft exports.
    """
    result = ImportResult(kind=ImportKind.GENERIC)
    if not person or not day:
        result.error(None, "", "Choose the columns for the person and the date.")
        return result
    if date_format not in DATE_FORMATS:
        result.error(None, "", "Choose how the dates are written.")
        return result
    chosen = None
    if not product_column:
        chosen = _chosen_product(dictionary, product, result)
        if chosen is None:
            return result
    columns = {"person": Column(person), "day": Column(day)}
    if product_column:
        columns["product"] = Column(product_column)
    if events:
        columns["events"] = Column(events)
    lookup = ProductLookup(dictionary)
    counts = defaultdict(int)
    people = set()
    products_people = defaultdict(set)
    concealed = 0
    for row, values in read_rows(data, columns, result):
        who = values["person"].lower()
        if not who:
            result.error(row, person, "The person is empty.")
            continue
        try:
            when = result.note_future(row, day, values["day"], parse_date_as(values["day"], date_format))
        except ValueError as error:
            result.error(row, day, str(error))
            continue
        if when is None:
            result.error(row, day, "The date is empty.")
            continue
        if result.report_refresh_date is None or when > result.report_refresh_date:
            result.report_refresh_date = when  # the file is as at its newest date
        times = 1
        if events:
            text = values["events"].replace(",", "")
            if not text.isdigit():
                result.error(row, events, f"'{values['events']}' is not a whole number of times.")
                continue
            times = int(text)
        found = lookup.find(values["product"], row) if product_column else chosen
        if found is None:
            continue
        if is_concealed(who):
            concealed += 1
        people.add(who)
        if times == 0:
            continue
        products_people[found.name].add(who)
        counts[(found.pk, who, when)] += times
    if product_column:
        lookup.report(result, product_column)
    check_people(result, people)
    if concealed:
        result.warnings.append(
            f"{concealed} rows have a concealed (hashed) user name, so their usage cannot be matched to "
            "licence assignments."
        )
    result.usage = set(counts)
    result.events = dict(counts)
    result.months = to_months(counts)
    result.people = len(people)
    result.products = {name: len(persons) for name, persons in products_people.items()}
    return result


def file_headers(data) -> list[str]:
    """The distinct column names in a file's header row, as written (a repeated name once)."""
    scratch = ImportResult(kind=ImportKind.GENERIC)
    text = decode(data, scratch)
    if text is None:
        return []
    with text:
        try:
            reader = csv_reader(text)
            header = next(reader) if reader is not None else []
        except (StopIteration, csv.Error, RowTooLong):
            return []
    seen, names = set(), []
    for name in header:
        key = header_key(name)
        if key and key not in seen:
            seen.add(key)
            names.append(name.replace("\ufeff", "").strip())
    return names


READERS = {
    ImportKind.M365_ACTIVE_USER: read_m365_active_user,
    ImportKind.LICENCE_EXPORT: read_licence_export,
    ImportKind.ENTRA_SIGNIN: read_entra_signins,
    ImportKind.M365_APPS: read_m365_apps,
    ImportKind.GENERIC: read_generic,
}
