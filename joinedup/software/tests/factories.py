import datetime
from decimal import Decimal

from joinedup.software import services
from joinedup.software.models import EsdFunction, UsageMonthly


def make_product(council, name, *, publisher="Microsoft", aliases=(), functions=(), activity_days=None):
    pub = services.publisher_get_or_create(actor=None, council=council, name=publisher)
    return services.product_create(
        actor=None,
        council=council,
        publisher=pub,
        name=name,
        aliases=aliases,
        functions=[EsdFunction.objects.get(identifier=i) for i in functions],
        activity_days=activity_days,
    )


def make_application(council, product, name=None, **values):
    return services.application_create(
        actor=None, council=council, product=product, name=name or product.name, **values
    )


def make_contract(council, reference, *, end, start=None, notice_months=3, annual_value="0", applications=(), **values):
    return services.contract_create(
        actor=None,
        council=council,
        applications=applications,
        reference=reference,
        title=values.pop("title", reference),
        supplier=values.pop("supplier", "Supplier Ltd"),
        start_date=start or datetime.date(2020, 4, 1),
        end_date=end,
        notice_months=notice_months,
        annual_value=Decimal(annual_value),
        **values,
    )


def make_usage(council, product, person, day, source="manual", events=1):
    """One day's use of a product, stored as its month."""
    usage, _ = UsageMonthly.objects.get_or_create(
        council=council,
        product=product,
        person=person,
        month=day.replace(day=1),
        source=source,
        defaults={"days": 0, "active_days": 0, "last_seen": day, "events": 0},
    )
    usage.days |= 1 << (day.day - 1)
    usage.active_days = usage.days.bit_count()
    usage.last_seen = max(usage.last_seen, day)
    usage.events += events
    usage.save()
    return usage
