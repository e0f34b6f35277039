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
