from django import forms
from django.conf import settings

from joinedup.councils.models import ServiceArea
from joinedup.software.models import (
    Application,
    Contract,
    Entitlement,
    EsdFunction,
    ImportKind,
    LgslService,
    SupplierCommitment,
)


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


def import_size_limit() -> int:
    """The largest file the import page takes, in bytes (SOFTWARE_IMPORT_MAX_MB)."""
    return settings.SOFTWARE_IMPORT_MAX_MB * 1024 * 1024


def import_size_limit_text() -> str:
    megabytes = settings.SOFTWARE_IMPORT_MAX_MB
    if megabytes >= 1024 and megabytes % 1024 == 0:
        return f"{megabytes // 1024} GB"
    return f"{megabytes:,} MB"


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

    product = forms.ModelChoiceField(
        label="Which product does a Microsoft 365 Apps report count the use of?",
        help_text="Only for the Microsoft 365 Apps user detail report: for example, Microsoft 365 Apps for enterprise.",
        queryset=None,
        required=False,
        error_messages={"invalid_choice": "Choose a product from the list"},
    )

    def __init__(self, *args, products, too_large=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products
        self.fields["file"].help_text = (
            f"A CSV file exported from the Microsoft 365 admin centre, Entra or another system. "
            f"It can be up to {import_size_limit_text()}."
        )
        # The upload was stopped part way because the file is over the limit (see the view).
        self.too_large = too_large

    def too_large_message(self):
        return f"The selected file must be {import_size_limit_text()} or smaller"

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if self.too_large or (upload is not None and upload.size > import_size_limit()):
            raise forms.ValidationError(self.too_large_message())
        return upload

    def full_clean(self):
        super().full_clean()
        # A file stopped part way never reaches the form, so "Choose a CSV file" would be wrong.
        if self.too_large and self.is_bound:
            self._errors["file"] = self.error_class([self.too_large_message()])
            self.cleaned_data.pop("file", None)

    def clean(self):
        data = super().clean()
        if data.get("kind") == ImportKind.M365_APPS and not data.get("product"):
            self.add_error("product", "Choose which product the Microsoft 365 Apps report counts")
        return data

    def options(self) -> dict | None:
        if self.cleaned_data["kind"] == ImportKind.M365_APPS:
            return {"product": self.cleaned_data["product"].pk}
        return None


class ImportMappingForm(forms.Form):
    """Which column of a generic usage file is which."""

    person = forms.ChoiceField(
        label="Which column names the person?",
        help_text="Their user name or email address, as in the licence assignments.",
        error_messages={"required": "Choose the column that names the person"},
    )
    day = forms.ChoiceField(
        label="Which column has the date they used it?",
        error_messages={"required": "Choose the column with the date"},
    )
    date_format = forms.ChoiceField(
        label="How are the dates written?",
        help_text="Dates like 03/12/2026 mean 3 December in the UK and 12 March in the United States, so say which.",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the dates are written"},
    )
    product_column = forms.ChoiceField(
        label="Which column names the product?",
        required=False,
        help_text="Names must be in the product dictionary, by name or another name (alias).",
    )
    product = forms.ModelChoiceField(
        label="Or, if the whole file is about one product, which product?",
        queryset=None,
        required=False,
        error_messages={"invalid_choice": "Choose a product from the list"},
    )
    events = forms.ChoiceField(
        label="Which column counts the times they used it that day? (optional)",
        required=False,
        help_text="Leave this if each row is one use.",
    )

    def __init__(self, *args, headers, products, **kwargs):
        from joinedup.software.imports.readers import DATE_FORMATS

        super().__init__(*args, **kwargs)
        columns = [(name, name) for name in headers]
        self.fields["person"].choices = [("", "Choose a column"), *columns]
        self.fields["day"].choices = [("", "Choose a column"), *columns]
        self.fields["product_column"].choices = [("", "No column: the whole file is one product"), *columns]
        self.fields["events"].choices = [("", "No column: each row is one use"), *columns]
        self.fields["date_format"].choices = list(DATE_FORMATS.items())
        self.fields["product"].queryset = products

    def clean(self):
        data = super().clean()
        if not data.get("product_column") and not data.get("product"):
            self.add_error("product_column", "Choose the column that names the product, or one product for the file")
        if data.get("product_column") and data.get("product"):
            self.add_error("product", "Choose a product column or one product for the file, not both")
        chosen = [data.get(name) for name in ("person", "day", "product_column", "events") if data.get(name)]
        if len(chosen) != len(set(chosen)):
            self.add_error(None, "Choose a different column for each thing")
        return data

    def mapping(self) -> dict:
        data = self.cleaned_data
        return {
            "person": data["person"],
            "day": data["day"],
            "date_format": data["date_format"],
            "product_column": data["product_column"],
            "product": data["product"].pk if data["product"] else None,
            "events": data["events"],
        }


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


YES_NO = [("yes", "Yes"), ("no", "No")]


class ReclaimStartForm(forms.Form):
    product = forms.ModelChoiceField(
        label="Which product?",
        queryset=None,
        help_text="Everyone with it assigned who has not used it within its activity threshold is asked about.",
        error_messages={"required": "Choose the product", "invalid_choice": "Choose a product from the list"},
    )

    def __init__(self, *args, products, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products


class ReclaimDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Keep or reclaim this licence?",
        choices=[("kept", "Keep it"), ("reclaimed", "Reclaim it (the assignment is removed)")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to keep or reclaim the licence"},
    )
    reason = forms.CharField(
        label="Why is it still needed?",
        help_text="Needed if you keep it.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "kept" and not data.get("reason", "").strip():
            self.add_error("reason", "Say why the licence is still needed")
        return data


class CampaignForm(forms.Form):
    year = forms.IntegerField(
        label="Year",
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-4"}),
        error_messages={"required": "Enter the year", "invalid": "Enter the year as a number, like 2026"},
    )
    due_date = forms.DateField(
        label="Owners answer by",
        help_text="For example, 2026-12-31.",
        widget=forms.DateInput(attrs={"type": "date", "class": "govuk-input--width-10"}),
        error_messages={"required": "Enter the date to answer by", "invalid": "Enter a real date, like 2026-12-31"},
    )


class AttestationForm(forms.Form):
    still_needed = forms.ChoiceField(
        label="Is this system still needed?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the system is still needed"},
    )
    owner_correct = forms.ChoiceField(
        label="Is its business owner recorded correctly?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the owner is right"},
    )
    users_correct = forms.ChoiceField(
        label="Is its number of users about right?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the number of users is right"},
    )
    comment = forms.CharField(
        label="What needs to change?",
        help_text="Needed if you answer no to any question.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    def clean(self):
        data = super().clean()
        answers = [data.get(name) for name in ("still_needed", "owner_correct", "users_correct")]
        if "no" in answers and not data.get("comment", "").strip():
            self.add_error("comment", "Say what needs to change")
        return data


class CommitmentForm(forms.ModelForm):
    class Meta:
        model = SupplierCommitment
        fields = ["description", "due_date", "status"]
        labels = {"description": "What did the supplier commit to?", "status": "Delivery status"}
        help_texts = {"due_date": "For example, 2027-03-31. Leave empty if there is no date."}
        widgets = {
            "due_date": forms.DateInput(attrs={"type": "date", "class": "govuk-input--width-10"}),
            "status": forms.RadioSelect,
        }
        error_messages = {
            "description": {"required": "Enter what the supplier committed to"},
            "due_date": {"invalid": "Enter a real date, like 2027-03-31"},
        }
