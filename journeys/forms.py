"""Forms of the journeys app: the journey, stage and touchpoint forms of the map editor, the CSV upload."""

import datetime as dt

from django import forms

from .choices import Channel
from .models import Journey
from .services.imports import import_size_problem


class JourneyForm(forms.ModelForm):
    """A journey's details and targets. ``version`` carries the version the editor read."""

    target_duration_days = forms.IntegerField(
        label="Target duration (days)",
        required=False,
        min_value=1,
        max_value=3650,
        help_text="The promise, e.g. 30 days for onboarding. Leave empty for no promise.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta:
        model = Journey
        fields = [
            "name",
            "description",
            "status",
            "tier",
            "service_position",
            "target_score",
            "window_days",
            "min_sample",
        ]
        labels = {
            "target_score": "Target health score (0-100)",
            "window_days": "Window (days)",
            "min_sample": "Journeys needed for a verdict",
        }
        help_texts = {
            "min_sample": "With fewer journeys than this in the window, the health score is too uncertain to judge.",
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version
            if self.instance.target_duration:
                self.initial["target_duration_days"] = self.instance.target_duration.days

    def service_fields(self) -> dict:
        """The cleaned values, named as the services take them."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        days = self.cleaned_data.get("target_duration_days")
        data["target_duration"] = dt.timedelta(days=days) if days else None
        return data


class JourneyCreateForm(JourneyForm):
    slug = forms.SlugField(
        max_length=100,
        required=False,
        help_text="The stable reference integrations use. Leave empty to derive it from the name.",
    )
    version = None  # a new journey has no version to be stale against

    class Meta(JourneyForm.Meta):
        fields = ["name", "slug", *JourneyForm.Meta.fields[1:]]

    def service_fields(self) -> dict:
        data = super().service_fields()
        data["slug"] = self.cleaned_data.get("slug") or ""
        return data


class StageForm(forms.Form):
    name = forms.CharField(label="Stage name", max_length=120)


class TouchpointForm(forms.Form):
    """Add or change a touchpoint. ``stages`` (the journey's, already loaded) are the choices of ``stage``."""

    name = forms.CharField(max_length=200)
    key = forms.SlugField(
        max_length=100, help_text="Stable reference for integrations (letters, digits, hyphens); unique in the journey."
    )
    channel = forms.ChoiceField(choices=Channel.choices)
    is_moment_of_truth = forms.BooleanField(label="Moment of truth", required=False)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    stage = forms.TypedChoiceField(coerce=int, label="Stage")

    def __init__(self, *args, stages, **kwargs):
        super().__init__(*args, **kwargs)
        self.stages = {stage.pk: stage for stage in stages}
        self.fields["stage"].choices = [(stage.pk, stage.name) for stage in stages]

    def clean_stage(self):
        return self.stages[self.cleaned_data["stage"]]


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="One row per interaction, UTF-8, with a header row. See the column list on this page.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    journey = forms.ModelChoiceField(
        queryset=Journey.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label="Any: the journey column of each row says",
        help_text="When chosen, the journey column may be left out, and every row must belong to this journey.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        problem = import_size_problem(upload.size)
        if problem:
            raise forms.ValidationError(problem, code="too_large")
        return upload


class MapCopyForm(forms.Form):
    """A new journey from a map (a journey's or a template's): its name, slug and touchpoint keys.

    ``touchpoints`` lists the source's (key, name, stage name) in map order; each gets a key field,
    prefilled with the source's key.
    """

    name = forms.CharField(label="Name of the new journey", max_length=200)
    slug = forms.SlugField(
        max_length=100,
        required=False,
        help_text="The stable reference integrations use. Leave empty to derive it from the name.",
    )

    def __init__(self, *args, touchpoints: list[tuple[str, str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.key_fields: list[tuple[str, str]] = []  # (form field name, source key)
        for index, (key, name, stage) in enumerate(touchpoints):
            field_name = f"key_{index}"
            self.fields[field_name] = forms.SlugField(
                label=f"{stage}: {name}",
                max_length=100,
                initial=key,
                help_text=f"Key of the touchpoint in the new journey (the source's is {key}).",
            )
            self.key_fields.append((field_name, key))

    def key_bound_fields(self):
        return [self[field_name] for field_name, _ in self.key_fields]

    def clean(self):
        cleaned = super().clean()
        seen: dict[str, str] = {}
        for field_name, _ in self.key_fields:
            key = cleaned.get(field_name)
            if not key:
                continue
            if key in seen:
                self.add_error(
                    field_name, f"Another touchpoint of the new journey already has the key \u201c{key}\u201d."
                )
            seen.setdefault(key, field_name)
        return cleaned

    def service_fields(self) -> dict:
        return {
            "name": self.cleaned_data["name"],
            "slug": self.cleaned_data.get("slug") or "",
            "keys": {source_key: self.cleaned_data[field_name] for field_name, source_key in self.key_fields},
        }
