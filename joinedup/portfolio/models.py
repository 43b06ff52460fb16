"""
The project portfolio: strategic objectives and their weights, proposals (ideas) and their
vetting, Five Case business cases with gates, options with yearly cash flows, scores, the
roadmap (milestones and dependencies), status reports, the benefits register and member
challenge.

Objectives and weights belong to a partnership (or to a council outside any partnership);
proposals belong to the council that leads them.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from joinedup.core.models import BaseModel
from joinedup.portfolio.appraisal import GREEN_BOOK_2022_BANDS, OPTIMISM_BIAS

not_negative = [MinValueValidator(Decimal(0))]
MONEY = {"max_digits": 14, "decimal_places": 2}
SCORE_MAX = 5


def _one_owner(name):
    return models.CheckConstraint(
        condition=(
            Q(partnership__isnull=False, council__isnull=True) | Q(partnership__isnull=True, council__isnull=False)
        ),
        name=name,
    )


class DiscountSchedule(BaseModel):
    """A versioned discount schedule, like the Green Book 2022 one (3.5% to year 30, then declining)."""

    version = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    bands = models.JSONField(help_text="[[first year, rate], ...], rates as decimals like 0.035.")
    effective_from = models.DateField()
    is_current = models.BooleanField(default=False)

    class Meta:
        ordering = ["-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["is_current"], condition=Q(is_current=True), name="portfolio_one_schedule")
        ]

    def __str__(self):
        return self.name

    def band_list(self):
        return [(int(start), Decimal(str(rate))) for start, rate in self.bands]


def green_book_2022_bands():
    return [[start, str(rate)] for start, rate in GREEN_BOOK_2022_BANDS]


class StrategicObjective(BaseModel):
    partnership = models.ForeignKey(
        "councils.Partnership", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    council = models.ForeignKey("councils.Council", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=12, help_text="A short code, like SO1.")
    title = models.CharField(max_length=200, help_text="In plain English, like 'Residents can do more online'.")
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            _one_owner("portfolio_objective_one_owner"),
            models.UniqueConstraint(
                fields=["partnership", "code"],
                condition=Q(partnership__isnull=False),
                name="portfolio_objective_p_code",
            ),
            models.UniqueConstraint(
                fields=["council", "code"], condition=Q(council__isnull=False), name="portfolio_objective_c_code"
            ),
        ]

    def __str__(self):
        return f"{self.code}: {self.title}"


class ObjectiveVersion(BaseModel):
    """One version of an objective's wording. Never changed: an edit or retirement adds a version,
    and each score records the version it was given against (as it records the weights)."""

    objective = models.ForeignKey(StrategicObjective, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    code = models.CharField(max_length=12)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["objective", "-version"]
        constraints = [models.UniqueConstraint(fields=["objective", "version"], name="portfolio_objective_version")]

    def __str__(self):
        return f"{self.code} version {self.version}"


class WeightMethod(models.TextChoices):
    DIRECT = "direct", "Set directly"
    AHP = "ahp", "Pairwise comparison (AHP)"


class WeightSet(BaseModel):
    """One version of the objectives' weights. Never changed once made; a new version replaces it."""

    partnership = models.ForeignKey(
        "councils.Partnership", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    council = models.ForeignKey("councils.Council", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField()
    method = models.CharField(max_length=10, choices=WeightMethod.choices)
    judgements = models.JSONField(default=dict, blank=True, help_text="AHP: {'code_a|code_b': 'value'}.")
    consistency_ratio = models.FloatField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-version"]
        constraints = [
            _one_owner("portfolio_weightset_one_owner"),
            models.UniqueConstraint(
                fields=["partnership", "version"], condition=Q(partnership__isnull=False), name="portfolio_ws_p_version"
            ),
            models.UniqueConstraint(
                fields=["council", "version"], condition=Q(council__isnull=False), name="portfolio_ws_c_version"
            ),
        ]

    def __str__(self):
        return f"Weights version {self.version}"


class ObjectiveWeight(models.Model):
    weight_set = models.ForeignKey(WeightSet, on_delete=models.CASCADE, related_name="weights")
    objective = models.ForeignKey(StrategicObjective, on_delete=models.PROTECT, related_name="+")
    weight = models.DecimalField(
        max_digits=7, decimal_places=6, validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))]
    )

    class Meta:
        ordering = ["objective__code"]
        constraints = [models.UniqueConstraint(fields=["weight_set", "objective"], name="portfolio_weight_unique")]

    def __str__(self):
        return f"{self.objective.code}: {self.weight}"


