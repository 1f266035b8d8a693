from django import forms

from orderdesk.webhooks.choices import EventType


class EndpointForm(forms.Form):
    """Parses the registration form; the rules (SSRF, events) are the action's."""

    name = forms.CharField(max_length=120, required=False)
    url = forms.CharField(max_length=500, required=False, label="URL")
    events = forms.MultipleChoiceField(
        choices=EventType.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    allow_personal_data = forms.BooleanField(
        required=False, label="Send customers' names and phones unmasked"
    )
