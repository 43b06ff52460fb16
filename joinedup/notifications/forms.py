from django import forms


class MessageWordingForm(forms.Form):
    subject = forms.CharField(label="Email subject", max_length=200, required=False)
    body = forms.CharField(
        label="Message",
        widget=forms.Textarea(attrs={"rows": 12}),
        error_messages={"required": "Enter the message"},
    )

    def __init__(self, *args, channel: str, **kwargs):
        super().__init__(*args, **kwargs)
        if channel != "email":
            del self.fields["subject"]
            self.fields["body"].label = "Text message"
            self.fields["body"].widget.attrs["rows"] = 5
