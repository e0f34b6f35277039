"""The health registry: one definition of every component and alert, that the choices and readers follow."""

from decimal import Decimal

import pytest

from journeys.choices import Alert, Component
from journeys.health_components import (
    ALERTS,
    COMPONENTS,
    HEALTH_DROP_POINTS,
    LOWER_IS_BETTER,
    MEASURES,
    PopulationTotals,
    component,
    component_values,
    raised_alerts,
)

NO_VALUES = dict.fromkeys(component.name for component in COMPONENTS)


def test_the_component_choices_are_the_registry_s_names_and_labels_in_its_order():
    assert Component.choices == [(name, measure.label) for name, measure in MEASURES.items()]
    assert Component.SCORE == "score"
    assert Component("repeat_rate").label == "Repeat rate"


def test_the_alert_choices_are_the_registry_s_codes_and_labels():
    assert Alert.choices == [(alert.code, alert.label) for alert in ALERTS]
    assert Alert.HEALTH_DROP == "health_drop"


def test_the_weights_of_the_scored_components_add_up_to_100():
    assert sum(component.weight for component in COMPONENTS if component.weight) == 100
    assert all(component.scorer is not None for component in COMPONENTS if component.weight)


@pytest.mark.parametrize(
    ("name", "best", "worst"),
    [
        ("journey_csat", 5, 1),
        ("completion_rate", 1, 0),
        ("on_time_rate", 1, 0),
        ("repeat_rate", 0, 1),
        ("reidentification_rate", 0, 1),
        ("satisfaction_decay", 0, 0.5),
    ],
)
def test_a_scored_component_scores_100_at_its_best_and_0_at_its_worst(name, best, worst):
    assert component(name).score(best) == 100
    assert component(name).score(worst) == 0
    assert component(name).score(None) is None


def test_a_component_scores_the_way_it_is_better():
    for measure in MEASURES.values():
        assert measure.lower_is_better == (measure.name in LOWER_IS_BETTER)
    assert component("repeat_rate").score(0.1) > component("repeat_rate").score(0.2)
    assert component("completion_rate").score(0.9) > component("completion_rate").score(0.8)


@pytest.mark.parametrize(
    ("name", "value", "display", "cell"),
    [
        ("journey_csat", 4.2, "4.20 of 5", "4.20"),
        ("csat_gap", 0.3, "+0.30 points", "0.30"),
        ("repeat_rate", 0.125, "12.5%", "12.5%"),
        ("contacts_per_instance", 2.1, "2.10 per journey", "2.10"),
    ],
)
def test_a_value_reads_with_its_unit(name, value, display, cell):
    assert component(name).display(value) == display
    assert component(name).format_value(value) == cell


def test_a_change_reads_in_points_of_its_unit():
    assert component("repeat_rate").format_delta(-0.05) == "−5.0 percentage points"
    assert component("score").format_delta(3.25) == "+3.2 points"
    assert component("journey_csat").format_delta(0.2, signed=False) == "0.20"


def test_the_health_drop_is_raised_from_the_threshold_on_and_worded_with_it():
    assert raised_alerts(NO_VALUES, Decimal("50.0"), Decimal("50.0") + HEALTH_DROP_POINTS) == ["health_drop"]
    assert raised_alerts(NO_VALUES, Decimal("50.1"), Decimal("60.0")) == []
    assert raised_alerts(NO_VALUES, Decimal("50.0"), None) == []
    drop = next(alert for alert in ALERTS if alert.code == "health_drop")
    assert drop.summary == "The health score fell 10 points or more since the previous snapshot."


def test_the_paradox_and_the_decay_compare_on_the_stored_values():
    # 4.4 - 3.4 is 0.9999999999999996 in floating point, 1.0 once stored; 0.19994 is stored as 0.1999
    values = {**NO_VALUES, "touchpoint_csat": 4.4, "csat_gap": 4.4 - 3.4, "satisfaction_decay": 0.19994}

    assert raised_alerts(values, None, None) == ["touchpoint_paradox"]
    assert raised_alerts({**values, "satisfaction_decay": 0.2}, None, None) == [
        "touchpoint_paradox",
        "satisfaction_decay",
    ]


def test_the_components_are_computed_from_integer_totals():
    totals = PopulationTotals(
        instances=4,
        rated_instances=2,
        instance_satisfaction=6,
        completed=3,
        abandoned=1,
        on_time=2,
        interactions=10,
        rated_interactions=5,
        interaction_satisfaction=20,
        repeats=1,
        reidentified=2,
        handoffs=3,
        decay_instances=2,
        first_rated_satisfaction=8,
        last_rated_satisfaction=6,
    )

    values = component_values(totals, has_target_duration=True)

    assert values == {
        "journey_csat": 3.0,
        "touchpoint_csat": 4.0,
        "csat_gap": 1.0,
        "completion_rate": 0.75,
        "on_time_rate": 2 / 3,
        "contacts_per_instance": 2.5,
        "repeat_rate": 0.1,
        "reidentification_rate": 0.2,
        "handoffs_per_instance": 0.75,
        "satisfaction_decay": 0.25,
    }
    assert component_values(totals, has_target_duration=False)["on_time_rate"] is None
    assert set(component_values(PopulationTotals(), has_target_duration=True).values()) == {None}