class Beneficiary(models.TextChoices):
    RESIDENTS = "residents", "Residents"
    STAFF = "staff", "Staff"
    COUNCILLORS = "councillors", "Councillors"
    BUSINESSES = "businesses", "Businesses"


class Urgency(models.TextChoices):
    LOW = "low", "Low: could wait a year or more"
    MEDIUM = "medium", "Medium: needed within a year"
    HIGH = "high", "High: needed within 6 months"
    CRITICAL = "critical", "Critical: a legal duty or a system going out of support"


class Stage(models.TextChoices):
    IDEA = "idea", "Idea"
    VETTING = "vetting", "Being vetted"
    BUSINESS_CASE = "business_case", "Business case"
    APPROVED = "approved", "Approved"
    DELIVERY = "delivery", "In delivery"
    CLOSED = "closed", "Closed"
    REJECTED = "rejected", "Not taken forward"
    ON_HOLD = "on_hold", "On hold"


ROADMAP_STAGES = (Stage.APPROVED, Stage.DELIVERY, Stage.CLOSED)


class CaseRoute(models.TextChoices):
    THREE_STAGE = "three_stage", "Three stages: strategic outline, outline and full business case"
    BJC = "bjc", "One business justification case (small or low-risk schemes)"


OB_CATEGORIES = [(code, cat.label) for code, cat in OPTIMISM_BIAS.items()]


class Proposal(BaseModel):
    council = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="proposals")
    reference = models.CharField(max_length=30, editable=False)
    title = models.CharField(max_length=200)
    problem = models.TextField(help_text="What is wrong today, and for whom.")
    beneficiaries = models.JSONField(default=list)
    councils = models.ManyToManyField("councils.Council", blank=True, related_name="+")
    capital_cost = models.DecimalField("Rough one-off cost (£)", validators=not_negative, **MONEY)
    revenue_cost = models.DecimalField("Rough running cost a year (£)", validators=not_negative, **MONEY)
    timescale_months = models.PositiveIntegerField(
        "Timescale in months", validators=[MinValueValidator(1), MaxValueValidator(120)]
    )
    expected_benefits = models.TextField()
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.MEDIUM)
    objectives = models.ManyToManyField(StrategicObjective, blank=True, related_name="proposals")
    related_applications = models.ManyToManyField("software.Application", blank=True, related_name="proposals")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.IDEA)
    case_route = models.CharField(max_length=20, choices=CaseRoute.choices, default=CaseRoute.THREE_STAGE)
    # Set when a portfolio board member chose a route other than the partnership's threshold gives.
    route_reason = models.TextField(blank=True)
    route_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    depends_on = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="dependants")
    # Proposals that cannot both go ahead (alternatives, or two systems for one job).
    excludes = models.ManyToManyField("self", symmetrical=True, blank=True)

    class Meta:
        ordering = ["reference"]
        constraints = [models.UniqueConstraint(fields=["council", "reference"], name="portfolio_proposal_reference")]

    def __str__(self):
        return f"{self.reference} {self.title}"

    def beneficiary_labels(self):
        labels = dict(Beneficiary.choices)
        return [labels.get(b, b) for b in self.beneficiaries]


class Framework(models.TextChoices):
    CORE = "core", "Vetting questions"
    SERVICE_STANDARD = "service_standard", "GOV.UK Service Standard"
    TCOP = "tcop", "Technology Code of Practice"


class Phase(models.TextChoices):
    TRIAGE = "triage", "Triage"
    DISCOVERY = "discovery", "Discovery"
    ALPHA = "alpha", "Alpha"
    BETA = "beta", "Beta"
    LIVE = "live", "Live"


class Answer(models.TextChoices):
    MET = "met", "Met"
    PARTLY = "partly", "Partly met"
    NOT_MET = "not_met", "Not met"
    NOT_APPLICABLE = "na", "Not applicable"


CORE_QUESTIONS = (
    ("customer_journey", "It improves the customer journey"),
    ("staff_work", "It makes staff's work easier"),
    ("strategy_fit", "It fits the strategy"),
    ("duplication", "Duplication has been checked (no other system already does this job)"),
    ("cyber", "Cyber security risks are understood"),
    ("data_protection", "Data protection is covered (a DPIA is done, or is not needed)"),
    ("accessibility", "It will meet accessibility rules (WCAG 2.2 AA)"),
)
SERVICE_STANDARD = (
    "Understand users and their needs",
    "Solve a whole problem for users",
    "Provide a joined-up experience across all channels",
    "Make the service simple to use",
    "Make sure everyone can use the service",
    "Have a multidisciplinary team",
    "Use agile ways of working",
    "Iterate and improve frequently",
    "Create a secure service which protects users' privacy",
    "Define what success looks like and publish performance data",
    "Choose the right tools and technology",
    "Make new source code open",
    "Use and contribute to open standards, common components and patterns",
    "Operate a reliable service",
)
TECHNOLOGY_CODE = (
    "Define user needs",
    "Make things accessible and inclusive",
    "Be open and use open source",
    "Make use of open standards",
    "Use cloud first",
    "Make things secure",
    "Make privacy integral",
    "Share, reuse and collaborate",
    "Integrate and adapt technology",
    "Make better use of data",
    "Define your purchasing strategy",
    "Make your technology sustainable",
    "Meet the Service Standard",
)


