"""The staff form to issue an Open311 API key."""

from django import forms

from joinedup.service_requests.open311.clients import SCOPE_LABELS

OWNER_COUNCIL = "council"
OWNER_PARTNERSHIP = "partnership"


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label="Name of the system that will use the key",
        max_length=100,
        help_text="It is recorded on every request the system sends, like 'FixMyStreet' or 'Works system'.",
        error_messages={
            "required": "Enter the name of the system that will use the key, like FixMyStreet",
            "max_length": "The name must be 100 characters or fewer",
        },
    )
    scopes = forms.MultipleChoiceField(
        label="What the key may do",
        choices=SCOPE_LABELS,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply. Anyone may read public requests without a key.",
        error_messages={
            "required": "Choose what the key may do",
            "invalid_choice": "Choose one of the options listed for 'What the key may do'",
        },
    )
    owner = forms.ChoiceField(
        label="Which councils the key works for",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose which councils the key works for",
            "invalid_choice": "Choose one of the options listed for 'Which councils the key works for'",
        },
    )
    rate_limit_per_minute = forms.IntegerField(
        label="Most calls a minute",
        initial=120,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-5"}),
        min_value=1,
        max_value=100_000,
        help_text="Calls past this limit are refused for the rest of the minute.",
        error_messages={
            "required": "Enter the most calls a minute, like 120",
            "invalid": "The most calls a minute must be a whole number, like 120",
            "min_value": "The rate limit must be between 1 and 100,000 a minute",
            "max_value": "The rate limit must be between 1 and 100,000 a minute",
        },
    )

    def __init__(self, *args, council, partnership_allowed: bool, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(OWNER_COUNCIL, f"{council.name} only")]
        if partnership_allowed and council.partnership_id:
            choices.append((OWNER_PARTNERSHIP, f"Every council of {council.partnership.name}"))
        self.fields["owner"].choices = choices
        self.fields["owner"].initial = OWNER_COUNCIL
