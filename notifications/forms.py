"""Forms of the notifications pages: a journey's chat channel."""

from django import forms

from .choices import CHAT_EVENT_LABELS, ChatKind


class ChatWebhookForm(forms.Form):
    kind = forms.ChoiceField(label="Chat tool", choices=ChatKind.choices, widget=forms.RadioSelect, initial="slack")
    name = forms.CharField(
        label="Channel", max_length=120, help_text="How you will recognise it here, e.g. “#onboarding-team”."
    )
    url = forms.URLField(
        label="Incoming webhook URL",
        max_length=500,
        assume_scheme="https",
        help_text="Slack: Apps › Incoming Webhooks › Add New Webhook to Workspace. Teams: the channel's "
        "Workflows › “Post to a channel when a webhook request is received”. Treat it as a password.",
    )
    events = forms.MultipleChoiceField(
        label="Events to post",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=list(CHAT_EVENT_LABELS.items()),
        help_text="Leave all unticked to post every event of this journey.",
    )
