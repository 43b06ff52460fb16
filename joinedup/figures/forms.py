from django import forms

from joinedup.figures.models import ChannelCost
from joinedup.service_requests.models import Channel

DATE = forms.DateInput(attrs={"type": "date", "class": "govuk-input--width-10"})
MONEY = forms.NumberInput(attrs={"class": "govuk-input--width-10", "step": "0.01", "min": "0"})


class ChannelCostForm(forms.Form):
    channel = forms.ChoiceField(
        label="Channel", choices=Channel.choices, error_messages={"required": "Choose a channel"}
    )
    period_start = forms.DateField(
        label="First day of the period",
        widget=DATE,
        error_messages={"required": "Enter the first day", "invalid": "Enter the first day as a real date"},
    )
    period_end = forms.DateField(
        label="Last day of the period",
        widget=DATE,
        error_messages={"required": "Enter the last day", "invalid": "Enter the last day as a real date"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in ChannelCost.COMPONENTS:
            self.fields[name] = forms.DecimalField(
                label=f"{label} (£)",
                required=False,
                min_value=0,
                max_digits=12,
                decimal_places=2,
                widget=MONEY,
                error_messages={
                    "invalid": "Enter an amount in pounds, like 1250.00",
                    "min_value": "Enter a cost of £0 or more",
                    "max_decimal_places": "Enter pounds and pence, with no more than 2 decimal places",
                    "max_digits": "Enter an amount under £10,000,000,000",
                },
            )
