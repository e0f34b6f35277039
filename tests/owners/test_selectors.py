"""Ownership gaps, the harmonisation index, the matrix and the blueprint lanes (design section 7)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from journeys.models import Journey
from owners.choices import Gap, Verdict
from owners.selectors import (
    UNASSIGNED_LANE,
    blueprint_lanes,
    incentive_matrix,
    journey_gaps,
    journeys_gaps,
)
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_worked_example_has_every_gap_and_an_index_of_one_third(organisation):
    # when
    gaps = journey_gaps(organisation.journey)

    # then
    assert gaps.codes == [
        Gap.NO_OWNER,
        Gap.UNCOVERED_FUNCTIONS,
        Gap.UNREVIEWED_INCENTIVES,
        Gap.CONFLICTING_INCENTIVES,
        Gap.STALE_MAP,
    ]
    assert [f.name for f in gaps.functions] == ["Customer Service", "Field Operations"]
    assert [f.name for f in gaps.uncovered_functions] == ["Field Operations"]
    assert [i.name for i in gaps.unreviewed_incentives] == ["Jobs per day"]
    assert [s.incentive.name for s in gaps.conflicting_incentives] == ["Average handle time"]
    assert gaps.aligned_count == 1
    assert gaps.incentive_count == 3
    assert gaps.harmonisation_index == pytest.approx(1 / 3)


def test_a_journey_with_an_owner_a_full_team_and_aligned_incentives_has_no_gaps(organisation):
    # given
    journey = organisation.journey
    factories.OwnershipFactory(journey=journey)
    factories.TeamMembershipFactory(
        journey=journey, person=factories.PersonFactory(function=organisation.field_operations)
    )
    factories.IncentiveReviewFactory(incentive=organisation.handle_time, journey=journey, verdict=Verdict.ALIGNED)
    factories.IncentiveReviewFactory(incentive=organisation.jobs_per_day, journey=journey, verdict=Verdict.ALIGNED)
    journey.map_reviewed_on = timezone.localdate() - dt.timedelta(days=10)
    journey.save()

    # when
    gaps = journey_gaps(journey)

    # then
    assert gaps.codes == []
    assert gaps.harmonisation_index == 1.0


def test_a_neutral_verdict_is_reviewed_but_does_not_count_as_aligned(organisation):
    factories.IncentiveReviewFactory(
        incentive=organisation.jobs_per_day, journey=organisation.journey, verdict="neutral"
    )

    gaps = journey_gaps(organisation.journey)

    assert gaps.unreviewed_incentives == []
    assert gaps.harmonisation_index == pytest.approx(1 / 3)


def test_the_newest_review_is_the_current_verdict_even_when_reviews_share_a_timestamp(organisation):
    # given two reviews at the same instant: the later row wins
    moment = timezone.now()
    journey = organisation.journey
    factories.IncentiveReviewFactory(
        incentive=organisation.handle_time, journey=journey, verdict="conflicting", reviewed_at=moment
    )
    factories.IncentiveReviewFactory(
        incentive=organisation.handle_time, journey=journey, verdict="aligned", reviewed_at=moment
    )

    gaps = journey_gaps(journey)

    assert gaps.conflicting_incentives == []
    assert gaps.aligned_count == 2


def test_a_conflicting_verdict_on_an_inactive_incentive_is_not_a_gap(organisation):
    gaps = journey_gaps(organisation.journey)

    assert organisation.retired_measure.pk not in [s.incentive.pk for s in gaps.conflicting_incentives]


def test_the_index_is_null_when_no_touching_function_has_an_active_incentive(journey):
    factories.ResponsibilityFactory(touchpoint=factories.TouchpointFactory(stage__journey=journey))

    gaps = journey_gaps(journey)

    assert gaps.incentive_count == 0
    assert gaps.harmonisation_index is None
    assert Gap.UNREVIEWED_INCENTIVES not in gaps.codes


def test_a_team_member_without_a_function_covers_no_function(journey):
    touchpoint = factories.TouchpointFactory(stage__journey=journey)
    function = factories.FunctionFactory(name="Digital", slug="digital")
    factories.ResponsibilityFactory(touchpoint=touchpoint, function=function)
    factories.TeamMembershipFactory(journey=journey, person=factories.PersonFactory(function=None))

    assert [f.name for f in journey_gaps(journey).uncovered_functions] == ["Digital"]


@pytest.mark.parametrize(
    ("created_days_ago", "reviewed_days_ago", "stale"),
    [(0, None, False), (90, None, False), (91, None, True), (400, 0, False), (400, 90, False), (400, 91, True)],
)
def test_a_map_is_stale_when_neither_drawn_nor_reviewed_in_the_last_90_days(
    journey, created_days_ago, reviewed_days_ago, stale
):
    today = dt.date(2026, 11, 22)
    created_at = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=created_days_ago), dt.time(12)))
    journey.map_reviewed_on = None if reviewed_days_ago is None else today - dt.timedelta(days=reviewed_days_ago)
    journey.save()
    Journey.objects.filter(pk=journey.pk).update(created_at=created_at)
    journey.refresh_from_db()

    assert journey_gaps(journey, today=today).stale_map is stale


@pytest.mark.parametrize("status", ["draft", "retired"])
def test_no_owner_and_stale_map_concern_active_journeys_only(status):
    journey = factories.JourneyFactory(status=status)

    gaps = journey_gaps(journey)

    assert gaps.no_owner is False
    assert gaps.stale_map is False


def test_an_ended_ownership_leaves_the_journey_without_owner(journey):
    factories.OwnershipFactory(journey=journey, ended_on=timezone.localdate())

    assert journey_gaps(journey).no_owner is True


def _journey_with_gaps(n):
    journey = factories.JourneyFactory()
    function = factories.FunctionFactory(name=f"Function for {n}", slug=f"function-for-{n}")
    touchpoint = factories.TouchpointFactory(stage__journey=journey)
    factories.ResponsibilityFactory(touchpoint=touchpoint, function=function)
    incentive = factories.IncentiveFactory(function=function)
    factories.IncentiveReviewFactory(incentive=incentive, journey=journey, verdict="aligned")
    factories.IncentiveFactory(function=function)
    factories.OwnershipFactory(journey=journey)
    factories.TeamMembershipFactory(journey=journey)
    return journey


def _queries_for_gaps(journeys):
    with CaptureQueriesContext(connection) as captured:
        result = journeys_gaps(journeys)
        for gaps in result.values():
            _ = (gaps.codes, gaps.harmonisation_index, [i.function.name for i in gaps.unreviewed_incentives])
            _ = [f.name for f in gaps.uncovered_functions]
            _ = gaps.owner.person.name if gaps.owner else None
    return len(captured), result


def test_gaps_cost_the_same_number_of_queries_for_one_journey_and_for_ten():
    # given
    one = [_journey_with_gaps(0)]
    ten = [_journey_with_gaps(n) for n in range(1, 11)]

    # when
    queries_for_one, _ = _queries_for_gaps(one)
    queries_for_ten, result = _queries_for_gaps(ten)

    # then
    assert queries_for_one == queries_for_ten
    assert queries_for_ten <= 8  # six for the gaps, the stored evidence, the issues raised about conflicts
    assert all(gaps.harmonisation_index == 0.5 for gaps in result.values())


def test_gaps_from_verdicts_only_are_the_full_gaps_without_the_reviews_details(organisation, django_assert_num_queries):
    # given: the worked example with its conflicting verdict, plus an aligned one the evidence contradicts
    journey = organisation.journey
    factories.IncentiveReviewFactory(incentive=organisation.jobs_per_day, journey=journey, verdict=Verdict.ALIGNED)
    full = journey_gaps(journey)

    # when
    with django_assert_num_queries(8):
        lean = journeys_gaps([journey], verdicts_only=True)[journey.pk]

    # then: the same gaps, counts and verdicts; the reviews hold their verdict and not their rationale
    assert lean.codes == full.codes
    assert (lean.aligned_count, lean.incentive_count) == (full.aligned_count, full.incentive_count)
    assert [s.verdict for s in lean.standings] == [s.verdict for s in full.standings]
    assert [s.incentive.name for s in lean.conflicting_incentives] == ["Average handle time"]
    review = lean.conflicting_incentives[0].review
    assert not any(hasattr(review, name) for name in ("rationale", "reviewed_at", "reviewer_id"))
    full_review = full.conflicting_incentives[0].review
    assert (review.id, review.incentive_id, review.journey_id, review.verdict) == (
        full_review.id,
        full_review.incentive_id,
        full_review.journey_id,
        full_review.verdict,
    )


def test_lanes_group_touchpoints_by_function_and_put_the_rest_in_unassigned(organisation, django_assert_num_queries):
    welcome_call, installation, letter = organisation.touchpoints

    with django_assert_num_queries(1):
        lanes = blueprint_lanes(organisation.journey, organisation.touchpoints)

    assert lanes == [
        ("Customer Service", {welcome_call.pk, installation.pk}),
        ("Field Operations", {installation.pk}),
        (UNASSIGNED_LANE, {letter.pk}),
    ]


def test_lanes_have_no_unassigned_lane_when_every_touchpoint_has_a_function(journey):
    touchpoint = factories.TouchpointFactory(stage__journey=journey)
    factories.ResponsibilityFactory(touchpoint=touchpoint, function=factories.FunctionFactory(name="Digital"))

    assert blueprint_lanes(journey, [touchpoint]) == [("Digital", {touchpoint.pk})]


def test_the_matrix_shows_current_verdicts_unreviewed_and_not_touched_cells(organisation):
    # given a second journey touched by Billing only
    other = factories.JourneyFactory(name="Billing dispute", slug="billing-dispute")
    factories.ResponsibilityFactory(
        touchpoint=factories.TouchpointFactory(stage__journey=other), function=organisation.billing
    )

    # when
    matrix = incentive_matrix()

    # then
    assert [column.journey.name for column in matrix.columns] == ["Billing dispute", "Onboarding"]
    assert [column.harmonisation_index for column in matrix.columns] == [0.0, pytest.approx(1 / 3)]
    assert [group.function.name for group in matrix.groups] == ["Billing", "Customer Service", "Field Operations"]
    states = {
        (incentive.name, cell.journey.slug): cell.state
        for group in matrix.groups
        for incentive, cells in group.rows
        for cell in cells
    }
    assert states == {
        ("Collections", "billing-dispute"): "unreviewed",
        ("Collections", "onboarding"): "not_touched",
        ("Average handle time", "billing-dispute"): "not_touched",
        ("Average handle time", "onboarding"): "conflicting",
        ("First-contact resolution", "billing-dispute"): "not_touched",
        ("First-contact resolution", "onboarding"): "aligned",
        ("Jobs per day", "billing-dispute"): "not_touched",
        ("Jobs per day", "onboarding"): "unreviewed",
    }


def test_the_matrix_costs_a_constant_number_of_queries(organisation):
    def count():
        with CaptureQueriesContext(connection) as captured:
            matrix = incentive_matrix()
            _ = [cell.label for group in matrix.groups for _, cells in group.rows for cell in cells]
        return len(captured)

    before = count()
    for n in range(5):
        _journey_with_gaps(100 + n)
    assert count() == before
