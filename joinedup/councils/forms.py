from django import forms

from joinedup.accounts.models import User
from joinedup.councils.models import Council, ServiceArea


class CouncilSettingsForm(forms.ModelForm):
    website_url = forms.URLField(label="Council website address", required=False, assume_scheme="https")

    class Meta:
        model = Council
        fields = [
            "name",
            "short_name",
            "website_url",
            "contact_email",
            "contact_phone",
            "contact_address",
            "header_text",
            "brand_colour",
        ]
        labels = {
            "website_url": "Council website address",
            "contact_email": "Contact email address",
            "contact_phone": "Contact phone number",
            "contact_address": "Postal address",
            "header_text": "Text in the page header",
            "brand_colour": "Brand colour",
        }
        help_texts = {"brand_colour": "Shown as a stripe under the page header. For example, #1d70b8."}
        widgets = {"contact_address": forms.Textarea(attrs={"rows": 3})}


class ServiceAreaForm(forms.ModelForm):
    class Meta:
        model = ServiceArea
        fields = ["name", "slug", "description", "email", "lead_officer"]
        labels = {"slug": "Short name for web addresses", "email": "Team email address"}
        help_texts = {
            "slug": "Lower-case letters, numbers and hyphens only. For example, waste-and-recycling.",
            "lead_officer": "The officer responsible for this service area's work.",
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, lead_officer_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_officer"].queryset = lead_officer_choices or User.objects.none()
        self.fields["lead_officer"].empty_label = "No lead officer yet"
        if self.instance.pk:
            # The slug is part of web addresses and references, so it does not change.
            del self.fields["slug"]
