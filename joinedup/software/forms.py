from django import forms

from joinedup.councils.models import ServiceArea
from joinedup.software.models import Application, Contract, Entitlement, EsdFunction, ImportKind, LgslService


class ApplicationForm(forms.ModelForm):
    class Meta:
        model = Application
        fields = [
            "product",
            "name",
            "version",
            "business_owner",
            "service_area",
            "technical_custodian",
            "hosting",
            "users_count",
            "support_status",
            "end_of_support",
            "data_sensitivity",
            "disposition",
            "business_value",
            "technical_risk",
            "notes",
        ]
        labels = {
            "product": "Product",
            "name": "Name",
            "users_count": "Number of users",
            "end_of_support": "End of support date",
            "disposition": "TIME disposition",
        }
        help_texts = {
            "product": "From the partnership's product dictionary.",
            "end_of_support": "For example, 2027-03-31.",
            "disposition": "Tolerate, invest, migrate or eliminate.",
            "technical_custodian": "The person or team who looks after it technically.",
        }
        widgets = {
            "hosting": forms.RadioSelect,
            "end_of_support": forms.DateInput(attrs={"type": "date", "class": "govuk-input--width-10"}),
            "users_count": forms.NumberInput(attrs={"class": "govuk-input--width-5"}),
            "business_value": forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
            "technical_risk": forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }
        error_messages = {
            "product": {"required": "Choose the product"},
            "name": {"required": "Enter the application's name"},
        }

    def __init__(self, *args, council, products, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products
        self.fields["service_area"].queryset = ServiceArea.objects.filter(council=council)
        self.fields["service_area"].required = False
        self.fields["name"].required = True


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label="What kind of file is it?",
        choices=ImportKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what kind of file it is"},
    )
    file = forms.FileField(
        label="Upload a file",
        help_text="A CSV file exported from the Microsoft 365 admin centre.",
        error_messages={"required": "Choose a CSV file to upload", "empty": "The file is empty."},
    )

    MAX_BYTES = 50 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError("The file must be smaller than 50 MB.")
        return upload


DATE_WIDGET = forms.DateInput(attrs={"type": "date", "class": "govuk-input--width-10"})


class ContractForm(forms.ModelForm):
    class Meta:
        model = Contract
        fields = [
            "reference",
            "title",
            "supplier",
            "start_date",
            "end_date",
            "notice_months",
            "renewal",
            "extension_options",
            "annual_value",
            "cost_centre",
            "procurement_route",
            "applications",
        ]
        labels = {"annual_value": "Yearly value (£)", "applications": "Applications the contract covers"}
        help_texts = {
            "start_date": "For example, 2025-04-01.",
            "end_date": "The end of the current term, before any extension. For example, 2028-03-31.",
        }
        widgets = {
            "start_date": DATE_WIDGET,
            "end_date": DATE_WIDGET,
            "renewal": forms.RadioSelect,
            "notice_months": forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
            "annual_value": forms.NumberInput(attrs={"class": "govuk-input--width-10"}),
            "applications": forms.CheckboxSelectMultiple,
        }
        error_messages = {
            "reference": {"required": "Enter the contract reference"},
            "title": {"required": "Enter what the contract is for"},
            "supplier": {"required": "Enter the supplier"},
            "start_date": {"required": "Enter the start date", "invalid": "Enter the start date as YYYY-MM-DD"},
            "end_date": {"required": "Enter the end date", "invalid": "Enter the end date as YYYY-MM-DD"},
        }

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applications"].queryset = Application.objects.filter(council=council).order_by("name")
        self.fields["applications"].required = False

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The end date must be on or after the start date.")
        return cleaned


class EntitlementForm(forms.ModelForm):
    class Meta:
        model = Entitlement
        fields = ["product", "contract", "metric", "quantity", "unit_price", "billing_period", "start_date", "end_date"]
        labels = {"metric": "Licence metric", "unit_price": "Price per licence (£)", "quantity": "How many"}
        help_texts = {
            "start_date": "Leave blank if it has always applied.",
            "end_date": "Leave blank if it has no end.",
        }
        widgets = {
            "metric": forms.RadioSelect,
            "billing_period": forms.RadioSelect,
            "quantity": forms.NumberInput(attrs={"class": "govuk-input--width-5"}),
            "unit_price": forms.NumberInput(attrs={"class": "govuk-input--width-10"}),
            "start_date": DATE_WIDGET,
            "end_date": DATE_WIDGET,
        }
        error_messages = {
            "product": {"required": "Choose the product"},
            "quantity": {"required": "Enter how many licences the council owns"},
        }

    def __init__(self, *args, council, products, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products
        self.fields["contract"].queryset = Contract.objects.filter(council=council)
        self.fields["contract"].required = False


class ProductForm(forms.Form):
    publisher = forms.CharField(
        label="Publisher",
        max_length=200,
        help_text="The company that makes it, like Idox or Microsoft.",
        error_messages={"required": "Enter the publisher"},
    )
    name = forms.CharField(label="Product name", max_length=200, error_messages={"required": "Enter the product name"})
    aliases = forms.CharField(
        label="Other names (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One a line: names in exports and SKU part numbers, like ENTERPRISEPACK.",
    )
    functions = forms.ModelMultipleChoiceField(
        label="Council functions it supports",
        queryset=EsdFunction.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    services = forms.ModelMultipleChoiceField(
        label="LGSL services it supports",
        queryset=LgslService.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    activity_days = forms.IntegerField(
        label="Activity threshold in days",
        min_value=1,
        max_value=730,
        initial=90,
        help_text="Someone who has not used it for longer than this is not using it.",
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-4"}),
        error_messages={"required": "Enter the activity threshold in days"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["functions"].queryset = EsdFunction.objects.filter(parent__isnull=True).order_by("label")
        self.fields["services"].queryset = LgslService.objects.order_by("label")

    def clean_aliases(self):
        return [line.strip() for line in self.cleaned_data["aliases"].splitlines() if line.strip()]


class AliasForm(forms.Form):
    name = forms.CharField(
        label="Other name",
        max_length=200,
        help_text="As it appears in an export, like MS Office 365 E3.",
        error_messages={"required": "Enter the other name"},
    )
