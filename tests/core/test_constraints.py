"""The database itself refuses bad rows: each constraint of design section 3."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from improvements.models import Initiative, InitiativeUpdate, Issue
from journeys.models import HealthSnapshot, Interaction, Journey, JourneyInstance, Stage, Touchpoint
from owners.models import Incentive, Ownership, Responsibility, TeamMembership
from tests import factories

pytestmark = pytest.mark.django_db


def refused(callable_, *args, **kwargs) -> bool:
    """True when the database raises IntegrityError; the savepoint keeps the test transaction usable."""
    try:
        with transaction.atomic():
            callable_(*args, **kwargs)
    except IntegrityError:
        return True
    return False


def test_the_database_allows_only_one_active_owner_per_journey():
    ownership = factories.OwnershipFactory()

    assert refused(Ownership.objects.create, journey=ownership.journey, person=factories.PersonFactory())
    assert Ownership.objects.filter(journey=ownership.journey).count() == 1


def test_ended_ownerships_do_not_count_against_the_active_owner():
    ownership = factories.OwnershipFactory(ended_on=timezone.localdate())

    Ownership.objects.create(journey=ownership.journey, person=factories.PersonFactory())

    assert Ownership.objects.filter(journey=ownership.journey, ended_on__isnull=True).count() == 1


def test_an_ownership_cannot_end_before_it_started():
    journey = factories.JourneyFactory()
    today = timezone.localdate()

    assert refused(
        Ownership.objects.create,
        journey=journey,
        person=factories.PersonFactory(),
        started_on=today,
        ended_on=today - dt.timedelta(days=1),
    )


def test_a_touchpoint_key_is_unique_within_its_journey_but_not_across_journeys():
    touchpoint = factories.TouchpointFactory(key="install-visit")
    other_stage = factories.StageFactory()

    assert refused(
        Touchpoint.objects.create, stage=touchpoint.stage, key="install-visit", name="Again", channel="phone"
    )
    Touchpoint.objects.create(stage=other_stage, key="install-visit", name="Elsewhere", channel="field")
    assert Touchpoint.objects.filter(key="install-visit").count() == 2


def test_a_touchpoint_journey_must_be_its_stage_journey():
    stage = factories.StageFactory()
    other_journey = factories.JourneyFactory()

    assert refused(
        Touchpoint.objects.create, stage=stage, journey=other_journey, key="k", name="Mismatch", channel="web"
    )


def test_stage_positions_and_names_are_unique_within_a_journey():
    stage = factories.StageFactory(name="Install", position=2)

    assert refused(Stage.objects.create, journey=stage.journey, name="Other", position=2)
    assert refused(Stage.objects.create, journey=stage.journey, name="Install", position=3)
    assert Stage.objects.filter(journey=stage.journey).count() == 1


def test_an_interaction_touchpoint_must_belong_to_its_instance_journey():
    instance = factories.JourneyInstanceFactory()
    foreign_touchpoint = factories.TouchpointFactory()  # on another journey

    assert refused(
        Interaction.objects.create,
        instance=instance,
        touchpoint=foreign_touchpoint,
        external_id="x1",
        channel="phone",
        occurred_at=instance.started_at,
    )
    assert not Interaction.objects.exists()


def test_one_mismatching_interaction_among_many_refuses_the_whole_insert():
    # given: a bulk insert (one statement) where only the last row has a touchpoint of another journey
    instance = factories.JourneyInstanceFactory()
    touchpoint = factories.TouchpointFactory(stage__journey=instance.journey)
    foreign_touchpoint = factories.TouchpointFactory()
    rows = [
        Interaction(
            instance=instance,
            touchpoint=touchpoint if number < 4 else foreign_touchpoint,
            external_id=f"x{number}",
            channel="phone",
            occurred_at=instance.started_at,
        )
        for number in range(5)
    ]

    # then
    assert refused(Interaction.objects.bulk_create, rows)
    assert not Interaction.objects.exists()


def test_an_interaction_cannot_be_moved_to_a_touchpoint_of_another_journey():
    interaction = factories.InteractionFactory()
    foreign_touchpoint = factories.TouchpointFactory()

    assert refused(Interaction.objects.filter(pk=interaction.pk).update, touchpoint=foreign_touchpoint)


def test_an_instance_cannot_end_before_it_started():
    journey = factories.JourneyFactory()
    now = timezone.now()

    assert refused(
        JourneyInstance.objects.create,
        journey=journey,
        external_id="a",
        started_at=now,
        ended_at=now - dt.timedelta(minutes=1),
        outcome="completed",
    )


@pytest.mark.parametrize(
    ("outcome", "has_end"),
    [("completed", False), ("abandoned", False), ("in_progress", True)],
)
def test_an_instance_outcome_must_match_whether_it_has_ended(outcome, has_end):
    journey = factories.JourneyFactory()
    now = timezone.now()

    assert refused(
        JourneyInstance.objects.create,
        journey=journey,
        external_id="a",
        started_at=now,
        ended_at=now if has_end else None,
        outcome=outcome,
    )


@pytest.mark.parametrize("satisfaction", [0, 6])
def test_satisfaction_is_refused_outside_one_to_five(satisfaction):
    instance = factories.JourneyInstanceFactory()
    touchpoint = factories.TouchpointFactory(stage__journey=instance.journey)

    assert refused(JourneyInstance.objects.filter(pk=instance.pk).update, satisfaction=satisfaction)
    assert refused(
        Interaction.objects.create,
        instance=instance,
        touchpoint=touchpoint,
        external_id="i",
        channel="phone",
        occurred_at=instance.started_at,
        satisfaction=satisfaction,
    )


def test_external_ids_are_unique_per_journey_and_per_instance():
    interaction = factories.InteractionFactory(external_id="call-1")
    instance = interaction.instance

    assert refused(
        JourneyInstance.objects.create,
        journey=instance.journey,
        external_id=instance.external_id,
        started_at=instance.started_at,
    )
    assert refused(
        Interaction.objects.create,
        instance=instance,
        touchpoint=interaction.touchpoint,
        external_id="call-1",
        channel="phone",
        occurred_at=instance.started_at,
    )


def test_there_is_one_snapshot_per_journey_segment_and_day():
    snapshot = factories.HealthSnapshotFactory(segment="first-time")
    factories.HealthSnapshotFactory(journey=snapshot.journey, segment="", as_of=snapshot.as_of)

    assert refused(
        HealthSnapshot.objects.create,
        journey=snapshot.journey,
        segment="first-time",
        as_of=snapshot.as_of,
        computed_at=timezone.now(),
        window_start=snapshot.window_start,
        window_end=snapshot.window_end,
        status="healthy",
    )


def test_journey_targets_stay_in_range():
    assert refused(Journey.objects.create, name="J", slug="j", target_score=101)
    assert refused(Journey.objects.create, name="J", slug="j2", window_days=0)


def test_team_seats_responsibilities_and_incentive_names_are_unique():
    seat = factories.TeamMembershipFactory()
    responsibility = factories.ResponsibilityFactory()
    incentive = factories.IncentiveFactory()

    assert refused(TeamMembership.objects.create, journey=seat.journey, person=seat.person)
    assert refused(
        Responsibility.objects.create, touchpoint=responsibility.touchpoint, function=responsibility.function
    )
    assert refused(Incentive.objects.create, function=incentive.function, name=incentive.name, measure="m")
    assert refused(Incentive.objects.create, function=incentive.function, name="Other", measure="m", weight=120)


def test_issue_severity_initiative_dates_and_progress_stay_in_range():
    issue = factories.IssueFactory()
    initiative = factories.InitiativeFactory()
    today = timezone.localdate()

    assert refused(Issue.objects.filter(pk=issue.pk).update, severity=5)
    assert refused(
        Initiative.objects.filter(pk=initiative.pk).update, start_date=today, due_date=today - dt.timedelta(days=1)
    )
    assert refused(Initiative.objects.filter(pk=initiative.pk).update, effort=0)
    assert refused(InitiativeUpdate.objects.create, initiative=initiative, body="b", progress=101)
