"""Usage is recorded per person (their user name, usually an email address) and month. The
licence position needs the last 90 days and the yearly figures two years, so older months go."""

import datetime

from django.conf import settings


def usage_cutoff(now) -> datetime.date:
    """The first day of the oldest month kept: the current month and the months before it."""
    months = settings.SOFTWARE_USAGE_RETENTION_MONTHS
    year, month = divmod(now.year * 12 + (now.month - 1) - (months - 1), 12)
    return datetime.date(year, month + 1, 1)


def usage_prune(now) -> int:
    """Delete each person's usage of months before the retention period; return how many rows went."""
    from joinedup.software.models import UsageMonthly

    return UsageMonthly.objects.filter(month__lt=usage_cutoff(now)).delete()[0]
