"""Forms of the journeys app: the journey, stage and touchpoint forms of the map editor, the CSV upload."""

import datetime as dt

from django import forms

from .choices import Channel
from .layers import LAYER_FIELDS, LAYER_MAX_LENGTH, LAYERS
from .models import Journey
from .selectors.framework import journey_and_below
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
            "parent",
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
            "parent": "Part of",
        }
        help_texts = {
            "min_sample": "With fewer journeys than this in the window, the health score is too uncertain to judge.",
            "parent": "The wider journey this one is a step of, e.g. Onboarding is part of Become a customer. "
            "The framework page rolls the parts' health up into it.",
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parent = self.fields["parent"]
        parent.empty_label = "Nothing: a top-level journey"
        # Only journeys that would not make a cycle: never the journey itself or one below it.
        parent.queryset = Journey.objects.exclude(pk__in=journey_and_below(self.instance.pk)).order_by("name")
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
        # The blueprint layers, each optional, in the order of the blueprint's rows.
        for layer in LAYERS:
            self.fields[layer.field] = forms.CharField(
                label=layer.question,
                help_text=layer.help_text,
                required=False,
                max_length=LAYER_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def map_fields(self) -> list:
        """The touchpoint's own fields (name, key, channel...), shown first."""
        return [self[name] for name in self.fields if name not in LAYER_FIELDS]

    def layer_fields(self) -> list:
        """The blueprint layers, shown together under their own heading."""
        return [self[name] for name in LAYER_FIELDS]

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


class PersonaForm(forms.Form):
    """A persona of a journey, in the owner's words; the service checks the name is free in the journey."""

    name = forms.CharField(
        label="Persona name",
        max_length=120,
        help_text="How the team calls them, e.g. \u201cFirst-time subscriber\u201d.",
    )
    segment = forms.CharField(
        label="Customer segment they stand for",
        max_length=100,
        help_text="Their emotion curve is measured from the customer journeys recorded with this segment.",
    )
    goals = forms.CharField(label="Goals", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    needs = forms.CharField(label="Needs", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    pains = forms.CharField(label="Pains", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["segment"].widget.attrs["list"] = "persona-segments"


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
