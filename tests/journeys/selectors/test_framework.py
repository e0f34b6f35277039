"""The framework's roll-up, checked against sums worked by hand, and its query cost."""

import datetime as dt
from decimal import Decimal

import pytest

from journeys.choices import HealthStatus
from journeys.selectors.framework import ancestors, journey_framework
from tests.factories import HealthSnapshotFactory, JourneyFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 30)


def _snapshot(journey, *, score, sample_size, status=HealthStatus.AT_RISK, as_of=TODAY, segment=""):
    return HealthSnapshotFactory(
        journey=journey, score=score, sample_size=sample_size, status=status, as_of=as_of, segment=segment
    )


def test_the_roll_up_is_the_sample_weighted_mean_and_leaves_out_children_that_cannot_be_judged():
    # given: Become a customer over four children
    become = JourneyFactory(name="Become a customer", min_sample=30)
    onboarding = JourneyFactory(name="Onboarding", parent=become, min_sample=30)
    first_bill = JourneyFactory(name="First bill", parent=become, min_sample=30)
    switching = JourneyFactory(name="Switching in", parent=become, min_sample=30)
    JourneyFactory(name="Referral", parent=become, status="draft")
    # an older, higher snapshot of onboarding must not count: only the latest does
    _snapshot(onboarding, score=90, sample_size=500, status=HealthStatus.HEALTHY, as_of=TODAY - dt.timedelta(days=1))
    _snapshot(onboarding, score=Decimal("80.0"), sample_size=300, status=HealthStatus.HEALTHY)
    _snapshot(first_bill, score=Decimal("60.0"), sample_size=100)
    _snapshot(switching, score=None, sample_size=12, status=HealthStatus.INSUFFICIENT_DATA)
    # the parent's own data is shown, never mixed into the roll-up
    _snapshot(become, score=Decimal("10.0"), sample_size=1000, status=HealthStatus.CRITICAL)

    # when
    node = journey_framework().node(become)

    # then, by hand: (80 x 300 + 60 x 100) / (300 + 100) = 30000 / 400 = 75.0
    assert node.rollup.score == Decimal("75.0")
    assert node.rollup.sample_size == 400
    assert node.rollup.status == HealthStatus.HEALTHY
    assert [(part.journey.name, part.score, part.sample_size) for part in node.rollup.parts] == [
        ("First bill", Decimal("60.0"), 100),
        ("Onboarding", Decimal("80.0"), 300),
    ]
    assert [(item.journey.name, item.reason) for item in node.rollup.excluded] == [
        ("Referral", "Draft: only active journeys count"),
        ("Switching in", "Too few journeys to judge: 12 of the 30 needed"),
    ]
    assert node.snapshot.score == Decimal("10.0")


def test_an_unweighted_mean_would_differ_so_the_weights_matter():
    # 90 over 10 journeys and 50 over 30: weighted (900 + 1500) / 40 = 60.0, plain mean 70.0
    parent = JourneyFactory(name="Parent")
    _snapshot(JourneyFactory(name="Small", parent=parent), score=90, sample_size=10, status=HealthStatus.HEALTHY)
    _snapshot(JourneyFactory(name="Large", parent=parent), score=50, sample_size=30)
    assert journey_framework().node(parent).rollup.score == Decimal("60.0")


def test_a_rounding_case_worked_by_hand():
    # (70.1 x 3 + 62.4 x 7) / 10 = (210.3 + 436.8) / 10 = 64.71 -> 64.7
    parent = JourneyFactory(name="Parent")
    _snapshot(JourneyFactory(name="A", parent=parent), score=Decimal("70.1"), sample_size=3)
    _snapshot(JourneyFactory(name="B", parent=parent), score=Decimal("62.4"), sample_size=7)
    assert journey_framework().node(parent).rollup.score == Decimal("64.7")


def test_a_middle_parent_without_a_verdict_of_its_own_stands_in_with_its_roll_up():
    top = JourneyFactory(name="Customer lifecycle")
    middle = JourneyFactory(name="Become a customer", parent=top)
    _snapshot(JourneyFactory(name="Onboarding", parent=middle), score=80, sample_size=30, status=HealthStatus.HEALTHY)
    _snapshot(JourneyFactory(name="First bill", parent=middle), score=40, sample_size=10, status=HealthStatus.CRITICAL)
    _snapshot(JourneyFactory(name="Moving home", parent=top), score=50, sample_size=60)
    framework = journey_framework()
    # middle: (80 x 30 + 40 x 10) / 40 = 70.0 over 40 journeys; top: (70 x 40 + 50 x 60) / 100 = 58.0
    assert framework.node(middle).rollup.score == Decimal("70.0")
    top_rollup = framework.node(top).rollup
    assert top_rollup.score == Decimal("58.0")
    assert [(part.journey.name, part.from_rollup) for part in top_rollup.parts] == [
        ("Become a customer", True),
        ("Moving home", False),
    ]


def test_a_parent_whose_children_all_lack_data_has_no_roll_up_score_and_says_why():
    parent = JourneyFactory(name="Parent")
    JourneyFactory(name="Never computed", parent=parent)
    rollup = journey_framework().node(parent).rollup
    assert rollup.score is None
    assert rollup.status == HealthStatus.INSUFFICIENT_DATA
    assert [(item.journey.name, item.reason) for item in rollup.excluded] == [
        ("Never computed", "Health not computed yet")
    ]


def test_the_tree_lists_parents_before_children_with_depths_and_the_worst_segment():
    become = JourneyFactory(name="Become a customer")
    onboarding = JourneyFactory(name="Onboarding", parent=become)
    JourneyFactory(name="Aardvark")  # a second top-level journey, first by name
    _snapshot(onboarding, score=80, sample_size=40, status=HealthStatus.HEALTHY)
    _snapshot(onboarding, score=55, sample_size=10, segment="business")
    _snapshot(onboarding, score=65, sample_size=10, segment="residential")
    rows = journey_framework().rows()
    assert [(row.journey.name, row.depth) for row in rows] == [
        ("Aardvark", 0),
        ("Become a customer", 0),
        ("Onboarding", 1),
    ]
    assert rows[2].worst_segment.segment == "business"
    assert ancestors(onboarding) == [(become.pk, "Become a customer")]


def _tree(width: int) -> None:
    for index in range(width):
        parent = JourneyFactory(name=f"Parent {index}")
        for child_index in range(3):
            child = JourneyFactory(name=f"Child {index}.{child_index}", parent=parent)
            _snapshot(child, score=60 + child_index, sample_size=40)
            _snapshot(child, score=50, sample_size=10, segment="business")


def test_the_framework_costs_the_same_queries_for_a_small_and_a_large_tree(django_assert_num_queries):
    _tree(1)
    with django_assert_num_queries(3):
        journey_framework()
    _tree(6)
    with django_assert_num_queries(3):
        framework = journey_framework()
    assert len(framework.rows()) == 28
