"""Forms for the staff back office. They collect input; the services decide whether it is valid."""

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.text import slugify

from joinedup.service_requests.models import (
    Category,
    Channel,
    ContactPreference,
    Priority,
    QuestionKind,
    ResponseTemplate,
    Status,
)
from joinedup.service_requests.services import ALLOWED_TRANSITIONS
from joinedup.service_requests.services_categories import PLACEHOLDERS, placeholder_error

PLACEHOLDER_HINT = "You can use " + ", ".join(f"{{{name}}}" for name in PLACEHOLDERS) + "."
SORT_LABELS = {
    "expected_by": "Expected by date, soonest first",
    "newest": "Newest first",
    "oldest": "Oldest first",
    "priority": "Priority, most urgent first",
    "reference": "Reference",
}
STAFF_CHANNELS = [(c.value, c.label) for c in (Channel.PHONE, Channel.FACE_TO_FACE, Channel.EMAIL)]


class PlainChoiceErrors:
    """Say 'Choose one of the options for ...' rather than Django's 'Select a valid choice. X is not ...'."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
                label = str(field.label or "this").rstrip("?").removesuffix(" (optional)")
                field.error_messages["invalid_choice"] = f"Choose one of the options listed for '{label}'"
                field.error_messages["invalid_pk_value"] = f"Choose one of the options listed for '{label}'"


def _textarea(rows=3):
    return forms.Textarea(attrs={"rows": rows})


# The queue


class Select(forms.Select):
    """
    A select that writes its options in Python, not with a template for each one.

    The queue's filters have long lists (categories, wards, officers) and it is the back office's
    busiest page. The markup is the same as Django's select.html; the class keeps the name "Select"
    because the GOV.UK field template chooses its classes by the widget's class name.
    """

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)["widget"]
        groups = []
        for group_name, group_choices, _index in context["optgroups"]:
            options = format_html_join(
                "",
                '\n  <option value="{}"{}>{}</option>\n',
                ((option["value"], _attrs(option["attrs"]), option["label"]) for option in group_choices),
            )
            if group_name:
                groups.append(format_html('\n  <optgroup label="{}">{}\n  </optgroup>', group_name, options))
            else:
                groups.append(options)
        return format_html(
            '<select name="{}"{}>{}\n</select>',
            context["name"],
            _attrs(context["attrs"]),
            format_html_join("", "{}", ((group,) for group in groups)),
        )


def _attrs(attrs):
    """HTML attributes as django/forms/widgets/attrs.html writes them."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", k) if v is True else format_html(' {}="{}"', k, v),)
            for k, v in attrs.items()
            if v is not False
        ),
    )


class QueueFilterForm(PlainChoiceErrors, forms.Form):
    """The queue's filters and sort order, from the query string."""

    status = forms.ChoiceField(
        label="Status",
        widget=Select,
        required=False,
        choices=[("", "Any status"), ("open", "Open (any open status)"), ("closed", "Closed (any closed status)")]
        + list(Status.choices),
    )
    category = forms.TypedChoiceField(label="Category", widget=Select, required=False, coerce=int, empty_value=None)
    service_area = forms.TypedChoiceField(
        label="Service area", widget=Select, required=False, coerce=int, empty_value=None
    )
    ward = forms.TypedChoiceField(label="Ward", widget=Select, required=False, coerce=int, empty_value=None)
    priority = forms.ChoiceField(
        label="Priority", widget=Select, required=False, choices=[("", "Any priority"), *Priority.choices]
    )
    channel = forms.ChoiceField(
        label="How it was reported", widget=Select, required=False, choices=[("", "Any way"), *Channel.choices]
    )
    assigned = forms.ChoiceField(label="Assigned to", required=False, widget=Select)
    sort = forms.ChoiceField(label="Sort by", widget=Select, required=False, choices=list(SORT_LABELS.items()))
    overdue = forms.BooleanField(label="Only show overdue requests", required=False)

    def __init__(self, *args, categories=(), service_areas=(), wards=(), officers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "Any category")] + [
            (c.pk, c.name if c.is_active else f"{c.name} (no longer used)") for c in categories
        ]
        self.fields["service_area"].choices = [("", "Any service area")] + [(a.pk, a.name) for a in service_areas]
        self.fields["ward"].choices = [("", "Any ward")] + [(w.pk, w.name) for w in wards]
        self.fields["assigned"].choices = [("", "Anyone or nobody"), ("me", "Me"), ("nobody", "Nobody")] + [
            (str(o.pk), str(o)) for o in officers
        ]

    def filters(self, user):
        """Return the QueueFilters for the valid values; anything not valid is ignored."""
        from joinedup.service_requests.selectors import QueueFilters

        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        assigned = data.get("assigned") or ""
        assigned_to = {"": None, "me": user.pk, "nobody": 0}.get(assigned)
        if assigned_to is None and assigned.isdigit():
            assigned_to = int(assigned)
        return QueueFilters(
            status=data.get("status") or "",
            category=data.get("category"),
            service_area=data.get("service_area"),
            ward=data.get("ward"),
            priority=data.get("priority") or "",
            overdue=bool(data.get("overdue")),
            channel=data.get("channel") or "",
            assigned_to=assigned_to,
            sort=data.get("sort") or "expected_by",
        )


