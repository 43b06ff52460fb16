"""Usage stored per person, product and month: merging imports, reading files from disk, and
"used within the threshold" exact to the day."""

import datetime
from decimal import Decimal

import pytest

from joinedup.software import services
from joinedup.software.models import ImportKind, UsageMonthly
from joinedup.software.selectors import licence_position, window_mask
from joinedup.software.tests.factories import make_product, make_usage
from joinedup.software.tests.test_imports import ENTRA_HEADER, entra_row

pytestmark = pytest.mark.django_db


def bits(*days):
    return sum(1 << (day - 1) for day in days)


@pytest.mark.parametrize(
    "old,new,expected",
    [
        ((bits(1, 2), 5), (bits(3), 2), (bits(1, 2, 3), 7)),  # different days: sign-ins add up
        ((bits(1, 2), 5), (bits(1, 2), 5), (bits(1, 2), 5)),  # the same file again: no change
        ((bits(1, 2), 5), (bits(1, 2, 3), 9), (bits(1, 2, 3), 9)),  # a later export of more days
        ((bits(1, 2, 3), 9), (bits(2), 4), (bits(1, 2, 3), 9)),  # an earlier export of fewer days
        ((bits(1, 2), 5), (bits(2, 3), 3), (bits(1, 2, 3), 5)),  # a partial overlap: the larger count
    ],
)
def test_merging_a_month_never_counts_a_day_twice(old, new, expected):
    assert services.merge_month(*old, *new) == expected


def test_window_mask_covers_the_days_after_the_start_up_to_the_end():
    after, until = datetime.date(2026, 8, 22), datetime.date(2026, 11, 20)
    assert window_mask(datetime.date(2026, 8, 1), after, until) == bits(*range(23, 32))
    assert window_mask(datetime.date(2026, 9, 1), after, until) == bits(*range(1, 32))
    assert window_mask(datetime.date(2026, 11, 1), after, until) == bits(*range(1, 21))
    assert window_mask(datetime.date(2026, 7, 1), after, until) == 0
    assert window_mask(datetime.date(2026, 12, 1), after, until) == 0


def test_licence_position_counts_use_within_the_threshold_to_the_day(council):
    e3 = make_product(council, "Office 365 E3")
    services.entitlement_create(actor=None, council=council, product=e3, quantity=5, unit_price=Decimal("10"))
    today = datetime.date(2026, 11, 20)
    for person in ("in@b.gov.uk", "edge@b.gov.uk", "later@b.gov.uk", "mixed@b.gov.uk"):
        services.assignment_add(actor=None, council=council, product=e3, person=person)
    make_usage(council, e3, "in@b.gov.uk", datetime.date(2026, 8, 23))  # 89 days ago: in
    make_usage(council, e3, "edge@b.gov.uk", datetime.date(2026, 8, 22))  # exactly 90 days ago: out
    make_usage(council, e3, "later@b.gov.uk", datetime.date(2026, 11, 21))  # after today: out
    # The same month holds a day outside the window and one inside it.
    make_usage(council, e3, "mixed@b.gov.uk", datetime.date(2026, 8, 2))
    make_usage(council, e3, "mixed@b.gov.uk", datetime.date(2026, 8, 30))
    (position,) = licence_position(council=council, today=today)
    assert position.used == 2 and position.assigned == 4


def test_a_file_on_disk_imports_as_its_bytes_do(council, tmp_path):
    salesforce = make_product(council, "Salesforce Service Cloud", publisher="Salesforce", aliases=["Salesforce"])
    text = "\r\n".join(
        [
            ENTRA_HEADER,
            entra_row("2026-10-31T08:00:00Z", "ann@b.gov.uk", "Salesforce"),
            entra_row("2026-11-01T08:00:00Z", "ann@b.gov.uk", "Salesforce"),
            # Logs can hold DOMAIN\user names: the backslash is kept as written.
            entra_row("2026-11-02T08:00:00Z", "COUNCIL\\Bob", "Salesforce"),
        ]
    )
    path = tmp_path / "InteractiveSignIns.csv"
    path.write_bytes(("\ufeff" + text + "\r\n").encode())
    from_disk = services.import_check(council=council, kind=ImportKind.ENTRA_SIGNIN, data=path)
    in_memory = services.import_check(council=council, kind=ImportKind.ENTRA_SIGNIN, data=path.read_bytes())
    assert from_disk.months == in_memory.months and from_disk.sha256 == in_memory.sha256
    services.import_file(actor=None, council=council, kind=ImportKind.ENTRA_SIGNIN, data=path, filename=path.name)
    stored = set(UsageMonthly.objects.filter(product=salesforce).values_list("person", "month", "active_days"))
    assert stored == {
        ("ann@b.gov.uk", datetime.date(2026, 10, 1), 1),
        ("ann@b.gov.uk", datetime.date(2026, 11, 1), 1),
        ("council\\bob", datetime.date(2026, 11, 1), 1),
    }
    # The same file again: a warning, and nothing changes.
    _, again = services.import_file(
        actor=None, council=council, kind=ImportKind.ENTRA_SIGNIN, data=path, filename=path.name
    )
    assert any("imported already" in warning for warning in again.warnings)
    assert UsageMonthly.objects.count() == 3


def test_a_later_export_of_the_same_month_adds_its_days(council):
    salesforce = make_product(council, "Salesforce Service Cloud", publisher="Salesforce", aliases=["Salesforce"])

    def log(*days):
        rows = [entra_row(f"2026-11-{day:02d}T08:00:00Z", "ann@b.gov.uk", "Salesforce") for day in days]
        return "\r\n".join([ENTRA_HEADER, *rows]).encode()

    services.import_file(actor=None, council=council, kind="entra_signin", data=log(3, 4), filename="a.csv")
    services.import_file(actor=None, council=council, kind="entra_signin", data=log(10, 10, 12), filename="b.csv")
    usage = UsageMonthly.objects.get(product=salesforce)
    assert usage.used_days() == [datetime.date(2026, 11, day) for day in (3, 4, 10, 12)]
    assert (usage.active_days, usage.last_seen, usage.events) == (4, datetime.date(2026, 11, 12), 5)


def test_a_product_or_council_with_usage_cannot_be_deleted(council):
    """Usage rows have no foreign keys in the database (for import speed): Django guards deletes."""
    from django.db.models import ProtectedError

    product = make_product(council, "Uniform")
    make_usage(council, product, "ann@b.gov.uk", datetime.date(2026, 11, 18))
    with pytest.raises(ProtectedError):
        product.delete()
    with pytest.raises(ProtectedError):
        council.delete()
    assert UsageMonthly.objects.filter(product=product, council=council).count() == 1


def test_an_awkward_person_name_is_stored_exactly_as_given(council):
    """COPY's text format treats backslash, tab and line breaks specially: such names are escaped."""
    product = make_product(council, "Uniform")
    awkward = "o\\brien\tjr@b.gov.uk"
    months = {
        (product.pk, awkward, datetime.date(2026, 11, 1)): [bits(18), 2],
        (product.pk, "ann@b.gov.uk", datetime.date(2026, 11, 1)): [bits(3, 20), 5],
    }
    assert services._usage_merge(council, "generic", months) == 2
    stored = {row.person: row for row in UsageMonthly.objects.filter(council=council)}
    assert set(stored) == {awkward, "ann@b.gov.uk"}
    assert (stored[awkward].days, stored[awkward].active_days, stored[awkward].events) == (bits(18), 1, 2)
    assert stored["ann@b.gov.uk"].last_seen == datetime.date(2026, 11, 20)
    assert services._usage_merge(council, "generic", months) == 0  # the same again changes nothing
