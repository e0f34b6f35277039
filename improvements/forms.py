"""Forms of the improvements app. They collect and clean input; the views hand it to the services."""

from django import forms
from django.db.models import Q

from journeys.models import Journey, Stage, Touchpoint
from owners.models import Function, Incentive, Person

from .choices import INITIATIVE_TRANSITIONS, ISSUE_TRANSITIONS, InitiativeStatus, IssueCategory, IssueStatus
from .models import COMMENT_MAX_LENGTH, Initiative, InitiativeUpdate, Issue
from .selectors import journey_segments, user_journey_ids


class StageField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.journey.name} › {obj.name}"


class TouchpointField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.journey.name} › {obj.stage.name} › {obj.name}"


class IssueChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.title} ({obj.get_status_display().lower()}, severity {obj.get_severity_display().lower()})"


def _stages(journey: Journey | None, *, keep: int | None = None):
    """Stages in use (retired ones are off the forms), plus ``keep``: the one an issue already names."""
    stages = Stage.objects.filter(Q(retired_at__isnull=True) | Q(pk=keep))
    stages = stages.select_related("journey").order_by("journey__name", "position")
    return stages.filter(journey=journey) if journey else stages


def _touchpoints(journey: Journey | None, *, keep: int | None = None):
    """Touchpoints in use (neither it nor its stage retired), plus ``keep``: the one an issue already names."""
    touchpoints = Touchpoint.objects.filter(
        Q(retired_at__isnull=True, stage__retired_at__isnull=True) | Q(pk=keep)
    ).select_related("journey", "stage")
    touchpoints = touchpoints.order_by("journey__name", "stage__position", "position", "id")
    return touchpoints.filter(journey=journey) if journey else touchpoints


STALE_FORM_MESSAGE = "This form is out of date: reload the page and make your change again."


def version_field() -> forms.IntegerField:
    return forms.IntegerField(widget=forms.HiddenInput, min_value=1, error_messages={"required": STALE_FORM_MESSAGE})


class VersionedForm(forms.ModelForm):
    """Carries the version the user read, so a concurrent edit is refused instead of overwritten.

    Editing an existing object requires it: a post without it could not be checked.
    """

    version = version_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        else:
            self.fields["version"].required = False