class AnyValuesField(forms.MultipleChoiceField):
    """A list of values the view checks itself (request references, say)."""

    widget = forms.CheckboxSelectMultiple

    def valid_value(self, value):
        return True


class BulkStatusForm(PlainChoiceErrors, forms.Form):
    references = AnyValuesField(
        label="Requests", error_messages={"required": "Select the requests to change, using the boxes in the table"}
    )
    status = forms.ChoiceField(
        label="New status",
        choices=[("", "Choose a status"), *Status.choices],
        error_messages={"required": "Choose the new status"},
    )
    public_message = forms.CharField(
        label="Message to the residents",
        required=False,
        widget=_textarea(),
        help_text="Sent to everyone following each request. " + PLACEHOLDER_HINT,
    )
    internal_note = forms.CharField(
        label="Internal note (optional)", required=False, widget=_textarea(2), help_text="Only staff see this."
    )
    referred_to = forms.CharField(
        label="Passed to (for 'Not ours')",
        required=False,
        max_length=200,
        help_text="The organisation the requests have been passed to.",
    )
    duplicate_of = forms.CharField(
        label="Duplicate of (for 'Duplicate')",
        required=False,
        max_length=30,
        help_text="The reference of the request they duplicate, like BBC-000123.",
    )


# Request detail actions. Each has a prefix so the ids on the detail page are unique.


class StatusChangeForm(PlainChoiceErrors, forms.Form):
    prefix = "status"

    template = forms.TypedChoiceField(
        label="Response template",
        required=False,
        coerce=int,
        empty_value=None,
        help_text="Standard wording for this category. Choose one, then select "
        "'Use this template' to copy it into the message.",
    )
    status = forms.ChoiceField(label="New status", error_messages={"required": "Choose the new status"})
    public_message = forms.CharField(
        label="Message to the resident",
        required=False,
        widget=_textarea(5),
        max_length=2000,
        help_text="Sent to the resident and everyone following the request, and shown on its public page. "
        "You must give one to close or cancel a request. " + PLACEHOLDER_HINT,
    )
    internal_note = forms.CharField(
        label="Internal note (optional)", required=False, widget=_textarea(2), help_text="Only staff see this."
    )
    referred_to = forms.CharField(
        label="Passed to (for 'Not ours')",
        required=False,
        max_length=200,
        help_text="The organisation the request has been passed to.",
    )
    duplicate_of = forms.CharField(
        label="Duplicate of (for 'Duplicate')",
        required=False,
        max_length=30,
        help_text="The reference of the request it duplicates, like BBC-000123.",
    )

    def __init__(self, *args, current_status: str, templates=(), **kwargs):
        super().__init__(*args, **kwargs)
        allowed = ALLOWED_TRANSITIONS[Status(current_status)]
        self.fields["status"].choices = [("", "Choose a status")] + [(s.value, s.label) for s in Status if s in allowed]
        # Only the templates for a status the request can move to now.
        self.templates = {t.pk: t for t in templates if t.status in allowed}
        self.fields["template"].choices = [("", "No template")] + [
            (t.pk, f"{t.title} ({Status(t.status).label})") for t in self.templates.values()
        ]
        if not self.templates:
            del self.fields["template"]


