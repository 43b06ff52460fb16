from django import forms

from joinedup.scrutiny.models import CommitteeKind, Rag, Response, Role, TopicSource, TopicStatus
from joinedup.scrutiny.selectors import FIGURE_MEASURES

DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date", "class": "govuk-input--width-10"})
TIME = forms.TimeInput(attrs={"type": "time", "class": "govuk-input--width-5"})


def _date(label, required=True, help_text=""):
    return forms.DateField(
        label=label,
        required=required,
        widget=DATE,
        help_text=help_text,
        error_messages={"required": f"Enter {label.lower()}", "invalid": f"Enter {label.lower()} as a real date"},
    )


def _text(label, required=True, max_length=None, help_text="", long=False):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 5}) if long else None,
        error_messages={"required": f"Enter {label.lower()}"},
    )


class CommitteeForm(forms.Form):
    name = _text("Name", max_length=200)
    code = _text("Short code", max_length=12, help_text="Used in report references, like OSC or DTG.")
    kind = forms.ChoiceField(
        label="Type",
        choices=CommitteeKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a type"},
    )
    parent = forms.ModelChoiceField(
        label="Reports to", queryset=None, required=False, help_text="For a task group: the committee it reports to."
    )
    scrutiny_officer = forms.ModelChoiceField(label="Scrutiny officer", queryset=None, required=False)
    takes_public_suggestions = forms.BooleanField(
        label="Topics suggested by the public come to this committee", required=False
    )

    def __init__(self, *args, committees, officers, joint, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = committees
        self.fields["scrutiny_officer"].queryset = officers
        allowed = [CommitteeKind.JOINT_PANEL] if joint else [CommitteeKind.COMMITTEE, CommitteeKind.TASK_GROUP]
        self.fields["kind"].choices = [(k.value, k.label) for k in allowed]


class MembershipForm(forms.Form):
    user = forms.ModelChoiceField(
        label="Member with an account",
        queryset=None,
        required=False,
        help_text="Scrutiny members can edit the committee's work programme while their seat is current.",
    )
    name = _text("Name", required=False, max_length=200, help_text="Leave blank to use the account's name.")
    council = forms.ModelChoiceField(label="Council", queryset=None, required=False)
    role = forms.ChoiceField(label="Role", choices=Role.choices, widget=forms.RadioSelect, initial=Role.MEMBER)
    start_date = _date("Start date")
    end_date = _date("End date", required=False, help_text="Leave blank while the seat is current.")

    def __init__(self, *args, users, councils, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users
        self.fields["council"].queryset = councils

    def clean(self):
        data = super().clean()
        if not data.get("user") and not (data.get("name") or "").strip():
            self.add_error("name", "Enter the member's name, or choose a member with an account")
        return data


class TermsForm(forms.Form):
    text = _text("Terms of reference", long=True)
    endorsed_on = _date("Date endorsed")
    endorsed_by = _text("Endorsed by", max_length=200, help_text="For example, the Overview and Scrutiny Committee.")


class MeetingForm(forms.Form):
    date = _date("Date")
    start_time = forms.TimeField(label="Start time", required=False, widget=TIME)
    location = _text("Where", required=False, max_length=200)


class AgendaItemForm(forms.Form):
    title = _text("Title", max_length=200)
    description = _text("What the committee will consider", required=False, long=True)
    topic = forms.ModelChoiceField(label="Work programme topic", queryset=None, required=False)

    def __init__(self, *args, topics, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = topics


class FileInput(forms.ClearableFileInput):
    """Several files at once; named so the GOV.UK file upload markup applies."""

    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", FileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class EvidenceForm(forms.Form):
    witness = _text("Who gave the evidence", max_length=200)
    witness_role = _text("Their role", required=False, max_length=200, help_text="For example, Head of ICT.")
    summary = _text("Summary of the evidence", long=True)
    documents = MultipleFileField(
        label="Documents",
        required=False,
        help_text="PDF, Word, Excel, PowerPoint, OpenDocument text, CSV or text files, up to 20 MB each. "
        "Only people who can see this workspace can open them.",
    )


class TopicForm(forms.Form):
    title = _text("Topic", max_length=200)
    description = _text("What should the committee look at, and why?", long=True)
    source = forms.ChoiceField(
        label="Suggested by",
        choices=[(TopicSource.MEMBER.value, "A member"), (TopicSource.OFFICER.value, "An officer")],
        widget=forms.RadioSelect,
        initial=TopicSource.MEMBER,
    )


class PublicSuggestionForm(forms.Form):
    title = _text("What should the councillors look at?", max_length=200)
    description = _text("Why does it matter?", max_length=3000, long=True, help_text="Up to 3,000 characters.")
    name = _text("Your name (optional)", required=False, max_length=200)
    email = forms.EmailField(
        label="Your email address (optional)",
        required=False,
        help_text="Only if you would like the scrutiny officer to reply. We do not publish it.",
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
    )


class ScoreForm(forms.Form):
    def __init__(self, *args, scheme, initial_scores=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(str(n), str(n)) for n in range(scheme.max_score + 1)]
        for criterion in scheme.criteria:
            value = (initial_scores or {}).get(criterion.code)
            self.fields[f"score_{criterion.code}"] = forms.ChoiceField(
                label=f"{criterion.label} ({criterion.code})",
                help_text=criterion.hint,
                choices=choices,
                widget=forms.RadioSelect(attrs={"class": "govuk-radios--inline"}),
                initial=None if value is None else str(value),
                error_messages={"required": f"Score {criterion.label} from 0 to {scheme.max_score}"},
            )


class DecideForm(forms.Form):
    status = forms.ChoiceField(label="What happens to it", choices=TopicStatus.choices, widget=forms.RadioSelect)
    meeting = forms.ModelChoiceField(label="Meeting", queryset=None, required=False)

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings


class ReportForm(forms.Form):
    title = _text("Title", max_length=200)
    summary = _text("Summary", required=False, long=True)
    agreed_on = _date("Date the committee agreed it")
    meeting = forms.ModelChoiceField(label="Meeting", queryset=None, required=False)
    published_on = _date("Date published", required=False, help_text="Leave blank until it is published.")

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings


class PublishForm(forms.Form):
    published_on = _date("Date published")


class RecommendationForm(forms.Form):
    text = _text("Recommendation", long=True)
    area = _text("Area", required=False, max_length=200, help_text="The portfolio or directorate it is for.")
    received_on = _date(
        "Date the executive received it",
        required=False,
        help_text="The executive must respond within two months of this date (section 9FE of the Local "
        "Government Act 2000). Leave blank until it is sent.",
    )
    proposals = forms.ModelMultipleChoiceField(
        label="Projects it concerns", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    applications = forms.ModelMultipleChoiceField(
        label="Software it concerns", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    figures = forms.MultipleChoiceField(
        label="Figures it concerns",
        choices=[(m, m) for m in FIGURE_MEASURES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, proposals, applications, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposals"].queryset = proposals
        self.fields["applications"].queryset = applications


class ResponseForm(forms.Form):
    response = forms.ChoiceField(
        label="The executive's response",
        choices=Response.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the executive's response"},
    )
    response_text = _text("What the executive said", long=True, help_text="Give the reasons if it is not accepted.")
    responded_on = _date("Date of the response")
    action = _text("Action", required=False, long=True, help_text="What will be done. Needed unless not accepted.")
    action_owner = _text("Action owner", required=False, max_length=200)
    target_date = _date("Target date", required=False)


class UpdateForm(forms.Form):
    reported_on = _date("Date of the update")
    progress = _text("Progress made", long=True)
    rag = forms.ChoiceField(
        label="Progress rating",
        choices=Rag.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a progress rating"},
    )
    meeting = forms.ModelChoiceField(label="Reported to meeting", queryset=None, required=False)

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings


class SignOffForm(forms.Form):
    signed_off_on = _date("Date the committee signed it off")


class AsOfForm(forms.Form):
    as_of = _date("Figures as they stood on")
    meeting = forms.ModelChoiceField(label="For the meeting", queryset=None, required=False)

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings


class SchemeForm(forms.Form):
    name = _text("Name of the scheme", max_length=100)
    criteria_text = _text(
        "Criteria",
        long=True,
        help_text="One a line: a short code, a |, the name and, if you like, another | and a question to help "
        "members score it. For example: T | Timely | Is a decision coming up?",
    )
    max_score = forms.IntegerField(
        label="Highest score for each criterion",
        min_value=1,
        max_value=10,
        initial=2,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
        error_messages={"required": "Enter the highest score", "invalid": "Enter the highest score as a whole number"},
    )
    threshold = forms.IntegerField(
        label="Total score worth taking on",
        min_value=1,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
        error_messages={"required": "Enter the total worth taking on", "invalid": "Enter a whole number"},
    )


class SchemeChoiceForm(forms.Form):
    scheme = forms.ModelChoiceField(
        label="Score topics with", queryset=None, required=False, empty_label="TOPIC (the platform's scheme)"
    )

    def __init__(self, *args, schemes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scheme"].queryset = schemes