def checklist_items():
    """Every vetting item: (framework, code, label)."""
    items = [(Framework.CORE, code, label) for code, label in CORE_QUESTIONS]
    items += [(Framework.SERVICE_STANDARD, f"ss{i}", f"{i}. {t}") for i, t in enumerate(SERVICE_STANDARD, 1)]
    items += [(Framework.TCOP, f"tcop{i}", f"{i}. {t}") for i, t in enumerate(TECHNOLOGY_CODE, 1)]
    return items


CHECKLIST_CODES = {code: (framework, label) for framework, code, label in checklist_items()}


class VettingAnswer(BaseModel):
    """One checklist item answered with evidence, for one phase."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="vetting_answers")
    item = models.CharField(max_length=30, choices=[(c, label) for _, c, label in checklist_items()])
    phase = models.CharField(max_length=12, choices=Phase.choices, default=Phase.TRIAGE)
    status = models.CharField(max_length=10, choices=Answer.choices)
    evidence = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["phase", "id"]
        constraints = [models.UniqueConstraint(fields=["proposal", "item", "phase"], name="portfolio_vetting_unique")]

    @property
    def framework(self):
        return CHECKLIST_CODES[self.item][0]


class CaseStage(models.TextChoices):
    SOC = "SOC", "Strategic outline case"
    OBC = "OBC", "Outline business case"
    FBC = "FBC", "Full business case"
    BJC = "BJC", "Business justification case"


FIVE_CASES = (
    ("strategic_case", "Strategic case", "Is there a compelling case for change?"),
    ("economic_case", "Economic case", "Does it give the best public value?"),
    ("commercial_case", "Commercial case", "Can it be bought or built on good terms?"),
    ("financial_case", "Financial case", "Is it affordable?"),
    ("management_case", "Management case", "Can it be delivered?"),
)


# The Five Case sections each stage needs written before a 'go' (HM Treasury Better Business
# Cases: the SOC makes the strategic case and the preferred way forward; the OBC, FBC and a BJC
# cover all five).
STAGE_SECTIONS = {
    "SOC": ("strategic_case", "economic_case"),
    "OBC": tuple(name for name, _, _ in FIVE_CASES),
    "FBC": tuple(name for name, _, _ in FIVE_CASES),
    "BJC": tuple(name for name, _, _ in FIVE_CASES),
}


class RouteSetting(BaseModel):
    """The partnership's (or a lone council's) threshold for the single-case route: proposals
    whose estimated cost is under it use one business justification case, the rest three stages."""

    partnership = models.ForeignKey(
        "councils.Partnership", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    council = models.ForeignKey("councils.Council", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    single_case_limit = models.DecimalField(
        "Largest estimated cost for one business justification case (£)", validators=not_negative, **MONEY
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            _one_owner("portfolio_routesetting_one_owner"),
            models.UniqueConstraint(
                fields=["partnership"], condition=Q(partnership__isnull=False), name="portfolio_route_p"
            ),
            models.UniqueConstraint(fields=["council"], condition=Q(council__isnull=False), name="portfolio_route_c"),
        ]


class BusinessCase(BaseModel):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="business_cases")
    stage = models.CharField(max_length=3, choices=CaseStage.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    strategic_case = models.TextField(blank=True)
    economic_case = models.TextField(blank=True)
    commercial_case = models.TextField(blank=True)
    financial_case = models.TextField(blank=True)
    management_case = models.TextField(blank=True)
    discount_schedule = models.ForeignKey(DiscountSchedule, on_delete=models.PROTECT, related_name="+")
    ob_category = models.CharField(
        "Optimism bias category", max_length=30, choices=OB_CATEGORIES, default="equipment_it"
    )
    ob_mitigation = models.DecimalField(
        "Share of optimism bias risks mitigated",
        max_digits=4,
        decimal_places=3,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
    )

    class Meta:
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["proposal", "stage"], name="portfolio_case_stage_unique")]

    def __str__(self):
        return f"{self.get_stage_display()} for {self.proposal.reference}"

    def latest_gate(self):
        return self.gates.order_by("-decided_on", "-id").first()


class GateOutcome(models.TextChoices):
    GO = "go", "Go"
    NO_GO = "no_go", "No go"
    HOLD = "hold", "Hold"
    REWORK = "rework", "Rework"


class CaseVersion(BaseModel):
    """A frozen copy of a business case as it stood at a gate decision: every option's cash
    flows and appraisal (optimism bias, NPSV, BCR, switching values) and the vetting answers.
    Never changed or deleted once saved; later edits to the case are a new draft."""

    business_case = models.ForeignKey(BusinessCase, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["business_case", "number"]
        constraints = [models.UniqueConstraint(fields=["business_case", "number"], name="portfolio_case_version")]

    def __str__(self):
        return f"Version {self.number}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("A business case version is never changed once saved.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("A business case version is never deleted.")


class GateDecision(BaseModel):
    business_case = models.ForeignKey(BusinessCase, on_delete=models.CASCADE, related_name="gates")
    outcome = models.CharField(max_length=10, choices=GateOutcome.choices)
    # The portfolio board member who decided. Decisions recorded before this was a person keep
    # the text that was typed in `decided_by_name`.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_by_name = models.CharField(max_length=200, blank=True)
    decided_on = models.DateField()
    reasons = models.TextField()
    # Why a 'go' stands although the value for money is Poor or Low.
    vfm_justification = models.TextField(blank=True)
    version = models.ForeignKey(CaseVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="gates")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-decided_on", "-id"]

    @property
    def decider(self) -> str:
        if self.decided_by_id:
            return self.decided_by.full_name or self.decided_by.email
        return self.decided_by_name or "Not recorded"


class OptionKind(models.TextChoices):
    BAU = "bau", "Business as usual"
    DO_MINIMUM = "do_minimum", "Do minimum"
    PREFERRED = "preferred", "Preferred option"
    OTHER = "other", "Other option"


class Option(BaseModel):
    business_case = models.ForeignKey(BusinessCase, on_delete=models.CASCADE, related_name="options")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=OptionKind.choices)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self):
        return self.name


class CashFlowYear(models.Model):
    """One year of an option's real cash flows (today's prices). Year 0 is this year."""

    option = models.ForeignKey(Option, on_delete=models.CASCADE, related_name="cash_flows")
    year = models.PositiveIntegerField(validators=[MaxValueValidator(400)])
    capital_cost = models.DecimalField(default=0, validators=not_negative, **MONEY)
    revenue_cost = models.DecimalField(default=0, validators=not_negative, **MONEY)
    benefit = models.DecimalField(default=0, validators=not_negative, **MONEY)

    class Meta:
        ordering = ["year"]
        constraints = [models.UniqueConstraint(fields=["option", "year"], name="portfolio_cashflow_year_unique")]

    def __str__(self):
        return f"Year {self.year}"


class Score(BaseModel):
    """One rater's score of a proposal against one objective. Never changed: a new score replaces it."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="scores")
    objective = models.ForeignKey(StrategicObjective, on_delete=models.PROTECT, related_name="+")
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    value = models.PositiveSmallIntegerField(validators=[MaxValueValidator(SCORE_MAX)])
    justification = models.TextField()
    weight_set = models.ForeignKey(WeightSet, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    objective_version = models.ForeignKey(
        ObjectiveVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]


class Milestone(BaseModel):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=200)
    due_on = models.DateField()
    completed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on"]

    def __str__(self):
        return self.title