class PublicUpdateForm(PlainChoiceErrors, forms.Form):
    prefix = "update"

    public_message = forms.CharField(
        label="Update for the resident",
        widget=_textarea(4),
        max_length=2000,
        error_messages={"required": "Enter the update for the resident"},
        help_text="Sent to everyone following the request and shown on its public page. The status does not change.",
    )


class InternalNoteForm(PlainChoiceErrors, forms.Form):
    prefix = "note"

    internal_note = forms.CharField(
        label="Internal note",
        widget=_textarea(3),
        help_text="Only staff see this.",
        error_messages={"required": "Enter the note"},
    )


class AssignForm(PlainChoiceErrors, forms.Form):
    prefix = "assign"

    assigned_to = forms.ChoiceField(label="Officer", required=False)

    def __init__(self, *args, officers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.officers = {str(o.pk): o for o in officers}
        self.fields["assigned_to"].choices = [("", "Nobody")] + [(pk, str(o)) for pk, o in self.officers.items()]

    @property
    def officer(self):
        return self.officers.get(self.cleaned_data.get("assigned_to") or "")


class RecategoriseForm(PlainChoiceErrors, forms.Form):
    prefix = "recategorise"

    category = forms.TypedChoiceField(label="Category", coerce=int)
    priority = forms.ChoiceField(label="Priority", choices=Priority.choices)

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = {c.pk: c for c in categories}
        self.fields["category"].choices = [(c.pk, f"{c.name} ({c.group})") for c in categories]


class MergeForm(PlainChoiceErrors, forms.Form):
    prefix = "merge"

    duplicate_of = forms.CharField(
        label="Reference of the request to merge into",
        max_length=30,
        help_text="For example, BBC-000123. It must be open. Its followers and supporters get this request's too.",
        error_messages={"required": "Enter the reference of the request to merge this one into"},
    )
    public_message = forms.CharField(
        label="Message to the resident (optional)",
        required=False,
        widget=_textarea(3),
        max_length=2000,
        help_text="Leave blank to say it is the same problem as the other request.",
    )


class ChaserForm(PlainChoiceErrors, forms.Form):
    prefix = "chaser"

    note = forms.CharField(
        label="What did the resident say? (optional)", required=False, widget=_textarea(2), max_length=1000
    )


# The contact centre


class ChooseCategoryForm(PlainChoiceErrors, forms.Form):
    category = forms.ChoiceField(
        label="What is the problem about?", error_messages={"required": "Choose the kind of problem"}
    )

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        groups: dict[str, list] = {}
        for category in categories:
            groups.setdefault(category.group, []).append((category.slug, category.name))
        self.fields["category"].choices = [("", "Choose a category"), *groups.items()]


def question_field_name(code: str) -> str:
    return f"answer_{code}"


class LogRequestForm(PlainChoiceErrors, forms.Form):
    """A request taken by phone, face to face or email: the resident form's data on one page.

    The category's extra questions are added as answer_<code> fields. The service checks the
    answers and the contact details, so the form only checks what it must to call it.
    """

    description = forms.CharField(
        label="Describe the problem",
        widget=_textarea(5),
        max_length=2000,
        error_messages={"required": "Describe the problem"},
        help_text="In the resident's words. No more than 2,000 characters.",
    )
    location_text = forms.CharField(
        label="Where is it?",
        max_length=300,
        required=False,
        help_text="A street name and a nearby landmark, like 'outside 12 High Street'.",
    )
    postcode = forms.CharField(
        label="Postcode (optional)",
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "autocomplete": "off"}),
    )
    channel = forms.ChoiceField(
        label="How did the resident contact us?",
        choices=STAFF_CHANNELS,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the resident got in touch"},
    )
    priority = forms.ChoiceField(label="Priority", choices=Priority.choices)
    anonymous = forms.BooleanField(label="The resident does not want to give their details", required=False)
    reporter_name = forms.CharField(
        label="Resident's name", max_length=200, required=False, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    reporter_email = forms.CharField(
        label="Resident's email address",
        max_length=254,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    reporter_phone = forms.CharField(
        label="Resident's UK mobile number",
        max_length=20,
        required=False,
        help_text="For text message updates, like 07700 900 982.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "class": "govuk-input--width-20"}),
    )
    contact_preference = forms.ChoiceField(
        label="How do they want to hear what happens?",
        choices=[
            (ContactPreference.EMAIL, "By email"),
            (ContactPreference.SMS, "By text message"),
            (ContactPreference.BOTH, "By email and text message"),
            (ContactPreference.NONE, "They do not want updates"),
        ],
        widget=forms.RadioSelect,
        initial=ContactPreference.EMAIL,
    )

    def __init__(self, *args, category: Category, **kwargs):
        super().__init__(*args, **kwargs)
        self.category = category
        self.fields["priority"].initial = category.default_priority
        if not category.allow_anonymous:
            del self.fields["anonymous"]
        questions = {}
        for question in category.questions.all():
            name = question_field_name(question.code)
            label = question.prompt if question.required else f"{question.prompt} (optional)"
            common = {
                "label": label,
                "required": False,
                "help_text": question.hint,
                "error_messages": {"invalid_choice": f"Select one of the answers listed for '{question.prompt}'"},
            }
            choices = [(c["value"], c["label"]) for c in question.choices]
            if question.kind == QuestionKind.SINGLE_CHOICE:
                field = forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
            elif question.kind == QuestionKind.MULTIPLE_CHOICE:
                field = forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple, **common)
            elif question.kind == QuestionKind.DATE:
                field = forms.CharField(
                    max_length=10,
                    widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
                    **{**common, "help_text": question.hint or "For example, 2026-11-20"},
                )
            elif question.kind == QuestionKind.NUMBER:
                field = forms.CharField(
                    max_length=20,
                    widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "decimal"}),
                    **common,
                )
            else:
                field = forms.CharField(max_length=500, **common)
            questions[name] = field
        # The questions come first, as on the resident form.
        self.fields = {**questions, **self.fields}
        self.question_names = list(questions)

    def answers(self) -> dict:
        return {name.removeprefix("answer_"): self.cleaned_data.get(name) for name in self.question_names}

    def service_values(self) -> dict:
        data = self.cleaned_data
        return {
            "description": data["description"],
            "location_text": data["location_text"],
            "postcode": data["postcode"],
            "answers": self.answers(),
            "reporter_name": data["reporter_name"],
            "reporter_email": data["reporter_email"],
            "reporter_phone": data["reporter_phone"],
            "contact_preference": data["contact_preference"],
            "anonymous": bool(data.get("anonymous")),
            "channel": data["channel"],
            "priority": data["priority"],
        }


