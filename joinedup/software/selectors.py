"""Every read of the software estate. Each takes the council, or the partnership, explicitly."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from joinedup.software.models import (
    Application,
    Contract,
    Entitlement,
    EsdFunction,
    ImportBatch,
    LgslService,
    Product,
    SupplierCommitment,
    add_months,
)
from joinedup.software.positions import (  # noqa: F401 (the licence position is read through selectors too)
    LicencePosition,
    active_people,
    licence_position,
    window_mask,
)

PENNY = Decimal("0.01")


def _today(today=None) -> datetime.date:
    return today or timezone.localdate()


def product_dictionary(*, council) -> QuerySet[Product]:
    """The products a council can use: its partnership's shared dictionary, or its own."""
    if council.partnership_id:
        products = Product.objects.filter(partnership_id=council.partnership_id)
    else:
        products = Product.objects.filter(council=council)
    return products.select_related("publisher").order_by("name")


def product_get(*, council, pk) -> Product:
    """A product of the dictionary the council uses; any other is 'not found'."""
    try:
        return product_dictionary(council=council).get(pk=pk)
    except (Product.DoesNotExist, ValueError):
        raise Http404("No product with that number in this dictionary.") from None


def application_list(*, council) -> QuerySet[Application]:
    return (
        Application.objects.filter(council=council)
        .select_related("product", "product__publisher", "service_area")
        .prefetch_related("product__functions", "contracts")
        .order_by("name")
    )


def application_get(*, council, pk) -> Application:
    """One of the council's applications; another council's is 'not found'."""
    try:
        return application_list(council=council).get(pk=pk)
    except (Application.DoesNotExist, ValueError):
        raise Http404("No application with that number at this council.") from None


def contract_list(*, council) -> QuerySet[Contract]:
    return (
        Contract.objects.filter(council=council)
        .prefetch_related("applications", "commitments")
        .order_by("end_date", "reference")
    )


def contract_get(*, council, pk) -> Contract:
    """One of the council's contracts; another council's is 'not found'."""
    try:
        return Contract.objects.get(council=council, pk=pk)
    except (Contract.DoesNotExist, ValueError):
        raise Http404("No contract with that number at this council.") from None


def entitlements(*, council):
    """The licences the council has recorded, with their product and contract, for the list page."""
    return Entitlement.objects.filter(council=council).select_related("product__publisher", "contract")


def entitlement_get(*, council, pk) -> Entitlement:
    """One of the council's recorded licences; another council's is 'not found'."""
    try:
        return Entitlement.objects.select_related("product").get(council=council, pk=pk)
    except (Entitlement.DoesNotExist, ValueError):
        raise Http404("No licences with that number at this council.") from None


def commitment_get(*, council, contract, pk) -> SupplierCommitment:
    """One commitment of one of the council's contracts; any other is 'not found'."""
    try:
        return SupplierCommitment.objects.get(council=council, contract=contract, pk=pk)
    except (SupplierCommitment.DoesNotExist, ValueError):
        raise Http404("No commitment with that number in this contract.") from None


def import_batch_get(*, council, pk) -> ImportBatch:
    try:
        return ImportBatch.objects.get(council=council, pk=pk)
    except (ImportBatch.DoesNotExist, ValueError):
        raise Http404("No import with that number at this council.") from None


def import_batch_list(*, council) -> QuerySet[ImportBatch]:
    return ImportBatch.objects.filter(council=council).order_by("-created_at", "-id")[:20]


# The register as a download (CSV or XLSX)

REGISTER_COLUMNS = [
    "Application",
    "Product",
    "Publisher",
    "Version",
    "ESD functions",
    "Business owner",
    "Service area",
    "Technical custodian",
    "Hosting",
    "Users",
    "Support status",
    "End of support",
    "Data sensitivity",
    "TIME disposition",
    "Business value",
    "Technical risk",
    "Contracts",
    "Notes",
]


