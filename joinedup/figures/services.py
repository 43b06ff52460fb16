"""Every write the figures app makes besides the rollups: channel costs entered by staff."""

from django.core.exceptions import ValidationError
from django.db import transaction

from joinedup.accounts import permissions
from joinedup.core.audit import audit_record
from joinedup.figures.models import ChannelCost
from joinedup.service_requests.models import Channel


@transaction.atomic
def channel_cost_save(*, actor, council, channel: str, period_start, period_end, **components) -> ChannelCost:
    """Record (or replace) what a channel cost the council over a period, component by component."""
    permissions.require(
        permissions.can_manage_council(actor, council),
        "Only administrators and the partnership's officers can enter channel costs.",
    )
    errors = {}
    if channel not in Channel.values:
        errors["channel"] = ["Choose a channel"]
    if period_start and period_end and period_end < period_start:
        errors["period_end"] = ["The end of the period must be the same as or after its start"]
    names = [name for name, _ in ChannelCost.COMPONENTS]
    for name in names:
        value = components.get(name)
        if value is not None and value < 0:
            errors[name] = ["Enter a cost of £0 or more"]
    if errors:
        raise ValidationError(errors)
    cost, created = ChannelCost.objects.update_or_create(
        council=council,
        channel=channel,
        period_start=period_start,
        defaults={"period_end": period_end, "entered_by": actor, **{n: components.get(n) or 0 for n in names}},
    )
    audit_record(
        actor=actor,
        action="figures.channel_cost.save",
        instance=cost,
        council=council,
        changes={"channel": channel, "period": f"{period_start} to {period_end}", "total": str(cost.total)},
    )
    return cost
