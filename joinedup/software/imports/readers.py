"""Readers for each kind of import. Each returns an ImportResult and writes nothing."""

from collections import defaultdict

from joinedup.software.imports.csvfile import Column, ImportResult, is_concealed, parse_bool, parse_date, read_rows
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

    def find(self, name, row):
        product = self.names.get(normalise_name(name))
        if product is None:
            first, count = self.unknown.get(name, (row, 0))
            self.unknown[name] = (first, count + 1)
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


def read_m365_active_user(data: bytes, dictionary) -> ImportResult:
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
            refresh = parse_date(values["refresh"])
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
                day = parse_date(values[key])
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
    result.people = len(people)
    result.products = {name: len(persons) for name, persons in products_people.items()}
    if concealed:
        result.warnings.append(
            f"{concealed} user names are concealed (hashed) in this report, so their usage cannot be matched to "
            "licence assignments. To show real names, a Microsoft 365 administrator turns off 'Display concealed "
            "user, group, and site names in all reports' (with the agreement of the council's data protection officer)."
        )
    return result


def read_licence_export(data: bytes, dictionary) -> ImportResult:
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
    result.people = len(people)
    result.products = {name: len(persons) for name, persons in products_people.items()}
    return result


ENTRA_SIGNIN_COLUMNS = {
    "date": Column("Date (UTC)", ("CreatedDateTime", "Date")),
    "person": Column("Username", ("UserPrincipalName", "User Principal Name")),
    "application": Column("Application", ("AppDisplayName",)),
    "status": Column("Status", required=False),
    "error_code": Column("Sign-in error code", required=False),
}


def read_entra_signins(data: bytes, dictionary) -> ImportResult:
    """An Entra sign-in log export (interactive or non-interactive): one row per sign-in.

    Successful sign-ins are counted per person, product and day. Sign-ins to applications that
    are not in the dictionary are left out with a warning, since the log covers every application
    in the tenant (Microsoft's own included), not only those the council licenses.
    """
    result = ImportResult(kind=ImportKind.ENTRA_SIGNIN)
    lookup = ProductLookup(dictionary)
    counts = defaultdict(int)
    people = set()
    products_people = defaultdict(set)
    for row, values in read_rows(data, ENTRA_SIGNIN_COLUMNS, result):
        status = values.get("status", "").casefold()
        error_code = values.get("error_code", "")
        if (status and status != "success") or error_code not in ("", "0"):
            result.skipped += 1
            continue
        try:
            day = parse_date(values["date"])
        except ValueError as error:
            result.error(row, "Date (UTC)", str(error))
            continue
        if day is None:
            result.error(row, "Date (UTC)", "The date is empty.")
            continue
        person = values["person"].lower()
        if not person:
            result.error(row, "Username", "The user name is empty.")
            continue
        product = lookup.find(values["application"], row)
        if product is None:
            result.skipped += 1
            continue
        people.add(person)
        products_people[product.name].add(person)
        counts[(product.pk, person, day)] += 1
    if lookup.unknown:
        names = sorted(lookup.unknown, key=lambda name: -lookup.unknown[name][1])
        listed = ", ".join(f"{name} ({lookup.unknown[name][1]})" for name in names[:15])
        more = f" and {len(names) - 15} more" if len(names) > 15 else ""
        result.warnings.append(
            f"Sign-ins to {len(names)} applications that are not in the product dictionary were left out: "
            f"{listed}{more}. Add an alias to count one."
        )
    result.usage = set(counts)
    result.events = dict(counts)
    result.people = len(people)
    result.products = {name: len(persons) for name, persons in products_people.items()}
    return result


READERS = {
    ImportKind.M365_ACTIVE_USER: read_m365_active_user,
    ImportKind.LICENCE_EXPORT: read_licence_export,
    ImportKind.ENTRA_SIGNIN: read_entra_signins,
}