def register_rows(*, council):
    """The council's application register as rows, in the order of REGISTER_COLUMNS. Numbers and
    dates stay numbers and dates (None when not recorded), so the XLSX download can sort and add
    them up; the CSV writer turns them into text."""
    for app in application_list(council=council):
        yield [
            app.name,
            app.product.name,
            app.product.publisher.name,
            app.version,
            "; ".join(f.label for f in app.product.functions.all()),
            app.business_owner,
            app.service_area.name if app.service_area else "",
            app.technical_custodian,
            app.get_hosting_display(),
            app.users_count,
            app.get_support_status_display(),
            app.end_of_support,
            app.get_data_sensitivity_display(),
            app.get_disposition_display() if app.disposition else "",
            app.business_value,
            app.technical_risk,
            "; ".join(c.reference for c in app.contracts.all()),
            app.notes,
        ]


# Licence position: see `joinedup.software.positions`.


# Duplication across a partnership


@dataclass
class Use:
    council: object
    application: Application
    yearly_cost: Decimal | None  # None: not known (no contract, or one with no yearly value recorded)
    contract_end: datetime.date | None
    notice_deadline: datetime.date | None
    bridging_months: int | None = 0  # extension needed to reach the group's convergence date; None: not known

    @property
    def version_known(self) -> bool:
        return bool(self.application.version.strip())

    @property
    def missing(self) -> list[str]:
        """What is not recorded for this use, in words, to prompt someone to complete it."""
        gaps = []
        if not self.version_known:
            gaps.append("version")
        if self.contract_end is None:
            gaps.append("contract")
        elif self.yearly_cost is None:
            gaps.append("contract's yearly value")
        return gaps


@dataclass
class FunctionGroup:
    """The uses of one ESD function (or one LGSL service) across a partnership.

    Missing data is unknown, never a value: a use with no version recorded does not make versions
    differ, one with no contract does not hold back the convergence date, and one with no cost (no
    contract, or a contract worth £0) is left out of costs and averages rather than counted as £0.
    """

    category: EsdFunction | LgslService
    uses: list[Use] = field(default_factory=list)

    @property
    def products(self) -> list:
        return sorted({use.application.product for use in self.uses}, key=lambda p: p.name)

    @property
    def councils(self) -> list:
        return sorted({use.council for use in self.uses}, key=lambda c: c.name)

    @property
    def duplicated(self) -> bool:
        """More than one product does this job across the partnership's councils."""
        return len(self.councils) > 1 and len(self.products) > 1

    @property
    def version_differences(self) -> list:
        """Products the councils run at different recorded versions (an unrecorded version differs from none)."""
        versions = defaultdict(set)
        for use in self.uses:
            if use.version_known:
                versions[use.application.product].add(use.application.version.strip())
        return sorted((product for product, found in versions.items() if len(found) > 1), key=lambda p: p.name)

    @property
    def incomplete(self) -> list[Use]:
        """Uses with a version, contract or cost not recorded: the figures leave them out until completed."""
        return [use for use in self.uses if use.missing]

    @property
    def costs_known(self) -> list[Use]:
        return [use for use in self.uses if use.yearly_cost is not None]

    @property
    def costs_unknown(self) -> int:
        return len(self.uses) - len(self.costs_known)

    @property
    def yearly_cost(self) -> Decimal:
        """The total of the yearly costs that are known (see `costs_unknown` for how many are not)."""
        return sum((use.yearly_cost for use in self.costs_known), Decimal("0"))

    @property
    def contracts_unknown(self) -> int:
        return sum(1 for use in self.uses if use.contract_end is None)

    @property
    def convergence_date(self) -> datetime.date | None:
        """The earliest date by which every recorded contract could end together without leaving one
        early: the latest contract end. Uses with no contract are left out (their end is not known,
        see `contracts_unknown`); None if no use has one."""
        ends = [use.contract_end for use in self.uses if use.contract_end is not None]
        return max(ends) if ends else None

    def bridging_months(self, use) -> int | None:
        """Whole months a contract ending before the convergence date must be extended by to reach it
        (None if the use has no contract: not known)."""
        target = self.convergence_date
        if use.contract_end is None:
            return None
        if target is None or use.contract_end >= target:
            return 0
        months = (target.year - use.contract_end.year) * 12 + target.month - use.contract_end.month
        return months + (1 if add_months(use.contract_end, months) < target else 0)

    @property
    def single_product_saving(self) -> Decimal | None:
        """The yearly saving if every council using this function (whose cost is known) moved to the
        product that costs its councils least on average, each council then paying that average.

        Only known costs count: a use with no cost recorded neither lowers an average nor adds to
        the total. None unless at least two products have a known cost."""
        per_product = defaultdict(list)
        for use in self.costs_known:
            per_product[use.application.product].append(use.yearly_cost)
        if len(per_product) < 2:
            return None
        cheapest = min(sum(costs, Decimal("0")) / len(costs) for costs in per_product.values())
        known = self.costs_known
        saving = self.yearly_cost - cheapest * len(known)
        return max(saving, Decimal("0")).quantize(PENNY, ROUND_HALF_UP)


