import datetime

import pytest
from django.core.management import call_command

from joinedup.software.models import UsageMonthly
from joinedup.software.retention import usage_cutoff
from joinedup.software.tests.factories import make_product, make_usage

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime.datetime(2026, 12, 4), datetime.date(2024, 12, 1)),
        (datetime.datetime(2026, 1, 31), datetime.date(2024, 1, 1)),
    ],
)
def test_25_months_are_kept_counting_the_current_one(settings, now, expected):
    settings.SOFTWARE_USAGE_RETENTION_MONTHS = 25
    assert usage_cutoff(now) == expected


def test_older_usage_is_deleted_by_the_daily_prune(settings, council, capsys):
    settings.SOFTWARE_USAGE_RETENTION_MONTHS = 2
    product = make_product(council, "Salesforce", publisher="Salesforce")
    today = datetime.date.today()
    first = today.replace(day=1)
    old = (first - datetime.timedelta(days=75)).replace(day=5)
    make_usage(council, product, "rosa@example.org", old)
    make_usage(council, product, "rosa@example.org", today)
    call_command("prune_personal_data")
    assert "1 software usage older than the retention period deleted" in capsys.readouterr().out
    assert list(UsageMonthly.objects.values_list("month", flat=True)) == [first]
