from django import forms

from joinedup.portfolio.models import (
    FIVE_CASES,
    SCORE_MAX,
    Answer,
    Beneficiary,
    Benefit,
    BusinessCase,
    CaseRoute,
    CaseStage,
    GateOutcome,
    OptionKind,
    Phase,
    Proposal,
    StatusReport,
)

DATE = forms.DateInput(attrs={"type": "date", "class": "govuk-input--width-10"})
MONEY = forms.NumberInput(attrs={"class": "govuk-input--width-10", "step": "0.01"})


class ProposalForm(forms.ModelForm):
    beneficiaries = forms.MultipleChoiceField(
        label="Who benefits",
        choices=Beneficiary.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose who benefits"},
    )

    class Meta:
        model = Proposal
        fields = [
            "title",
            "problem",
            "beneficiaries",
            "councils",
            "capital_cost",
            "revenue_cost",
            "timescale_months",
            "expected_benefits",
            "urgency",
            "objectives",
            "related_applications",
        ]
        labels = {
            "title": "Name of the idea",
            "problem": "The problem it solves",
            "councils": "Which councils would take part",
            "objectives": "Which objectives it supports",
            "related_applications": "Existing systems it relates to",
        }
        help_texts = {
            "problem": "What is wrong today, and for whom. Write it so a resident would understand.",
            "capital_cost": "A rough figure is fine at this stage. Enter 0 if there is none.",
            "revenue_cost": "Licences, support and staff time each year. Enter 0 if there is none.",
            "related_applications": "From the software register. We will show systems that do the same job in "
            "partner councils, so nobody buys a second system for the same job.",
        }
        widgets = {
            "problem": forms.Textarea(attrs={"rows": 4}),
            "expected_benefits": forms.Textarea(attrs={"rows": 4}),
            "councils": forms.CheckboxSelectMultiple,
            "objectives": forms.CheckboxSelectMultiple,
            "related_applications": forms.CheckboxSelectMultiple,
            "urgency": forms.RadioSelect,
            "capital_cost": MONEY,
            "revenue_cost": MONEY,
            "timescale_months": forms.NumberInput(attrs={"class": "govuk-input--width-4"}),
        }
        error_messages = {
            "title": {"required": "Enter the name of the idea"},
            "problem": {"required": "Describe the problem it solves"},
            "capital_cost": {"required": "Enter the rough one-off cost, or 0"},
            "revenue_cost": {"required": "Enter the rough running cost a year, or 0"},
            "timescale_months": {"required": "Enter the timescale in months"},
            "expected_benefits": {"required": "Describe the benefits you expect"},
        }

    def __init__(self, *args, councils, objectives, applications, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["councils"].queryset = councils
        self.fields["councils"].required = False
        self.fields["objectives"].queryset = objectives
        self.fields["objectives"].required = False
        self.fields["related_applications"].queryset = applications
        self.fields["related_applications"].required = False
        self.fields["related_applications"].label_from_instance = lambda a: f"{a.name} ({a.product.name})"
        self.fields["urgency"].choices = [c for c in self.fields["urgency"].choices if c[0]]


class ScheduleForm(forms.Form):
    start_date = forms.DateField(label="Start date", required=False, widget=DATE, help_text="For example, 2026-04-01.")
    end_date = forms.DateField(label="End date", required=False, widget=DATE)
    depends_on = forms.ModelMultipleChoiceField(
        label="Projects it must wait for",
        queryset=Proposal.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    excludes = forms.ModelMultipleChoiceField(
        label="Projects it cannot go ahead with",
        help_text="Alternatives to this project, or projects that would do the same job. The budget selection "
        "never chooses both.",
        queryset=Proposal.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, others, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["depends_on"].queryset = others
        self.fields["excludes"].queryset = others


def vetting_form_class(items):
    """A form with a status and evidence field for each checklist item."""
    fields = {}
    for _framework, code, label in items:
        fields[f"{code}_status"] = forms.ChoiceField(
            label=label, choices=Answer.choices, widget=forms.RadioSelect, required=False
        )
        fields[f"{code}_evidence"] = forms.CharField(
            label=f"Evidence for '{label}'", required=False, widget=forms.Textarea(attrs={"rows": 2})
        )
    return type("VettingForm", (forms.Form,), fields)


class PhaseForm(forms.Form):
    phase = forms.ChoiceField(choices=[c for c in Phase.choices if c[0] != Phase.TRIAGE], label="Phase")


class CaseStartForm(forms.Form):
    stage = forms.ChoiceField(
        label="Stage",
        choices=CaseStage.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the stage"},
    )


class CaseForm(forms.ModelForm):
    class Meta:
        model = BusinessCase
        fields = [name for name, _, _ in FIVE_CASES] + ["ob_category", "ob_mitigation"]
        labels = {name: label for name, label, _ in FIVE_CASES} | {
            "ob_mitigation": "Share of optimism bias risks mitigated (0 to 1)"
        }
        help_texts = {name: question for name, _, question in FIVE_CASES} | {
            "ob_mitigation": "0 while no risk is dealt with (the full upper bound: 200% on IT capital costs); "
            "0.5 when half is dealt with. The uplift never falls below the lower bound.",
            "ob_category": "The Green Book optimism bias category of the work.",
        }
        widgets = {name: forms.Textarea(attrs={"rows": 5}) for name, _, _ in FIVE_CASES} | {
            "ob_mitigation": forms.NumberInput(attrs={"class": "govuk-input--width-4", "step": "0.01"})
        }


class OptionForm(forms.Form):
    name = forms.CharField(
        label="Name of the option", max_length=200, error_messages={"required": "Enter the name of the option"}
    )
    kind = forms.ChoiceField(
        label="Kind of option",
        choices=OptionKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of option"},
    )
    description = forms.CharField(label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    cash_flows = forms.CharField(
        label="Cash flows by year",
        help_text="One line a year, starting at year 0 (this year): year, one-off cost, running cost, benefit, "
        "in pounds at today's prices. For example: 0, 50000, 0, 0. Enter 0 for a year with nothing in it.",
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        error_messages={"required": "Enter the cash flows, one line a year"},
    )


class GateForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Decision",
        choices=GateOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the decision"},
    )
    decided_on = forms.DateField(
        label="Date of the decision",
        widget=DATE,
        help_text="Today or earlier.",
        error_messages={"required": "Enter the date of the decision", "invalid": "Enter a real date, like 2026-03-31"},
    )
    reasons = forms.CharField(
        label="Reasons",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the reasons for the decision"},
    )
    vfm_justification = forms.CharField(
        label="Why go ahead despite Poor or Low value for money",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed for a 'go' when the preferred option's value for money is Poor or Low.",
    )


class RouteSwitchForm(forms.Form):
    route = forms.ChoiceField(
        label="Business case route",
        choices=CaseRoute.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a route"},
    )
    reason = forms.CharField(
        label="Reason for this route",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give the reason for the route"},
    )


class RouteLimitForm(forms.Form):
    single_case_limit = forms.DecimalField(
        label="Largest estimated cost for one business justification case (£)",
        min_value=0,
        max_digits=14,
        decimal_places=2,
        widget=MONEY,
        help_text="Proposals whose rough one-off cost plus five years of running cost is under this use one "
        "business justification case; the rest use the three stages.",
        error_messages={"required": "Enter the threshold in pounds", "invalid": "Enter an amount, like 2000000"},
    )


def score_form_class(objectives):
    fields = {}
    for o in objectives:
        fields[f"score_{o.pk}"] = forms.ChoiceField(
            label=f"{o.code}: {o.title}",
            choices=[("", "Not scored")] + [(str(i), str(i)) for i in range(SCORE_MAX + 1)],
            required=False,
            help_text=f"0 (does nothing for this objective) to {SCORE_MAX} (does a great deal).",
        )
        fields[f"why_{o.pk}"] = forms.CharField(
            label=f"Why this score for {o.code}", required=False, widget=forms.Textarea(attrs={"rows": 2})
        )
    return type("ScoreForm", (forms.Form,), fields)


class ObjectiveForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=12,
        help_text="For example, SO1.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
        error_messages={"required": "Enter a code"},
    )
    title = forms.CharField(
        label="Objective in plain English", max_length=200, error_messages={"required": "Enter the objective"}
    )
    description = forms.CharField(label="More detail", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ObjectiveEditForm(ObjectiveForm):
    note = forms.CharField(
        label="Reason for the change",
        max_length=300,
        required=False,
        help_text="Kept with the earlier wording, so readers know why it changed.",
    )


def retire_form_class(remaining):
    """New weights for the objectives that remain, and the reason for retiring."""
    base = direct_weights_form_class(remaining)
    fields = {
        "note": forms.CharField(
            label="Why is this objective being retired?",
            max_length=250,
            error_messages={"required": "Say why the objective is being retired"},
        )
    }
    return type("RetireObjectiveForm", (base,), fields)


def direct_weights_form_class(objectives):
    fields = {
        f"weight_{o.pk}": forms.DecimalField(
            label=f"{o.code}: {o.title} (%)",
            min_value=0,
            max_value=100,
            decimal_places=2,
            widget=forms.NumberInput(attrs={"class": "govuk-input--width-4", "step": "0.01"}),
            error_messages={"required": f"Enter a weight for {o.code}"},
        )
        for o in objectives
    }
    fields["note"] = forms.CharField(label="Reason for the change", max_length=300, required=False)
    return type("WeightsForm", (forms.Form,), fields)


def ahp_form_class(objectives):
    fields = {}
    for i, a in enumerate(objectives):
        for b in objectives[i + 1 :]:
            fields[f"pair_{a.pk}_{b.pk}"] = forms.CharField(
                label=f"How much more does {a.code} matter than {b.code}?",
                help_text=f"{a.code}: {a.title}. {b.code}: {b.title}. 1 means equal, 9 means {a.code} matters "
                f"extremely more, 1/9 means {b.code} matters extremely more.",
                initial="1",
                widget=forms.TextInput(attrs={"class": "govuk-input--width-4"}),
                error_messages={"required": f"Compare {a.code} with {b.code}"},
            )
    fields["note"] = forms.CharField(label="Reason for the change", max_length=300, required=False)
    return type("AhpForm", (forms.Form,), fields)


class SelectionForm(forms.Form):
    capital_limit = forms.DecimalField(
        label="Capital budget (£)", min_value=0, widget=MONEY, error_messages={"required": "Enter the capital budget"}
    )
    revenue_limit = forms.DecimalField(
        label="Revenue budget a year (£)",
        min_value=0,
        widget=MONEY,
        error_messages={"required": "Enter the revenue budget"},
    )
    forced_in = forms.MultipleChoiceField(label="Always include", required=False, widget=forms.CheckboxSelectMultiple)
    forced_out = forms.MultipleChoiceField(label="Never include", required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["forced_in"].choices = choices
        self.fields["forced_out"].choices = choices

    def clean(self):
        data = super().clean()
        both = set(data.get("forced_in") or ()) & set(data.get("forced_out") or ())
        if both:
            raise forms.ValidationError("A project cannot be both always included and never included.")
        return data


class StatusReportForm(forms.ModelForm):
    class Meta:
        model = StatusReport
        fields = [
            "period_end",
            "rag_overall",
            "rag_time",
            "rag_cost",
            "rag_scope",
            "rag_benefits",
            "delivery_confidence",
            "narrative",
            "budget_to_date",
            "actual_to_date",
        ]
        labels = {
            "rag_overall": "Overall status",
            "rag_time": "Time",
            "rag_cost": "Cost",
            "rag_scope": "Scope",
            "rag_benefits": "Benefits",
            "narrative": "What has happened, in plain English",
        }
        widgets = {
            "period_end": DATE,
            "narrative": forms.Textarea(attrs={"rows": 5}),
            "budget_to_date": MONEY,
            "actual_to_date": MONEY,
        } | dict.fromkeys(
            ("rag_overall", "rag_time", "rag_cost", "rag_scope", "rag_benefits", "delivery_confidence"),
            forms.RadioSelect,
        )
        help_texts = {"delivery_confidence": "The IPA delivery confidence scale (five points)."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("rag_overall", "rag_time", "rag_cost", "rag_scope", "rag_benefits", "delivery_confidence"):
            self.fields[name].choices = [c for c in self.fields[name].choices if c[0]]


class BenefitForm(forms.ModelForm):
    class Meta:
        model = Benefit
        fields = [
            "number",
            "category",
            "benefit_class",
            "description",
            "service_feature",
            "potential_costs",
            "activities_required",
            "responsible_officer",
            "performance_measure",
            "baseline_value",
            "target_improvement",
            "full_year_value",
            "timescale_years",
            "is_disbenefit",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "activities_required": forms.Textarea(attrs={"rows": 3}),
            "category": forms.RadioSelect,
            "benefit_class": forms.RadioSelect,
            "full_year_value": MONEY,
            "timescale_years": forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
        }
        help_texts = {"timescale_years": "How many years the benefit lasts.", "number": "For example, B1."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("category", "benefit_class"):
            self.fields[name].choices = [c for c in self.fields[name].choices if c[0]]


class MeasurementForm(forms.Form):
    measured_on = forms.DateField(
        label="Date measured", widget=DATE, error_messages={"required": "Enter the date measured"}
    )
    value = forms.DecimalField(label="Measured value", error_messages={"required": "Enter the measured value"})
    realised_saving = forms.DecimalField(
        label="Saving realised so far (£)",
        min_value=0,
        widget=MONEY,
        error_messages={"required": "Enter the saving realised so far, or 0"},
    )
    note = forms.CharField(label="Note", max_length=300, required=False)


class MilestoneForm(forms.Form):
    title = forms.CharField(label="Milestone", max_length=200, error_messages={"required": "Enter the milestone"})
    due_on = forms.DateField(label="Due date", widget=DATE, error_messages={"required": "Enter the due date"})


class QuestionForm(forms.Form):
    question = forms.CharField(
        label="Your question",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter your question"},
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label="Answer", widget=forms.Textarea(attrs={"rows": 4}), error_messages={"required": "Enter the answer"}
    )