class Rag(models.TextChoices):
    GREEN = "green", "Green"
    AMBER = "amber", "Amber"
    RED = "red", "Red"


class Confidence(models.TextChoices):
    GREEN = "green", "Green"
    AMBER_GREEN = "amber_green", "Amber/Green"
    AMBER = "amber", "Amber"
    AMBER_RED = "amber_red", "Amber/Red"
    RED = "red", "Red"


CONFIDENCE_WORDING = {
    "green": "Successful delivery of the project on time, budget and quality appears highly likely and there are "
    "no major outstanding issues that at this stage appear to threaten delivery significantly.",
    "amber_green": "Successful delivery appears probable; however, constant attention will be needed to ensure "
    "risks do not materialise into major issues threatening delivery.",
    "amber": "Successful delivery appears feasible but significant issues already exist, requiring management "
    "attention. These appear resolvable at this stage and, if addressed promptly, should not present a cost or "
    "schedule overrun.",
    "amber_red": "Successful delivery of the project is in doubt, with major risks or issues apparent in a number "
    "of key areas. Urgent action is needed to address these problems and/or assess whether resolution is feasible.",
    "red": "Successful delivery of the project appears to be unachievable. There are major issues with project "
    "definition, schedule, budget, quality and/or benefits delivery, which at this stage do not appear to be "
    "manageable or resolvable. The project may need re-scoping and/or its overall viability reassessed.",
}


