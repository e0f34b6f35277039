"""How an initiative's measured impact reads: its value, its sign and what the sign means.

impact = result - baseline. Whether a positive impact is good depends on the component: the
health registry (``journeys.health_components``) says which way each one is better, and how its
values and their differences read.
"""

from dataclasses import dataclass
from enum import StrEnum

from journeys.health_components import component


class Direction(StrEnum):
    IMPROVEMENT = "improvement"
    DETERIORATION = "deterioration"
    NO_CHANGE = "no_change"


@dataclass(frozen=True)
class Impact:
    component: str
    baseline: float
    result: float
    delta: float
    direction: Direction

    @property
    def component_label(self) -> str:
        return component(self.component).label

    @property
    def is_improvement(self) -> bool:
        return self.direction == Direction.IMPROVEMENT

    @property
    def delta_display(self) -> str:
        return format_delta(self.component, self.delta)

    @property
    def explanation(self) -> str:
        """The sign of the impact in words, e.g. "an improvement: a lower repeat rate is better"."""
        label = self.component_label.lower()
        better = "lower" if lower_is_better(self.component) else "higher"
        if self.direction == Direction.NO_CHANGE:
            return f"No change: the {label} is where it was before the initiative."
        moved = "rose" if self.delta > 0 else "fell"
        verdict = "an improvement" if self.is_improvement else "a deterioration"
        amount = format_delta(self.component, self.delta, signed=False)
        return f"The {label} {moved} by {amount}: {verdict}, because a {better} {label} is better."


def lower_is_better(name: str) -> bool:
    return component(name).lower_is_better


def direction_of(name: str, delta: float) -> Direction:
    if abs(delta) < 1e-9:
        return Direction.NO_CHANGE
    improved = delta < 0 if lower_is_better(name) else delta > 0
    return Direction.IMPROVEMENT if improved else Direction.DETERIORATION


def impact_of(name: str, baseline: float | None, result: float | None) -> Impact | None:
    """The measured impact, or None while the baseline or the result is missing."""
    if baseline is None or result is None:
        return None
    delta = float(result) - float(baseline)
    return Impact(
        component=name,
        baseline=float(baseline),
        result=float(result),
        delta=delta,
        direction=direction_of(name, delta),
    )


def format_value(name: str, value: float | None) -> str:
    """A component value as people read it: rates in %, ratings to two decimals, the score to one."""
    return component(name).format_value(value)


def format_delta(name: str, delta: float, *, signed: bool = True) -> str:
    """A difference: percentage points for rates, points for the score, two decimals otherwise."""
    return component(name).format_delta(delta, signed=signed)


# --- expected gains in score points (design section 14) -------------------------------------------


def expected_gain_problem(name: str, gain: float | None, *, baseline: float | None = None) -> str | None:
    """Why an expected gain is impossible for its component (outside its range, or worsening), or None."""
    if gain is None:
        return None
    measure = component(name)
    label = measure.label.lower()
    if (gain > 0) if measure.lower_is_better else (gain < 0):
        better = "lower" if measure.lower_is_better else "higher"
        return (
            f"A gain of {format_delta(name, gain)} would make the {label} worse: a {better} {label} is better, "
            f"so expect a {'negative' if measure.lower_is_better else 'positive'} change."
        )
    low, high = measure.value_range
    if low is not None and high is not None and abs(gain) > high - low:
        return (
            f"A gain of {format_delta(name, gain)} is more than the whole range of the {label} "
            f"({format_value(name, low)} to {format_value(name, high)})."
        )
    if baseline is not None:
        reached = baseline + gain
        if (low is not None and reached < low - 1e-9) or (high is not None and reached > high + 1e-9):
            bounds = (
                f"{format_value(name, low)} to {format_value(name, high)}"
                if high is not None
                else (f"at least {format_value(name, low)}")
            )
            return (
                f"A gain of {format_delta(name, gain)} would take the {label} from {format_value(name, baseline)} "
                f"to {format_value(name, reached)}, outside its range ({bounds})."
            )
    return None


def points_per_unit(name: str, *, has_target_duration: bool = True) -> float | None:
    """Health-score points per unit of the component (None for informational components)."""
    return component(name).points_per_unit(has_target_duration=has_target_duration)


def expected_gain_points(name: str, gain: float | None, *, has_target_duration: bool = True) -> float | None:
    """The expected gain converted to health-score points."""
    factor = points_per_unit(name, has_target_duration=has_target_duration)
    if gain is None or factor is None:
        return None
    return gain * factor


# --- the measured impact with inference, in words (design section 14) -----------------------------


@dataclass(frozen=True)
class MeasuredImpact:
    """What the initiative page says about a measured impact (``InitiativeImpact``) and its power."""

    component: str
    effect: float
    ci_low: float
    ci_high: float
    verdict: str
    comparison_change: float | None
    mde: float | None
    underpowered: bool | None

    def delta(self, value: float) -> str:
        return format_delta(self.component, value)

    @property
    def label(self) -> str:
        return component(self.component).label.lower()

    @property
    def headline(self) -> str:
        return {"improved": "Improved", "worsened": "Worsened", "inconclusive": "Inconclusive"}[self.verdict]

    @property
    def sentence(self) -> str:
        """The verdict in a journey owner's words."""
        interval = f"the 95% interval runs from {self.delta(self.ci_low)} to {self.delta(self.ci_high)}"
        compared = (
            f" The comparison group moved {self.delta(self.comparison_change)} on its own over the same periods; "
            "that change is taken out of the effect."
            if self.comparison_change is not None
            else ""
        )
        if self.verdict == "inconclusive":
            text = (
                f"The {self.label} moved {self.delta(self.effect)}, but that could be noise: {interval} "
                f"and includes no change."
            )
            if self.mde is not None:
                smallest = format_delta(self.component, self.mde, signed=False)
                text += f" These periods could only tell an effect of about {smallest} or more."
            return text + compared
        better = "lower" if lower_is_better(self.component) else "higher"
        kind = "an improvement" if self.verdict == "improved" else "a deterioration"
        return (
            f"The {self.label} moved {self.delta(self.effect)}: {kind}, and not noise, because {interval}, "
            f"wholly on the {'better' if self.verdict == 'improved' else 'worse'} side of no change "
            f"(a {better} {self.label} is better).{compared}"
        )


def measured_impact_of(initiative) -> MeasuredImpact | None:
    """The initiative's measured impact for its page, or None while it is not measured with inference."""
    measured = getattr(initiative, "impact", None)
    if measured is None:
        return None
    return MeasuredImpact(
        component=initiative.target_component,
        effect=measured.effect,
        ci_low=measured.ci_low,
        ci_high=measured.ci_high,
        verdict=measured.verdict,
        comparison_change=measured.comparison_change,
        mde=initiative.mde,
        underpowered=initiative.underpowered,
    )