class IssueLogForm(forms.ModelForm):
    """Log a root-cause issue. The stage and touchpoint lists narrow to the journey when it is known."""

    stage = StageField(queryset=Stage.objects.none(), required=False, help_text="Optional.")
    touchpoint = TouchpointField(
        queryset=Touchpoint.objects.none(), required=False, help_text="Optional; its stage is filled in for you."
    )
    functions = forms.ModelMultipleChoiceField(
        queryset=Function.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Responsible functions",
    )
    # Set when the issue is raised from a conflicting verdict: the issue then addresses that conflict.
    incentive = forms.ModelChoiceField(
        queryset=Incentive.objects.all(), required=False, widget=forms.HiddenInput, label="Incentive"
    )

    class Meta:
        model = Issue
        fields = ["journey", "stage", "touchpoint", "title", "symptom", "category", "severity", "functions"]
        widgets = {"symptom": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, journey: Journey | None = None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        journeys = Journey.objects.exclude(status="retired").order_by("name")
        if user is not None and not self.is_bound:
            # Offer only the journeys the user may log on; a bound form takes any, and the view says
            # clearly who may log on the one sent.
            allowed = user_journey_ids(user, "contributable")
            if allowed is not None:
                journeys = journeys.filter(pk__in=allowed)
        self.fields["journey"].queryset = journeys
        # On a bound form any stage may be sent; the service says clearly when it is of another journey.
        scope = None if self.is_bound else journey
        self.fields["stage"].queryset = _stages(scope)
        self.fields["touchpoint"].queryset = _touchpoints(scope)

    @classmethod
    def initial_from_query(cls, params) -> tuple[dict, Journey | None]:
        """Prefill from GET parameters: journey (slug), stage (id), touchpoint (key in the journey),
        category, title, symptom, functions (slugs, repeatable). Unknown values are ignored."""
        initial: dict = {}
        journey = Journey.objects.filter(slug=params.get("journey", "")).first() if params.get("journey") else None
        if journey:
            initial["journey"] = journey
            stage_id = params.get("stage", "")
            if stage_id.isdigit():
                initial["stage"] = Stage.objects.in_use().filter(journey=journey, pk=int(stage_id)).first()
            if params.get("touchpoint"):
                touchpoint = Touchpoint.objects.in_use().filter(journey=journey, key=params["touchpoint"]).first()
                if touchpoint:
                    initial["touchpoint"] = touchpoint
                    initial["stage"] = initial.get("stage") or touchpoint.stage
        if params.get("category") in IssueCategory.values:
            initial["category"] = params["category"]
        for name in ("title", "symptom"):
            if params.get(name):
                initial[name] = params[name][:2000]
        slugs = params.getlist("functions")
        if slugs:
            initial["functions"] = list(Function.objects.filter(slug__in=slugs))
        incentive_id = params.get("incentive", "")
        if incentive_id.isdigit() and len(incentive_id) < 19:
            initial["incentive"] = Incentive.objects.filter(pk=int(incentive_id)).first()
        return {key: value for key, value in initial.items() if value is not None}, journey


class IssueEditForm(VersionedForm):
    stage = StageField(queryset=Stage.objects.none(), required=False)
    touchpoint = TouchpointField(queryset=Touchpoint.objects.none(), required=False)
    functions = forms.ModelMultipleChoiceField(
        queryset=Function.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Responsible functions",
    )

    class Meta:
        model = Issue
        fields = ["title", "symptom", "category", "severity", "due_date", "stage", "touchpoint", "functions"]
        widgets = {
            "symptom": forms.Textarea(attrs={"rows": 4}),
            "due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "due_date": "Leave empty for no deadline. Changing the severity moves the date only if it is still "
            "the old severity's default.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = _stages(self.instance.journey, keep=self.instance.stage_id)
        self.fields["touchpoint"].queryset = _touchpoints(self.instance.journey, keep=self.instance.touchpoint_id)


class IssueTriageForm(VersionedForm):
    """Status (the current one and those the workflow allows next), root cause and assignee."""

    status = forms.ChoiceField(label="Status")
    assignee = forms.ModelChoiceField(queryset=Person.objects.order_by("name"), required=False)

    class Meta:
        model = Issue
        fields = ["status", "root_cause", "assignee"]
        widgets = {"root_cause": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = IssueStatus(self.instance.status)
        allowed = sorted(ISSUE_TRANSITIONS[current], key=list(IssueStatus).index)
        # Bound forms accept any status so that an illegal move gets the workflow's own message.
        statuses = list(IssueStatus) if self.is_bound else [current, *allowed]
        self.fields["status"].choices = [(s.value, s.label if s == current else f"→ {s.label}") for s in statuses]

    def _post_clean(self):
        pass  # the service validates the issue as a whole, inside its workflow rules


class InitiativeForm(VersionedForm):
    issues = IssueChoiceField(
        queryset=Issue.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Issues addressed",
        help_text="At least one issue of the journey.",
    )
    functions = forms.ModelMultipleChoiceField(
        queryset=Function.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Contributing functions",
    )
    lead = forms.ModelChoiceField(queryset=Person.objects.order_by("name"), required=False)
    scope_segments = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Customers it is for",
        help_text="Leave empty to measure all customers of the journey; tick segments to measure only them.",
    )
    comparison_segments = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Compare with segments",
        help_text="Other segments of this journey the initiative does not touch: their own change over the same "
        "periods (a season, a price change) is taken out of the effect.",
    )
    comparison_journeys = forms.ModelMultipleChoiceField(
        queryset=Journey.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Compare with journeys",
        help_text="Or other journeys the initiative does not touch.",
    )

    class Meta:
        model = Initiative
        fields = [
            "title",
            "hypothesis",
            "issues",
            "lead",
            "functions",
            "target_component",
            "target_value",
            "expected_gain",
            "effort",
            "start_date",
            "due_date",
            "measurement_days",
            "scope_segments",
            "comparison_segments",
            "comparison_journeys",
        ]
        widgets = {
            "hypothesis": forms.Textarea(attrs={"rows": 3}),
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "due_date": forms.DateInput(attrs={"type": "date"}),
        }
        help_texts = {
            "measurement_days": "Days in each period: before the start and after delivery.",
            "expected_gain": "In the target component's unit, in its better direction: e.g. 0.2 for journey "
            "satisfaction (1-5), -0.05 for a repeat rate 5 points lower. Converted to health-score points.",
        }

    def __init__(self, *args, journey: Journey, **kwargs):
        super().__init__(*args, **kwargs)
        self.journey = journey
        self.fields["issues"].queryset = Issue.objects.filter(journey=journey).order_by("-severity", "title")
        segments = [(name, name) for name in journey_segments(journey)]
        self.fields["scope_segments"].choices = segments
        self.fields["comparison_segments"].choices = segments
        self.fields["comparison_journeys"].queryset = (
            Journey.objects.exclude(pk=journey.pk).exclude(status="retired").order_by("name")
        )
        if self.instance.pk and self.instance.status not in ("proposed", "approved"):
            for name in ("scope_segments", "comparison_segments", "comparison_journeys"):
                self.fields[name].disabled = True
                self.fields[name].help_text = "Fixed once the work has started."

    def _post_clean(self):
        # Model-level checks (dates, effort) run in the service, on the whole initiative.
        pass


class InitiativeMoveForm(forms.Form):
    """Move a card on the board: one of the statuses the workflow allows next."""

    status = forms.ChoiceField(label="Move to")
    delivered_on = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Delivered on", help_text="Default today."
    )
    version = version_field()

    def __init__(self, *args, initiative: Initiative, **kwargs):
        super().__init__(*args, **kwargs)
        current = InitiativeStatus(initiative.status)
        order = list(InitiativeStatus).index
        allowed = sorted(INITIATIVE_TRANSITIONS[current], key=order)
        # Bound forms accept any status so that an illegal move gets the workflow's message.
        statuses = list(InitiativeStatus) if self.is_bound else allowed
        self.fields["status"].choices = [(s.value, s.label) for s in statuses]
        self.fields["version"].initial = initiative.version
        self.offers_delivery = InitiativeStatus.DELIVERED in allowed
        self.is_final = not allowed


