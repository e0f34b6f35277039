from django import forms

from owners.models import Function, Person


class InviteForm(forms.Form):
    name = forms.CharField(max_length=200, help_text="Used when nobody in People has this e-mail address yet.")
    email = forms.EmailField(label="E-mail address", help_text="The invitation goes here; it is also the username.")
    title = forms.CharField(max_length=200, required=False, label="Job title")
    function = forms.ModelChoiceField(queryset=Function.objects.order_by("name"), required=False)


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = ["name", "title", "function"]
        labels = {"title": "Job title"}
        help_texts = {"function": "The function you work in: its journeys' gaps and incentives concern you."}
