from django import forms

from joinedup.councillors.models import DigestChoice
from joinedup.councillors.selectors import PERIODS


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Upload the list of councillors",
        help_text="A CSV file with the columns name, email, ward_code, party, term_start and term_end.",
        error_messages={"required": "Choose the CSV file to upload"},
    )


class ConfirmImportForm(forms.Form):
    """The second step of an import when some current councillors are not in the file."""

    checked_file = forms.CharField(widget=forms.HiddenInput)
    end_terms = forms.ChoiceField(
        label="Does this file list every current councillor?",
        widget=forms.RadioSelect,
        initial="no",
        error_messages={"required": "Choose whether to end the terms of the councillors not in the file"},
    )

    def __init__(self, *args, missing_count: int, **kwargs):
        super().__init__(*args, **kwargs)
        s = "" if missing_count == 1 else "s"
        self.fields["end_terms"].choices = [
            ("no", f"No: leave the {missing_count} councillor{s} not in the file as they are"),
            (
                "yes",
                f"Yes: this file lists every current councillor. End the term{s} of the {missing_count} "
                f"councillor{s} not in it today and remove their councillor access",
            ),
        ]


class SettingsForm(forms.Form):
    enquiry_target_days = forms.IntegerField(
        label="Working days to answer a member enquiry",
        min_value=1,
        max_value=60,
        help_text="Monday to Friday, not counting bank holidays.",
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
        error_messages={
            "required": "Enter the number of working days",
            "invalid": "Enter a whole number of working days, like 10",
            "min_value": "Enter at least 1 working day",
            "max_value": "Enter 60 working days or fewer",
        },
    )


class DashboardFilterForm(forms.Form):
    category = forms.TypedChoiceField(label="Category", required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("open", "Open"), ("overdue", "Overdue"), ("closed", "Recently closed"), ("", "All")],
    )
    period = forms.TypedChoiceField(
        label="Period", required=False, coerce=int, choices=list(PERIODS.items()), empty_value=30
    )

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "All categories")] + [(c.pk, c.name) for c in categories]


class EscalateForm(forms.Form):
    reason = forms.CharField(
        label="Why are you escalating it?",
        help_text="The service area's lead officer gets this. Do not include the resident's personal details.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": "Enter why you are escalating this request"},
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label="Your answer to the councillor",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        error_messages={"required": "Enter your answer to the councillor"},
    )


class DigestForm(forms.Form):
    digest = forms.ChoiceField(
        label="How do you want to hear about updates?",
        choices=DigestChoice.choices,
        widget=forms.RadioSelect,
        help_text="The weekly digest comes on Monday morning, with everything in your wards from the week before.",
        error_messages={"required": "Choose how you want to hear about updates"},
    )


class EnquiryForm(forms.Form):
    service_area = forms.ModelChoiceField(
        label="Which service area is it for?",
        queryset=None,
        empty_label="Choose a service area",
        error_messages={"required": "Choose the service area the enquiry is for"},
    )
    ward = forms.ModelChoiceField(label="Ward (optional)", queryset=None, required=False, empty_label="No ward")
    subject = forms.CharField(
        label="What is it about?",
        max_length=200,
        error_messages={"required": "Enter what the enquiry is about"},
    )
    body = forms.CharField(
        label="The enquiry",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=4000,
        error_messages={"required": "Enter the enquiry"},
    )
    resident_name = forms.CharField(
        label="Resident's name", max_length=200, error_messages={"required": "Enter the name of the resident it is for"}
    )
    resident_email = forms.EmailField(
        label="Resident's email address (optional)",
        required=False,
        help_text="If they have an account with this address, they can read the enquiry and its answers.",
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
    )
    resident_phone = forms.CharField(label="Resident's phone number (optional)", max_length=30, required=False)
    resident_address = forms.CharField(
        label="Resident's address (optional)", widget=forms.Textarea(attrs={"rows": 3}), max_length=500, required=False
    )

    def __init__(self, *args, service_areas, wards, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_area"].queryset = service_areas
        self.fields["ward"].queryset = wards


class ReplyForm(forms.Form):
    body = forms.CharField(
        label="Your reply",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
        error_messages={"required": "Enter your reply"},
    )