class InitiativeUpdateForm(forms.ModelForm):
    class Meta:
        model = InitiativeUpdate
        fields = ["body", "progress"]
        labels = {"body": "What happened", "progress": "Progress (%)"}
        widgets = {
            "body": forms.Textarea(attrs={"rows": 3}),
            "progress": forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1}),
        }


class PortfolioFilterForm(forms.Form):
    """The portfolio's filters and sort order (GET); choices come from ``portfolio.filter_choices``.

    An unknown value (an owner who no longer owns anything, a typo in a shared link) is reported
    next to its filter and that filter is left out, so the page still answers.
    """

    tier = forms.ChoiceField(required=False, label="Tier")
    status = forms.ChoiceField(required=False, label="Health status")
    owner = forms.ChoiceField(required=False, label="Owner")
    function = forms.ChoiceField(required=False, label="Function involved")
    alert = forms.ChoiceField(required=False, label="Alert")
    sort = forms.ChoiceField(required=False, label="Sort by")
    group = forms.ChoiceField(required=False, label="Group by")

    ANY = {"tier": "Any tier", "status": "Any status", "owner": "Anyone", "function": "Any function", "alert": "Any"}

    def __init__(self, *args, choices: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            options = list(choices[name])
            field.choices = options if name in ("sort", "group") else [("", self.ANY[name]), *options]

    def filters(self) -> dict:
        """The valid values only (call after ``is_valid()``)."""
        cleaned = getattr(self, "cleaned_data", {})
        return {name: cleaned[name] for name in self.fields if cleaned.get(name)}


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Comment",
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "data-mention-input": ""}),
        help_text=(
            "Call a colleague in with @ and their name or login name (@Ana Lima, @ana.lima). "
            "**bold**, *italic*, `code`, lists and links work."
        ),
        error_messages={"required": "Write something before posting."},
    )