# Categories, questions and response templates


class CategoryForm(PlainChoiceErrors, forms.ModelForm):
    class Meta:
        model = Category
        fields = [
            "name",
            "slug",
            "group",
            "description",
            "service_area",
            "default_priority",
            "target_days_urgent",
            "target_days_high",
            "target_days_normal",
            "target_days_low",
            "allow_anonymous",
            "notice",
            "duplicate_radius_m",
        ]
        labels = {
            "slug": "Short name",
            "group": "Group",
            "description": "Description (optional)",
            "default_priority": "Priority of new requests",
            "target_days_urgent": "Working days to deal with an urgent request",
            "target_days_high": "Working days to deal with a high priority request",
            "target_days_normal": "Working days to deal with a normal priority request",
            "target_days_low": "Working days to deal with a low priority request",
            "allow_anonymous": "Residents can report this without giving their details",
            "notice": "Notice for residents (optional)",
            "duplicate_radius_m": "Distance to look for the same problem, in metres",
        }
        help_texts = {
            "slug": "Lower-case letters, numbers and hyphens, like fly-tipping. Other systems use it as the service "
            "code, so it cannot change later.",
            "group": "The heading residents see it under, like 'Bins and recycling'.",
            "notice": "Shown when a resident chooses this, like 'If the traffic lights are out, phone ...'.",
            "duplicate_radius_m": "Residents see open reports of the same problem this close by before they send "
            "theirs.",
        }
        widgets = {
            "description": _textarea(3),
            "notice": _textarea(3),
            **{f"target_days_{p}": forms.NumberInput(attrs={"class": "govuk-input--width-3"}) for p in Priority.values},
            "duplicate_radius_m": forms.NumberInput(attrs={"class": "govuk-input--width-5"}),
        }

    def __init__(self, *args, service_areas=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_area"].queryset = service_areas
        self.fields["service_area"].empty_label = "Choose a service area"
        self.fields["service_area"].label = "Service area that deals with it"
        if self.instance.pk:
            del self.fields["slug"]


def parse_choices(text: str) -> list[dict]:
    """Read answers typed one per line as 'value|label|stop message' (the stop message is optional).

    A line with only a label gets a value made from it. Raises ValidationError naming the line.
    """
    choices = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) > 3:
            raise forms.ValidationError(f"Line {number} has more than 3 parts: use value|label|stop message")
        if len(parts) == 1:
            parts = [slugify(parts[0]).replace("-", "_")[:60], parts[0]]
        value, label = parts[0], parts[1]
        if not value or not label:
            raise forms.ValidationError(f"Line {number} needs a value and a label, like van|A van load")
        choices.append({"value": value, "label": label, "stop_message": parts[2] if len(parts) == 3 else ""})
    return choices


