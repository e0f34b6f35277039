import pytest

from improvements.impact import Direction, format_delta, format_value, impact_of
from journeys.choices import Component
from journeys.health_components import LOWER_IS_BETTER

HIGHER_IS_BETTER = [component for component in Component if component not in LOWER_IS_BETTER]


@pytest.mark.parametrize("component", HIGHER_IS_BETTER)
def test_a_rise_is_an_improvement_where_higher_is_better(component):
    impact = impact_of(component, 0.5, 0.7)

    assert impact.delta == pytest.approx(0.2)
    assert impact.direction == Direction.IMPROVEMENT
    assert "an improvement, because a higher" in impact.explanation


@pytest.mark.parametrize("component", HIGHER_IS_BETTER)
def test_a_fall_is_a_deterioration_where_higher_is_better(component):
    impact = impact_of(component, 0.7, 0.5)

    assert impact.delta == pytest.approx(-0.2)
    assert impact.direction == Direction.DETERIORATION
    assert "a deterioration" in impact.explanation


@pytest.mark.parametrize("component", sorted(LOWER_IS_BETTER))
def test_a_fall_is_an_improvement_where_lower_is_better(component):
    impact = impact_of(component, 0.30, 0.18)

    assert impact.delta == pytest.approx(-0.12)
    assert impact.direction == Direction.IMPROVEMENT
    assert "fell" in impact.explanation
    assert "an improvement, because a lower" in impact.explanation


@pytest.mark.parametrize("component", sorted(LOWER_IS_BETTER))
def test_a_rise_is_a_deterioration_where_lower_is_better(component):
    impact = impact_of(component, 0.18, 0.30)

    assert impact.direction == Direction.DETERIORATION


def test_the_six_lower_is_better_components_are_the_ones_the_design_names():
    assert {str(c) for c in LOWER_IS_BETTER} == {
        "repeat_rate",
        "reidentification_rate",
        "satisfaction_decay",
        "csat_gap",
        "contacts_per_instance",
        "handoffs_per_instance",
    }


def test_no_change_reads_as_such():
    impact = impact_of("score", 70, 70)

    assert impact.direction == Direction.NO_CHANGE
    assert impact.explanation.startswith("No change")


def test_there_is_no_impact_without_baseline_or_result():
    assert impact_of("score", None, 70) is None
    assert impact_of("score", 70, None) is None


def test_rates_read_in_percent_and_their_differences_in_percentage_points():
    assert format_value("repeat_rate", 0.125) == "12.5%"
    assert format_delta("repeat_rate", -0.05) == "−5.0 percentage points"
    assert format_delta("score", 3.25) == "+3.2 points"
    assert format_value("journey_csat", 3.456) == "3.46"