def application_yearly_costs(applications) -> dict:
    """A contract's yearly value, shared equally between the applications it covers.

    An application with no contract, or only contracts with no yearly value recorded (£0), has no
    entry: its cost is not known, which is not the same as free."""
    costs = defaultdict(Decimal)
    for app in applications:
        for contract in app.contracts.all():
            if not contract.annual_value:
                continue
            share = contract.annual_value / max(len(contract.applications.all()), 1)
            costs[app.pk] += share
    return {pk: value.quantize(PENNY, ROUND_HALF_UP) for pk, value in costs.items()}


def partnership_duplication(*, partnership, by: str = "function") -> list[FunctionGroup]:
    """For each ESD function (or, with by="service", each LGSL service): which councils of the
    partnership use which product, at what yearly cost, with which contract end and last date to
    give notice (those of the application's contract that ends first)."""
    applications = list(
        Application.objects.filter(council__partnership=partnership)
        .select_related("council", "product", "product__publisher")
        .prefetch_related(
            "product__functions",
            "product__services",
            Prefetch("contracts", queryset=Contract.objects.prefetch_related("applications")),
        )
    )
    costs = application_yearly_costs(applications)
    groups = {}
    for app in applications:
        contracts = sorted(app.contracts.all(), key=lambda c: c.end_date)
        first = contracts[0] if contracts else None
        categories = app.product.services.all() if by == "service" else app.product.functions.all()
        for category in categories:
            groups.setdefault(category.pk, FunctionGroup(category=category)).uses.append(
                Use(
                    council=app.council,
                    application=app,
                    yearly_cost=costs.get(app.pk),
                    contract_end=first.end_date if first else None,
                    notice_deadline=first.notice_deadline if first else None,
                )
            )
    for group in groups.values():
        for use in group.uses:
            use.bridging_months = group.bridging_months(use)
        group.uses.sort(key=lambda u: (u.application.product.name, u.council.name, u.application.name))
    return sorted(groups.values(), key=lambda g: g.category.label)


# Renewal calendar


@dataclass
class RenewalEvent:
    date: datetime.date
    what: str  # "notice" or "end"
    contract: Contract
    days_away: int

    @property
    def label(self) -> str:
        return "Last day to give notice" if self.what == "notice" else "Contract ends"

    @property
    def window(self) -> int:
        """The smallest of 90, 180 and 365 days that the event falls within."""
        return next(days for days in (90, 180, 365) if self.days_away <= days)


def renewal_calendar(*, councils, today=None, days: int = 365) -> list[RenewalEvent]:
    """Notice deadlines and contract ends from today to `days` ahead, soonest first.

    `councils` is one council or several (a partnership's); the caller checks who may see them.
    """
    today = _today(today)
    if not isinstance(councils, list | tuple | QuerySet):
        councils = [councils]
    horizon = today + datetime.timedelta(days=days)
    contracts = Contract.objects.filter(
        council__in=councils, end_date__gte=today, start_date__lte=horizon
    ).select_related("council")
    events = []
    for contract in contracts:
        for what, date in (("notice", contract.notice_deadline), ("end", contract.end_date)):
            if today <= date <= horizon:
                events.append(RenewalEvent(date=date, what=what, contract=contract, days_away=(date - today).days))
    return sorted(events, key=lambda e: (e.date, e.what != "notice", e.contract.council.name, e.contract.reference))


