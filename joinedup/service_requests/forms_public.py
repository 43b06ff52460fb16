"""Forms of the resident pages: each checks one step, with messages that name the field and the fix."""

import datetime

from django import forms
from django.core.exceptions import ValidationError

from joinedup.service_requests.models import ContactPreference, Feedback, QuestionKind
from joinedup.service_requests.photos import MAX_PHOTOS
from joinedup.service_requests.services import WEB_DESCRIPTION_LIMIT
from joinedup.service_requests.validation import (
    clean_answer,
    normalise_email,
    normalise_postcode,
    normalise_uk_mobile,
)

FEEDBACK_COMMENT_LIMIT = 1200
UPDATE_LIMIT = WEB_DESCRIPTION_LIMIT
EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.com"


def _email(value: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    try:
        return normalise_email(value)
    except ValidationError:
        raise ValidationError(EMAIL_FORMAT) from None


def _mobile(value: str) -> str:
    value = (value or "").strip()
    return normalise_uk_mobile(value) if value else ""


class CategoryForm(forms.Form):
    category = forms.ChoiceField(
        label="What is the problem?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of problem", "invalid_choice": "Select the kind of problem"},
    )

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [(c.slug, c.name) for c in categories]


class QuestionForm(forms.Form):
    """One of a category's extra questions. The answer is checked by the same rules as the services use."""

    def __init__(self, *args, question, **kwargs):
        super().__init__(*args, **kwargs)
        self.question = question
        kind = question.kind
        label = question.prompt if question.required else f"{question.prompt} (optional)"
        hint = question.hint
        if kind == QuestionKind.DATE:
            for part, label in (("day", "Day"), ("month", "Month"), ("year", "Year")):
                self.fields[part] = forms.CharField(label=label, required=False, max_length=4)
        elif kind == QuestionKind.SINGLE_CHOICE:
            self.fields["answer"] = forms.ChoiceField(
                label=label,
                help_text=hint,
                required=False,
                widget=forms.RadioSelect,
                choices=[(c["value"], c["label"]) for c in question.choices],
            )
        elif kind == QuestionKind.MULTIPLE_CHOICE:
            self.fields["answer"] = forms.MultipleChoiceField(
                label=label,
                help_text=hint or "Select all that apply.",
                required=False,
                widget=forms.CheckboxSelectMultiple,
                choices=[(c["value"], c["label"]) for c in question.choices],
            )
        else:
            self.fields["answer"] = forms.CharField(label=label, help_text=hint, required=False)
        # Choice fields report unknown values in the service's words, not Django's.
        if "answer" in self.fields and hasattr(self.fields["answer"], "choices"):
            self.fields["answer"].error_messages["invalid_choice"] = (
                f"Select one of the answers listed for '{question.prompt}'"
            )

    @property
    def error_field(self) -> str:
        return "day" if self.question.kind == QuestionKind.DATE else "answer"

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        question = self.question
        if question.kind == QuestionKind.DATE:
            parts = [str(data.get(p) or "").strip() for p in ("day", "month", "year")]
            if not any(parts):
                raw = ""
            elif not all(parts) or not all(p.isdigit() for p in parts):
                self.add_error("day", f"'{question.prompt}' must be a real date, like 27 3 2026")
                return data
            else:
                day, month, year = (int(p) for p in parts)
                try:
                    raw = datetime.date(year, month, day).isoformat()
                except ValueError:
                    self.add_error("day", f"'{question.prompt}' must be a real date, like 27 3 2026")
                    return data
                if year < 1900:
                    self.add_error("day", f"'{question.prompt}' must be a real date, like 27 3 2026")
                    return data
        else:
            raw = data.get("answer")
        try:
            data["value"] = clean_answer(question, raw)
        except ValidationError as error:
            self.add_error(self.error_field, error)
        return data

    @staticmethod
    def initial_for(question, value) -> dict:
        if value in (None, ""):
            return {}
        if question.kind == QuestionKind.DATE:
            try:
                date = datetime.date.fromisoformat(value)
            except (TypeError, ValueError):
                return {}
            return {"day": date.day, "month": date.month, "year": date.year}
        return {"answer": value}