def choices_as_text(choices: list[dict]) -> str:
    lines = []
    for choice in choices:
        parts = [choice["value"], choice["label"]]
        if choice.get("stop_message"):
            parts.append(choice["stop_message"])
        lines.append("|".join(parts))
    return "\n".join(lines)


class QuestionForm(PlainChoiceErrors, forms.Form):
    prompt = forms.CharField(label="Question", max_length=200, error_messages={"required": "Enter the question"})
    code = forms.SlugField(
        label="Code",
        max_length=60,
        help_text="Lower-case letters, numbers, hyphens and underscores, like waste_type. Other systems use it, so "
        "it cannot change later.",
        error_messages={
            "required": "Enter a code for the question",
            "invalid": "The code can only use letters, numbers, hyphens and underscores",
        },
    )
    hint = forms.CharField(
        label="Hint (optional)", max_length=300, required=False, help_text="Extra help shown under the question."
    )
    kind = forms.ChoiceField(
        label="Type of answer",
        choices=QuestionKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the type of answer"},
    )
    required = forms.BooleanField(label="Residents must answer it", required=False)
    choices = forms.CharField(
        label="Answers to choose from",
        required=False,
        widget=_textarea(6),
        help_text="For 'Choose one' and 'Choose any' only. One answer per line, as value|label, like van|A van "
        "load. To stop the form and show an urgent message when this answer is chosen, add it after "
        "another |, like gas|I can smell gas|Phone 0800 111 999 now.",
    )

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["code"]

    def clean_choices(self):
        return parse_choices(self.cleaned_data["choices"])


class ResponseTemplateForm(PlainChoiceErrors, forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=100,
        help_text="So staff can find it, like 'Work booked'.",
        error_messages={"required": "Enter a title staff will recognise"},
    )
    status = forms.ChoiceField(
        label="Status it is for",
        choices=[("", "Choose a status"), *Status.choices],
        error_messages={"required": "Choose the status this wording is for"},
    )
    category = forms.TypedChoiceField(
        label="Category",
        required=False,
        coerce=int,
        empty_value=None,
        help_text="Leave as 'Every category' to offer it for all of them.",
    )
    text = forms.CharField(
        label="Message to the resident",
        widget=_textarea(6),
        max_length=2000,
        help_text=PLACEHOLDER_HINT,
        error_messages={"required": "Enter the message to the resident"},
    )

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = {c.pk: c for c in categories}
        self.fields["category"].choices = [("", "Every category")] + [(c.pk, c.name) for c in categories]

    def clean_text(self):
        # Checked here too (the service checks it again), so it is shown with the other errors.
        text = self.cleaned_data["text"]
        if placeholder_error(text):
            raise forms.ValidationError(placeholder_error(text))
        return text

    @classmethod
    def initial_for(cls, template: ResponseTemplate) -> dict:
        return {
            "title": template.title,
            "status": template.status,
            "category": template.category_id,
            "text": template.text,
        }
