"""The one registry of health knowledge (design section 4): every component, the status bands and the alerts.

Per component: its name (the ``HealthSnapshot`` field), label, unit, weight in the score, scorer
(value -> 0-100), which way is better, how its value and a change of it read, and what it means;
``component_values`` computes them all from a population's integer totals.
Per alert: its code, label, the threshold that raises it and its wording. The engine
(``journeys.services.health``), the journey page and API (``journeys.selectors.health``), the
charts, the impact of initiatives, the portfolio, the owner e-mails and the demo all read them here.

This module imports nothing of the app, so ``journeys.choices`` can build its choices from it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

# The segment of the snapshots of all customers.
OVERALL = ""
# Status bands of the score.
HEALTHY_FROM = 75
AT_RISK_FROM = 50
# Component values are stored, and thresholds compared, to this many decimals.
VALUE_DECIMALS = 4


class Unit(StrEnum):
    """How a component's value reads."""

    RATING = "rating"  # a 1-5 satisfaction rating (or a difference of two)
    RATE = "rate"  # a share between 0 and 1, shown as a percentage
    PER_JOURNEY = "per_journey"  # a count per customer journey
    SCORE = "score"  # the 0-100 health score


class Better(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def _rating_score(value: float) -> float:
    return (value - 1) / 4 * 100


def rating_for_score(score: float) -> float:
    """The 1-5 satisfaction rating that the satisfaction scorer gives ``score`` (0-100): 75 -> 4.0.

    A journey's target is a 0-100 score; a curve of ratings (the personas' emotion curves) compares
    itself with the rating that would meet it.
    """
    return 1 + 4 * float(score) / 100


def _rate_score(value: float) -> float:
    return 100 * value


def _effort_score(value: float) -> float:
    return 100 * (1 - value)


def _trajectory_score(value: float) -> float:
    return 100 * _clamp(1 - 2 * max(value, 0), 0, 1)


@dataclass(frozen=True)
class HealthComponent:
    name: str
    label: str
    unit: Unit
    better: Better
    meaning: str
    weight: int | None = None  # None: informational, not part of the score
    scorer: Callable[[float], float] | None = None
    signed: bool = False  # a difference (shown with its sign), not a level
    # The values the component can take (None: unbounded on that side): expected gains must fit in it.
    value_range: tuple[float | None, float | None] = (None, None)
    # Score points per unit of the value where the scorer is linear (informational: None).
    score_slope: float | None = None

    @property
    def lower_is_better(self) -> bool:
        return self.better == Better.LOWER

    @property
    def informational(self) -> bool:
        return self.weight is None

    def score(self, value: float | None) -> float | None:
        """The 0-100 score of a value, or None (informational, or no data)."""
        if self.scorer is None or value is None:
            return None
        return self.scorer(value)

    def points_per_unit(self, *, has_target_duration: bool = True) -> float | None:
        """Health-score points one unit of the value moves the score by: slope x weight share.

        The weight share is over the components the journey can have (on-time needs a target duration);
        the score itself counts as is; informational components move no score.
        """
        if self.name == SCORE_NAME:
            return 1.0
        if self.score_slope is None or self.weight is None:
            return None
        if self.name == "on_time_rate" and not has_target_duration:
            return None
        total = sum(c.weight for c in COMPONENTS if c.weight is not None)
        if not has_target_duration:
            total -= sum(c.weight for c in COMPONENTS if c.name == "on_time_rate" and c.weight is not None)
        return self.score_slope * self.weight / total

    def display(self, value: float) -> str:
        """The value with its unit in words, as the journey page and the API explain it: "4.20 of 5"."""
        if self.unit == Unit.RATING:
            return f"{value:+.2f} points" if self.signed else f"{value:.2f} of 5"
        if self.unit == Unit.RATE:
            return f"{value * 100:.1f}%"
        if self.unit == Unit.PER_JOURNEY:
            return f"{value:.2f} per journey"
        return f"{value:.1f}"

    def format_value(self, value: float | None) -> str:
        """The value in a table cell: rates in %, the score to one decimal, others to two."""
        if value is None:
            return "–"
        value = float(value)
        if self.unit == Unit.RATE:
            return f"{value * 100:.1f}%"
        if self.unit == Unit.SCORE:
            return f"{value:.1f}"
        return f"{value:.2f}"

    def format_delta(self, delta: float, *, signed: bool = True) -> str:
        """A change of the value: percentage points for rates, points for the score, two decimals otherwise."""
        delta = float(delta)
        sign = ("+" if delta > 0 else ("−" if delta < 0 else "±")) if signed else ""
        magnitude = abs(delta)
        if self.unit == Unit.RATE:
            return f"{sign}{magnitude * 100:.1f} percentage points"
        if self.unit == Unit.SCORE:
            return f"{sign}{magnitude:.1f} points"
        return f"{sign}{magnitude:.2f}"


SCORE_NAME = "score"
SCORE = HealthComponent(
    SCORE_NAME,
    "Health score",
    Unit.SCORE,
    Better.HIGHER,
    "The weighted mean of the component scores that have data, from 0 to 100.",
    value_range=(0, 100),
)
# The components of a snapshot, in the order the journey page and the API list them.
COMPONENTS: tuple[HealthComponent, ...] = (
    HealthComponent(
        "journey_csat",
        "Journey satisfaction",
        Unit.RATING,
        Better.HIGHER,
        "How satisfied customers are with the journey as a whole, rated 1 to 5 when it ends.",
        weight=30,
        scorer=_rating_score,
        value_range=(1, 5),
        score_slope=25.0,
    ),
    HealthComponent(
        "touchpoint_csat",
        "Touchpoint satisfaction",
        Unit.RATING,
        Better.HIGHER,
        "How customers rate the individual interactions along the way, 1 to 5.",
        value_range=(1, 5),
    ),
    HealthComponent(
        "csat_gap",
        "Satisfaction gap",
        Unit.RATING,
        Better.LOWER,
        "Touchpoint satisfaction minus journey satisfaction: a large gap means good moments add up to a poor journey.",
        signed=True,
        value_range=(-4, 4),
    ),
    HealthComponent(
        "completion_rate",
        "Completion rate",
        Unit.RATE,
        Better.HIGHER,
        "Of the journeys that ended, the share that were completed rather than abandoned.",
        weight=20,
        scorer=_rate_score,
        value_range=(0, 1),
        score_slope=100.0,
    ),
    HealthComponent(
        "on_time_rate",
        "On-time rate",
        Unit.RATE,
        Better.HIGHER,
        "Of the completed journeys, the share that finished within the promised duration.",
        weight=15,
        scorer=_rate_score,
        value_range=(0, 1),
        score_slope=100.0,
    ),
    HealthComponent(
        "contacts_per_instance",
        "Contacts per journey",
        Unit.PER_JOURNEY,
        Better.LOWER,
        "How many interactions a customer needs on average to get through the journey.",
        value_range=(0, None),
    ),
    HealthComponent(
        "repeat_rate",
        "Repeat rate",
        Unit.RATE,
        Better.LOWER,
        "The share of interactions where the customer had to come back about the same need (effort).",
        weight=15,
        scorer=_effort_score,
        value_range=(0, 1),
        score_slope=-100.0,
    ),
    HealthComponent(
        "reidentification_rate",
        "Re-identification rate",
        Unit.RATE,
        Better.LOWER,
        "The share of interactions where the customer had to identify themselves or repeat information again.",
        weight=10,
        scorer=_effort_score,
        value_range=(0, 1),
        score_slope=-100.0,
    ),
    HealthComponent(
        "handoffs_per_instance",
        "Channel hand-offs per journey",
        Unit.PER_JOURNEY,
        Better.LOWER,
        "How often a journey switches channel from one interaction to the next, on average.",
        value_range=(0, None),
    ),
    HealthComponent(
        "satisfaction_decay",
        "Satisfaction decay",
        Unit.RATE,
        Better.LOWER,
        "How much satisfaction falls from a customer's first rated interaction to their last (0% = no fall).",
        weight=10,
        scorer=_trajectory_score,
        value_range=(-4, 0.8),
        score_slope=-200.0,
    ),
)
COMPONENT_NAMES = tuple(component.name for component in COMPONENTS)
# Every measure an initiative can target: the score and the components.
MEASURES: dict[str, HealthComponent] = {component.name: component for component in (SCORE, *COMPONENTS)}
LOWER_IS_BETTER = frozenset(name for name, component in MEASURES.items() if component.lower_is_better)


@dataclass
class PopulationTotals:
    """Integer totals of one population (all customers or one segment) over one window: what the components
    are computed from. The engine sums them in SQL; the demo counts them over its planned data."""

    instances: int = 0
    rated_instances: int = 0
    instance_satisfaction: int = 0
    completed: int = 0
    abandoned: int = 0
    on_time: int = 0  # completed within the journey's target duration
    interactions: int = 0
    rated_interactions: int = 0
    interaction_satisfaction: int = 0
    repeats: int = 0
    reidentified: int = 0
    handoffs: int = 0  # a change of channel from one interaction of an instance to the next
    decay_instances: int = 0  # instances with two or more rated interactions
    first_rated_satisfaction: int = 0  # over those instances, the first rated interaction's satisfaction
    last_rated_satisfaction: int = 0  # and the last one's


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def component_values(totals: PopulationTotals, *, has_target_duration: bool) -> dict[str, float | None]:
    """Every component's value (None without data), as design section 4 defines it.

    Divisions of integer totals only, so every database gives the same figures.
    """
    t = totals
    journey_csat = _ratio(t.instance_satisfaction, t.rated_instances)
    touchpoint_csat = _ratio(t.interaction_satisfaction, t.rated_interactions)
    # (F - L) / F with F and L means over the same instances: the instance count cancels out.
    decay = (
        (t.first_rated_satisfaction - t.last_rated_satisfaction) / t.first_rated_satisfaction
        if t.decay_instances and t.first_rated_satisfaction
        else None
    )
    return {
        "journey_csat": journey_csat,
        "touchpoint_csat": touchpoint_csat,
        "csat_gap": (
            touchpoint_csat - journey_csat if touchpoint_csat is not None and journey_csat is not None else None
        ),
        "completion_rate": _ratio(t.completed, t.completed + t.abandoned),
        "on_time_rate": _ratio(t.on_time, t.completed) if has_target_duration else None,
        "contacts_per_instance": _ratio(t.interactions, t.instances),
        "repeat_rate": _ratio(t.repeats, t.interactions),
        "reidentification_rate": _ratio(t.reidentified, t.interactions),
        "handoffs_per_instance": _ratio(t.handoffs, t.instances),
        "satisfaction_decay": decay,
    }


def component(name: str) -> HealthComponent:
    """The score or a component by name; raises KeyError for an unknown one."""
    return MEASURES[name]


def component_score(name: str, value: float | None) -> float | None:
    """The 0-100 score of one component's value, or None (informational, or no data)."""
    return MEASURES[name].score(value)


# --- alerts ---------------------------------------------------------------------------------------

PARADOX_TOUCHPOINT_CSAT = 4.0
PARADOX_GAP = 1.0
DECAY_ALERT_FROM = 0.20
HEALTH_DROP_POINTS = Decimal("10")


def _stored(value: float) -> float:
    # Thresholds compare on the stored (rounded) values, so 4.4 - 3.4 counts as the 1.0 it is, not 0.99999...
    return round(value, VALUE_DECIMALS)


def _paradox_raised(values: dict[str, float | None], score, previous_score) -> bool:
    touchpoint_csat, gap = values["touchpoint_csat"], values["csat_gap"]
    return (
        touchpoint_csat is not None
        and gap is not None
        and _stored(touchpoint_csat) >= PARADOX_TOUCHPOINT_CSAT
        and _stored(gap) >= PARADOX_GAP
    )


def _decay_raised(values: dict[str, float | None], score, previous_score) -> bool:
    decay = values["satisfaction_decay"]
    return decay is not None and _stored(decay) >= DECAY_ALERT_FROM


def _drop_raised(values: dict[str, float | None], score, previous_score) -> bool:
    return score is not None and previous_score is not None and previous_score - score >= HEALTH_DROP_POINTS


def _paradox_explained(snapshot: Any) -> str:
    return (
        f"Each touchpoint scores {snapshot.touchpoint_csat:.1f} of 5 but customers rate the whole journey "
        f"{snapshot.journey_csat:.1f}: good moments are adding up to a poor journey."
    )


def _decay_explained(snapshot: Any) -> str:
    return (
        f"Satisfaction falls {snapshot.satisfaction_decay * 100:.0f}% between a customer's first and last "
        "rated interaction: the journey wears customers down as it goes on."
    )


def _drop_explained(snapshot: Any) -> str | None:
    previous_score = getattr(snapshot, "previous_score", None)
    previous_as_of = getattr(snapshot, "previous_as_of", None)
    if previous_score is None or snapshot.score is None:
        return None
    return (
        f"The health score fell {previous_score - snapshot.score:.1f} points, from {previous_score:.1f} on "
        f"{previous_as_of:%d %b %Y} to {snapshot.score:.1f}."
    )


def _paradox_reason(snapshot: Any) -> str:
    if snapshot.touchpoint_csat is None or snapshot.journey_csat is None:
        return ""
    return f"touchpoints score {snapshot.touchpoint_csat:.1f}/5, the whole journey {snapshot.journey_csat:.1f}/5"


def _decay_reason(snapshot: Any) -> str:
    if snapshot.satisfaction_decay is None:
        return ""
    return f"satisfaction falls {snapshot.satisfaction_decay * 100:.0f}% from first contact to last"


def _drop_reason(snapshot: Any) -> str:
    if getattr(snapshot, "previous_score", None) is not None and snapshot.score:
        return f"score fell {snapshot.previous_score - snapshot.score:.1f} points since the previous snapshot"
    return f"score fell {HEALTH_DROP_POINTS} points or more since the previous snapshot"


@dataclass(frozen=True)
class HealthAlert:
    code: str
    label: str
    # (component values, score, previous score of the segment) -> is the alert raised?
    raised: Callable[[dict[str, float | None], Decimal | None, Decimal | None], bool]
    summary: str  # the alert in general words: the owner's e-mail, and the explanation when figures are missing
    explained: Callable[[Any], str | None]  # one sentence with the snapshot's figures (journey page, API)
    reason: Callable[[Any], str]  # a short reason with the figures (the portfolio's alert column)
    # Its sentences need the segment's previous snapshot (``previous_score``, ``previous_as_of`` on the snapshot).
    needs_previous: bool = False

    def explain(self, snapshot: Any) -> str:
        """One sentence a journey owner can act on."""
        return self.explained(snapshot) or self.summary


ALERTS: tuple[HealthAlert, ...] = (
    HealthAlert(
        "touchpoint_paradox",
        "Touchpoint paradox",
        _paradox_raised,
        "Touchpoints score well but the journey as a whole does not: customers are let down "
        "between the moments you measure.",
        _paradox_explained,
        _paradox_reason,
    ),
    HealthAlert(
        "satisfaction_decay",
        "Satisfaction decay",
        _decay_raised,
        "Satisfaction falls over the course of the journey: customers start happier than they end.",
        _decay_explained,
        _decay_reason,
    ),
    HealthAlert(
        "health_drop",
        "Health drop",
        _drop_raised,
        f"The health score fell {HEALTH_DROP_POINTS} points or more since the previous snapshot.",
        _drop_explained,
        _drop_reason,
        needs_previous=True,
    ),
)
ALERTS_BY_CODE: dict[str, HealthAlert] = {alert.code: alert for alert in ALERTS}


def raised_alerts(values: dict[str, float | None], score: Decimal | None, previous_score: Decimal | None) -> list[str]:
    """The codes of the alerts a snapshot's values raise, in the registry's order."""
    return [alert.code for alert in ALERTS if alert.raised(values, score, previous_score)]


def too_few_to_judge(sample_size: int, needed: int) -> str:
    """How a score with fewer journeys than the journey's minimum sample reads, in an owner's words."""
    return f"Too few journeys to judge: {sample_size} of the {needed} needed"
