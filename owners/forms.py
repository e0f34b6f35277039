"""Forms of the owners app. They validate input; the views hand the cleaned data to services."""

from django import forms

from .choices import Verdict
from .models import Function, Incentive, Person


class FunctionForm(forms.ModelForm):
    class Meta:
        model = Function
        fields = ["name", "slug", "description", "head"]
        help_texts = {"slug": "Used in links and the API, e.g. customer-service.", "head": "Who heads the function."}


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = ["name", "email", "title", "function", "user"]
        labels = {"user": "Login"}
        help_texts = {"user": "Link the person to their login so that they can act on their journeys."}


class IncentiveForm(forms.ModelForm):
    class Meta:
        model = Incentive
        fields = ["function", "name", "measure", "target", "weight", "direction", "period", "active"]
        labels = {
            "weight": "Weight (% of the scorecard)",
            "direction": "Which way is better",
            "period": "Reported every",
        }


class OwnershipAssignForm(forms.Form):
    person = forms.ModelChoiceField(
        queryset=Person.objects.active().select_related("function"),
        label="New owner",
        help_text="One accountable person.",
    )
    mandate = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="The authority the owner holds, e.g. 'may change any process step of the journey; "
        "owns the budget for its improvement initiatives'.",
    )
    started_on = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave empty for today. The current owner's term ends the day before.",
    )
    # The ownership the manager saw when the page loaded ('' = none): a stale page is refused.
    expected_current = forms.IntegerField(required=False, widget=forms.HiddenInput)


class TeamMemberAddForm(forms.Form):
    person = forms.ModelChoiceField(queryset=Person.objects.active().select_related("function"), label="Person")
    role = forms.CharField(max_length=120, required=False, help_text='e.g. "operations lead"')


class TeamMemberRoleForm(forms.Form):
    role = forms.CharField(max_length=120, required=False, label="Role")


class IncentiveReviewForm(forms.Form):
    verdict = forms.ChoiceField(
        choices=Verdict.choices,
        widget=forms.RadioSelect,
        help_text="Does rewarding this incentive push the function towards what this journey needs?",
    )
    rationale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="Why. Required for a conflicting verdict: it becomes the starting point of a root-cause issue.",
    )


class MeasurementImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="UTF-8, columns incentive (its id), period_end (YYYY-MM-DD, the period's last day), value, "
        "and optionally source. Up to 2 MB.",
    )
