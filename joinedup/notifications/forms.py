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


class MessageResendForm(forms.Form):
    checked = forms.BooleanField(required=False)

    def __init__(self, *args, message, **kwargs):
        super().__init__(*args, **kwargs)
        if message.status == "uncertain":
            label = f"I have checked that {message.recipient} did not get this message, or needs it again"
        else:
            label = f"I have checked why it could not be sent, and {message.recipient} still needs it"
        self.fields["checked"].label = label