class LocationForm(forms.Form):
    location_text = forms.CharField(
        label="Where is the problem?",
        help_text="Give the street name and a nearby landmark or house number, like 'outside 12 High Street, "
        "by the post box'",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    postcode = forms.CharField(
        label="Postcode (optional)", required=False, widget=forms.TextInput(attrs={"autocomplete": "postal-code"})
    )
    latitude = forms.FloatField(required=False, widget=forms.HiddenInput)
    longitude = forms.FloatField(required=False, widget=forms.HiddenInput)

    def clean_location_text(self):
        text = self.cleaned_data["location_text"].strip()
        if len(text) > 300:
            raise ValidationError("Where the problem is must be 300 characters or fewer")
        return text

    def clean_postcode(self):
        return normalise_postcode(self.cleaned_data["postcode"])

    def clean(self):
        data = super().clean()
        lat, lon = data.get("latitude"), data.get("longitude")
        has_point = lat is not None and lon is not None
        if has_point and not (-90 <= lat <= 90 and -180 <= lon <= 180):
            has_point = False
        if not has_point:
            data["latitude"] = data["longitude"] = None
            if not data.get("location_text") and "location_text" not in self.errors:
                self.add_error("location_text", "Enter where the problem is, like a street name and a nearby landmark")
        return data


class DescriptionForm(forms.Form):
    description = forms.CharField(
        label="Describe the problem",
        help_text="Say what you can see and how big it is. Do not include personal details, like names.",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Describe the problem"},
    )

    def clean_description(self):
        text = self.cleaned_data["description"].strip()
        if not text:
            raise ValidationError("Describe the problem")
        if len(text) > WEB_DESCRIPTION_LIMIT:
            raise ValidationError(f"The description must be {WEB_DESCRIPTION_LIMIT:,} characters or fewer")
        return text


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,.heic,.heif"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class PhotosForm(forms.Form):
    photos = MultipleFileField(
        label="Upload a photo",
        required=False,
        help_text=f"You can add up to {MAX_PHOTOS} photos. JPG, PNG, WebP or HEIC, each smaller than 10 MB.",
    )


class ContactForm(forms.Form):
    """The reporter's details, checked as `request_create` will check them."""

    anonymous = forms.BooleanField(
        label="Report this without giving my details",
        required=False,
        help_text="If you do, we cannot tell you what happens or ask you about the problem.",
    )
    reporter_name = forms.CharField(
        label="Full name",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
    )
    reporter_email = forms.CharField(
        label="Email address",
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    reporter_phone = forms.CharField(
        label="UK mobile number",
        required=False,
        help_text="For updates by text message, like 07700 900 982",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    contact_preference = forms.ChoiceField(
        label="How should we keep you informed?",
        choices=ContactPreference.choices,
        widget=forms.RadioSelect,
        initial=ContactPreference.EMAIL,
        error_messages={"required": "Select how we should keep you informed"},
    )
    involve_councillor = forms.BooleanField(
        label="Ask my local councillor to be involved",
        required=False,
        help_text="Your ward councillor can see this report and follow what happens.",
    )

    def __init__(self, *args, category, **kwargs):
        super().__init__(*args, **kwargs)
        self.category = category
        if not category.allow_anonymous:
            del self.fields["anonymous"]

    def clean_reporter_email(self):
        return _email(self.cleaned_data["reporter_email"])

    def clean_reporter_phone(self):
        return _mobile(self.cleaned_data["reporter_phone"])

    def clean(self):
        data = super().clean()
        if self.data.get("anonymous") and "anonymous" not in self.fields:
            self.add_error(None, "You need to give your name and a way to contact you for this kind of problem")
        if data.get("anonymous"):
            # None of the details is kept for an anonymous report, so none of them can be wrong.
            for name in ("reporter_name", "reporter_email", "reporter_phone", "contact_preference"):
                self.errors.pop(name, None)
            data.update(
                reporter_name="", reporter_email="", reporter_phone="", contact_preference=ContactPreference.NONE
            )
            return data
        name = (data.get("reporter_name") or "").strip()
        data["reporter_name"] = name
        email, phone = data.get("reporter_email"), data.get("reporter_phone")
        if not name:
            self.add_error("reporter_name", "Enter your full name")
        if not email and not phone and not self.has_error("reporter_email") and not self.has_error("reporter_phone"):
            self.add_error(
                "reporter_email", "Enter an email address or a UK mobile number, so we can tell you what happens"
            )
        preference = data.get("contact_preference")
        if (
            preference in (ContactPreference.EMAIL, ContactPreference.BOTH)
            and not email
            and not self.has_error("reporter_email")
        ):
            self.add_error("contact_preference", "To get updates by email, enter your email address")
        elif (
            preference in (ContactPreference.SMS, ContactPreference.BOTH)
            and not phone
            and not self.has_error("reporter_phone")
        ):
            self.add_error("contact_preference", "To get updates by text message, enter your mobile number")
        return data


class CheckForm(forms.Form):
    # A honeypot: hidden from people, so only a robot fills it in.
    website = forms.CharField(required=False)


class _ContactEitherMixin:
    """An 'email or mobile number' field that must match the person's details."""

    def clean_contact(self):
        value = (self.cleaned_data.get("contact") or "").strip()
        if not value:
            raise ValidationError("Enter the email address or mobile number you gave when you reported it")
        if "@" in value:
            return {"email": _email(value), "phone": ""}
        try:
            return {"email": "", "phone": normalise_uk_mobile(value)}
        except ValidationError:
            raise ValidationError(
                "Enter an email address, like name@example.com, or a UK mobile number, like 07700 900 982"
            ) from None


CONTACT_LABEL = "Email address or mobile number"
CONTACT_HINT = "The one you gave when you reported the problem"


class FindForm(_ContactEitherMixin, forms.Form):
    reference = forms.CharField(
        label="Reference number",
        help_text="For example, BBC-000123",
        max_length=30,
        error_messages={"required": "Enter the reference number"},
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    contact = forms.CharField(
        label=CONTACT_LABEL,
        help_text=CONTACT_HINT,
        required=False,
        max_length=254,
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "email"}),
    )


class SupportForm(forms.Form):
    email = forms.CharField(
        label="Email address",
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label="UK mobile number",
        required=False,
        help_text="For updates by text message",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )

    def clean_email(self):
        return _email(self.cleaned_data["email"])

    def clean_phone(self):
        return _mobile(self.cleaned_data["phone"])

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("email") and not data.get("phone"):
            self.add_error("email", "Enter an email address or a UK mobile number, so we can tell you what happens")
        return data

    def preference(self) -> str:
        email, phone = self.cleaned_data.get("email"), self.cleaned_data.get("phone")
        if email and phone:
            return ContactPreference.BOTH
        return ContactPreference.EMAIL if email else ContactPreference.SMS


class ResidentUpdateForm(_ContactEitherMixin, forms.Form):
    text = forms.CharField(
        label="Your update",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text="Tell us what has changed, like 'more rubbish has been dumped'.",
    )
    photos = MultipleFileField(
        label="Add a photo (optional)", required=False, help_text="JPG, PNG, WebP or HEIC, smaller than 10 MB."
    )
    contact = forms.CharField(
        label=CONTACT_LABEL,
        help_text=CONTACT_HINT,
        required=False,
        max_length=254,
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "email"}),
    )

    def __init__(self, *args, needs_contact: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not needs_contact:
            del self.fields["contact"]

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise ValidationError("Enter your update")
        if len(text) > UPDATE_LIMIT:
            raise ValidationError(f"Your update must be {UPDATE_LIMIT:,} characters or fewer")
        return text

    def clean_photos(self):
        photos = self.cleaned_data["photos"]
        if len(photos) > 1:
            raise ValidationError("Select one photo")
        return photos


class DisputeForm(_ContactEitherMixin, forms.Form):
    reason = forms.CharField(
        label="Why is the problem not sorted?", widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    contact = forms.CharField(
        label=CONTACT_LABEL,
        help_text=CONTACT_HINT,
        required=False,
        max_length=254,
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "email"}),
    )

    def __init__(self, *args, needs_contact: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not needs_contact:
            del self.fields["contact"]

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError("Tell us why the problem is not sorted")
        if len(reason) > UPDATE_LIMIT:
            raise ValidationError(f"Your reason must be {UPDATE_LIMIT:,} characters or fewer")
        return reason


# GOV.UK's satisfaction question, most satisfied first.
RATING_CHOICES = sorted(Feedback.Rating.choices, key=lambda choice: -choice[0])


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="Overall, how did you feel about the service you received today?",
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select how you feel about the service you received",
            "invalid_choice": "Select how you feel about the service you received",
        },
    )
    comment = forms.CharField(
        label="How could we improve this service? (optional)",
        required=False,
        help_text="Do not include personal or financial information, like your National Insurance number or "
        "credit card details.",
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def clean_comment(self):
        comment = self.cleaned_data["comment"].strip()
        if len(comment) > FEEDBACK_COMMENT_LIMIT:
            raise ValidationError(f"Your comments must be {FEEDBACK_COMMENT_LIMIT:,} characters or fewer")
        return comment
