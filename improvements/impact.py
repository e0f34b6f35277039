"""How an initiative's measured impact reads: its value, its sign and what the sign means.

impact = result - baseline. Whether a positive impact is good depends on the component: most
components are better higher, those in ``journeys.choices.LOWER_IS_BETTER`` (repeat rate,
re-identification, decay, satisfaction gap, contacts, hand-offs) are better lower.
"""

from dataclasses import dataclass
from enum import StrEnum

from journeys.choices import LOWER_IS_BETTER, Component

# Shares between 0 and 1, shown as percentages (their differences as percentage points).
RATE_COMPONENTS = frozenset(
    {
        Component.COMPLETION_RATE,
        Component.ON_TIME_RATE,
        Component.REPEAT_RATE,
        Component.REIDENTIFICATION_RATE,
        Component.SATISFACTION_DECAY,
    }
)
# Ratings on the 1-5 scale.
RATING_COMPONENTS = frozenset({Component.JOURNEY_CSAT, Component.TOUCHPOINT_CSAT, Component.CSAT_GAP})


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
        return Component(self.component).label

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


def lower_is_better(component: str) -> bool:
    return component in LOWER_IS_BETTER


def direction_of(component: str, delta: float) -> Direction:
    if abs(delta) < 1e-9:
        return Direction.NO_CHANGE
    improved = delta < 0 if lower_is_better(component) else delta > 0
    return Direction.IMPROVEMENT if improved else Direction.DETERIORATION


def impact_of(component: str, baseline: float | None, result: float | None) -> Impact | None:
    """The measured impact, or None while the baseline or the result is missing."""
    if baseline is None or result is None:
        return None
    delta = float(result) - float(baseline)
    return Impact(
        component=component,
        baseline=float(baseline),
        result=float(result),
        delta=delta,
        direction=direction_of(component, delta),
    )


def format_value(component: str, value: float | None) -> str:
    """A component value as people read it: rates in %, ratings to two decimals, the score to one."""
    if value is None:
        return "–"
    value = float(value)
    if component in RATE_COMPONENTS:
        return f"{value * 100:.1f}%"
    if component == Component.SCORE:
        return f"{value:.1f}"
    return f"{value:.2f}"


def format_delta(component: str, delta: float, *, signed: bool = True) -> str:
    """A difference: percentage points for rates, points for the score, two decimals otherwise."""
    delta = float(delta)
    sign = ("+" if delta > 0 else ("−" if delta < 0 else "±")) if signed else ""
    magnitude = abs(delta)
    if component in RATE_COMPONENTS:
        return f"{sign}{magnitude * 100:.1f} percentage points"
    if component == Component.SCORE:
        return f"{sign}{magnitude:.1f} points"
    return f"{sign}{magnitude:.2f}"