class StatusReport(BaseModel):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="status_reports")
    period_end = models.DateField("Period ending")
    rag_overall = models.CharField("Overall", max_length=10, choices=Rag.choices)
    rag_time = models.CharField("Time", max_length=10, choices=Rag.choices)
    rag_cost = models.CharField("Cost", max_length=10, choices=Rag.choices)
    rag_scope = models.CharField("Scope", max_length=10, choices=Rag.choices)
    rag_benefits = models.CharField("Benefits", max_length=10, choices=Rag.choices)
    delivery_confidence = models.CharField(max_length=12, choices=Confidence.choices)
    confidence_scale = models.CharField(max_length=20, default="ipa_5_point", editable=False)
    narrative = models.TextField()
    budget_to_date = models.DecimalField("Planned spend to date (£)", validators=not_negative, **MONEY)
    actual_to_date = models.DecimalField("Actual spend to date (£)", validators=not_negative, **MONEY)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-period_end", "-id"]

    @property
    def variance(self):
        return self.actual_to_date - self.budget_to_date

    @property
    def confidence_wording(self):
        return CONFIDENCE_WORDING.get(self.delivery_confidence, "")


class BenefitCategory(models.TextChoices):
    DIRECT_PUBLIC = "direct_public", "Direct public sector"
    INDIRECT_PUBLIC = "indirect_public", "Indirect public sector"
    WIDER_SOCIAL = "wider_social", "Wider social"


class BenefitClass(models.TextChoices):
    CASH_RELEASING = "cash_releasing", "Cash-releasing"
    NON_CASH_RELEASING = "non_cash_releasing", "Non-cash-releasing"
    QUALITATIVE = "qualitative", "Qualitative"


class Benefit(BaseModel):
    """A row of the benefits register (Green Book Box 9 fields)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="benefits")
    number = models.CharField("Benefit number", max_length=20)
    category = models.CharField(max_length=20, choices=BenefitCategory.choices)
    benefit_class = models.CharField("Class", max_length=20, choices=BenefitClass.choices)
    description = models.TextField()
    service_feature = models.CharField("What gives rise to it", max_length=300)
    potential_costs = models.CharField(max_length=300, blank=True)
    activities_required = models.TextField(blank=True)
    responsible_officer = models.CharField(max_length=200)
    performance_measure = models.CharField(max_length=300)
    baseline_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    target_improvement = models.CharField(max_length=300)
    full_year_value = models.DecimalField("Full-year value (£)", validators=not_negative, **MONEY)
    timescale_years = models.PositiveIntegerField(validators=[MinValueValidator(1), MaxValueValidator(30)])
    is_disbenefit = models.BooleanField("This is a dis-benefit", default=False)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["proposal", "number"], name="portfolio_benefit_number")]

    def __str__(self):
        return f"{self.number}: {self.description[:60]}"


class BenefitMeasurement(BaseModel):
    benefit = models.ForeignKey(Benefit, on_delete=models.CASCADE, related_name="measurements")
    measured_on = models.DateField()
    value = models.DecimalField(max_digits=14, decimal_places=2)
    realised_saving = models.DecimalField("Saving realised so far (£)", validators=not_negative, **MONEY)
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-measured_on", "-id"]


class Challenge(BaseModel):
    """A member's question on a proposal or project, and the owner's answer."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="challenges")
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    question = models.TextField()
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]


class SelectionScenario(BaseModel):
    """A named budget selection, kept as it was worked out (the budgets, the projects always or
    never included, and the set chosen with its totals), so two can be compared side by side."""

    council = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=100)
    capital_limit = models.DecimalField(validators=not_negative, **MONEY)
    revenue_limit = models.DecimalField(validators=not_negative, **MONEY)
    forced_in = models.JSONField(default=list, blank=True)
    forced_out = models.JSONField(default=list, blank=True)
    # [{"pk", "reference", "title", "score", "capital", "revenue", "chosen"}] for every candidate.
    rows = models.JSONField(default=list)
    value = models.FloatField()
    capital = models.DecimalField(**MONEY)
    revenue = models.DecimalField(**MONEY)
    weights_version = models.PositiveIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["council", "name"], name="portfolio_scenario_name")]

    def __str__(self):
        return self.name

    @property
    def chosen_count(self) -> int:
        return sum(1 for row in self.rows if row.get("chosen"))
