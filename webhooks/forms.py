"""Forms of the webhooks pages: what a manager fills in to connect another system."""

from django import forms

from .selectors import event_type_choices


class SubscriptionForm(forms.Form):
    name = forms.CharField(
        label="Name", max_length=120, help_text="Which system receives these events, e.g. “Jira bridge”."
    )
    url = forms.URLField(
        label="Target URL",
        max_length=2000,
        assume_scheme="https",
        help_text="Where Throughline POSTs each event as JSON (http:// or https://).",
    )
    event_types = forms.MultipleChoiceField(
        label="Events to send", widget=forms.CheckboxSelectMultiple, choices=event_type_choices
    )