# Cyber risk


@dataclass
class CyberRisk:
    out_of_support: list
    support_ending: list
    no_owner: list


def cyber_risk(*, council, today=None) -> CyberRisk:
    """Applications past, or within 12 months of, the end of support; and those with no named owner."""
    today = _today(today)
    soon = add_months(today, 12)
    applications = list(application_list(council=council))
    return CyberRisk(
        out_of_support=sorted(
            (
                a
                for a in applications
                if a.support_status == "unsupported" or (a.end_of_support and a.end_of_support < today)
            ),
            key=lambda a: (a.end_of_support or datetime.date.min, a.name),
        ),
        support_ending=sorted(
            (
                a
                for a in applications
                if a.end_of_support and today <= a.end_of_support <= soon and a.support_status != "unsupported"
            ),
            key=lambda a: (a.end_of_support, a.name),
        ),
        no_owner=[a for a in applications if not a.business_owner.strip()],
    )


# The partnership dashboard


@dataclass
class Bar:
    label: str
    value: Decimal | int
    percent: int  # of the largest bar in its chart, for drawing


def _bars(items) -> list[Bar]:
    items = list(items)
    top = max((value for _, value in items), default=0) or 1
    return [Bar(label=label, value=value, percent=round(100 * value / top)) for label, value in items]


@dataclass
class Dashboard:
    systems: int
    yearly_spend: Decimal
    reclaimable_saving: Decimal
    duplicated_functions: int
    functions_in_use: int
    contracts_ending: dict  # {90: n, 180: n, 365: n}: contract ends within that many days
    spend_by_council: list
    saving_by_council: list
    systems_by_council: list
    spend_by_function: list
    renewals_by_window: list


def partnership_dashboard(*, partnership, councils, today=None) -> Dashboard:
    """Totals across a partnership's councils, and the figures for its charts.

    Yearly spend is the yearly value of contracts in force today; the reclaimable saving is the
    licence position's yearly saving summed over products and councils.
    """
    today = _today(today)
    systems = dict(
        Application.objects.filter(council__in=councils)
        .values_list("council")
        .annotate(n=Count("id"))
        .values_list("council", "n")
    )
    spend = defaultdict(Decimal)
    for council_id, value in Contract.objects.filter(
        council__in=councils, start_date__lte=today, end_date__gte=today
    ).values_list("council", "annual_value"):
        spend[council_id] += value
    saving = {
        c.pk: sum((p.yearly_saving for p in licence_position(council=c, today=today)), Decimal("0")) for c in councils
    }
    groups = partnership_duplication(partnership=partnership)
    by_function = sorted(((str(g.category), g.yearly_cost) for g in groups), key=lambda item: (-item[1], item[0]))
    ends = [e for e in renewal_calendar(councils=councils, today=today) if e.what == "end"]
    ending = {days: sum(1 for e in ends if e.days_away <= days) for days in (90, 180, 365)}
    windows = [
        ("Within 90 days", sum(1 for e in ends if e.window == 90)),
        ("91 to 180 days", sum(1 for e in ends if e.window == 180)),
        ("181 to 365 days", sum(1 for e in ends if e.window == 365)),
    ]
    return Dashboard(
        systems=sum(systems.values()),
        yearly_spend=sum(spend.values(), Decimal("0")).quantize(PENNY, ROUND_HALF_UP),
        reclaimable_saving=sum(saving.values(), Decimal("0")).quantize(PENNY, ROUND_HALF_UP),
        duplicated_functions=sum(1 for g in groups if g.duplicated),
        functions_in_use=len(groups),
        contracts_ending=ending,
        spend_by_council=_bars((c.name, spend.get(c.pk, Decimal("0"))) for c in councils),
        saving_by_council=_bars((c.name, saving.get(c.pk, Decimal("0"))) for c in councils),
        systems_by_council=_bars((c.name, systems.get(c.pk, 0)) for c in councils),
        spend_by_function=_bars(by_function[:13]),
        renewals_by_window=_bars(windows),
    )
