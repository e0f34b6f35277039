"""Writes of the owners app: ownership hand-over, teams, responsibilities, reviews."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import ApplicationError
from owners import services
from owners.models import IncentiveReview, Ownership, Responsibility, TeamMembership
from tests import factories

pytestmark = pytest.mark.django_db


def test_assigning_a_first_owner_creates_one_active_ownership_from_today(journey, manager_user):
    person = factories.PersonFactory()

    ownership = services.ownership_assign(journey=journey, person=person, mandate="Owns it", assigned_by=manager_user)

    assert ownership.started_on == timezone.localdate()
    assert ownership.ended_on is None
    assert list(Ownership.objects.active().filter(journey=journey)) == [ownership]


def test_assigning_a_new_owner_ends_the_previous_ownership_the_day_before(journey):
    # given
    previous = factories.OwnershipFactory(journey=journey, started_on=dt.date(2026, 1, 1))
    successor = factories.PersonFactory()

    # when
    services.ownership_assign(
        journey=journey, person=successor, mandate="Full", started_on=dt.date(2026, 11, 22), assigned_by=None
    )

    # then
    previous.refresh_from_db()
    assert previous.ended_on == dt.date(2026, 11, 21)
    assert Ownership.objects.active().get(journey=journey).person == successor
    assert Ownership.objects.filter(journey=journey).count() == 2


def test_an_ownership_replaced_on_the_day_it_started_ends_that_same_day(journey):
    today = timezone.localdate()
    previous = factories.OwnershipFactory(journey=journey, started_on=today)

    services.ownership_assign(journey=journey, person=factories.PersonFactory(), mandate="", assigned_by=None)

    previous.refresh_from_db()
    assert previous.ended_on == today


def test_a_new_owner_cannot_start_before_the_current_one_and_nothing_changes(journey):
    previous = factories.OwnershipFactory(journey=journey, started_on=dt.date(2026, 6, 1))

    with pytest.raises(ApplicationError, match="cannot start before"):
        services.ownership_assign(
            journey=journey, person=factories.PersonFactory(), mandate="", started_on=dt.date(2026, 5, 1)
        )

    previous.refresh_from_db()
    assert previous.ended_on is None
    assert Ownership.objects.filter(journey=journey).count() == 1


def test_reassigning_the_current_owner_is_refused(journey):
    current = factories.OwnershipFactory(journey=journey)

    with pytest.raises(ApplicationError, match="already owns"):
        services.ownership_assign(journey=journey, person=current.person, mandate="")

    assert Ownership.objects.filter(journey=journey).count() == 1


def test_a_manager_working_from_a_stale_page_is_told_the_owner_changed(journey):
    # given both managers saw owner A; the first replaced A with B
    owner_a = factories.OwnershipFactory(journey=journey, started_on=dt.date(2026, 1, 1))
    services.ownership_assign(
        journey=journey, person=factories.PersonFactory(name="B"), mandate="", expected_current=owner_a.pk
    )

    # when the second replaces A with C
    with pytest.raises(ApplicationError, match="changed since you loaded"):
        services.ownership_assign(
            journey=journey, person=factories.PersonFactory(name="C"), mandate="", expected_current=owner_a.pk
        )

    # then B stays the only active owner
    assert Ownership.objects.active().get(journey=journey).person.name == "B"
    assert not Ownership.objects.filter(person__name="C").exists()


def test_a_second_active_ownership_is_refused_by_the_database(journey):
    factories.OwnershipFactory(journey=journey)

    with pytest.raises(IntegrityError), transaction.atomic():
        Ownership.objects.create(journey=journey, person=factories.PersonFactory(), started_on=timezone.localdate())

    assert Ownership.objects.active().filter(journey=journey).count() == 1


def test_ending_an_ownership_leaves_the_journey_without_owner(journey):
    ownership = factories.OwnershipFactory(journey=journey)

    services.ownership_end(ownership=ownership)

    assert not Ownership.objects.active().filter(journey=journey).exists()
    with pytest.raises(ApplicationError, match="already ended"):
        services.ownership_end(ownership=ownership)


def test_ownership_changes_are_kept_in_the_audit_history(journey):
    previous = factories.OwnershipFactory(journey=journey, started_on=dt.date(2026, 1, 1))

    services.ownership_assign(journey=journey, person=factories.PersonFactory(), mandate="")

    assert previous.history.count() == 2  # created, then ended
    assert previous.history.first().history_change_reason.startswith("Replaced by")


def test_a_person_can_only_sit_once_on_a_team(journey):
    person = factories.PersonFactory()
    services.team_member_add(journey=journey, person=person, role="operations lead")

    with pytest.raises(ApplicationError, match="already on"):
        services.team_member_add(journey=journey, person=person, role="other")

    assert TeamMembership.objects.get(journey=journey, person=person).role == "operations lead"


def test_responsibilities_set_adds_and_removes_to_match_the_grid(organisation):
    welcome_call, installation, letter = organisation.touchpoints
    journey = organisation.journey

    result = services.responsibilities_set(
        journey=journey,
        pairs={(welcome_call.pk, organisation.customer_service.pk), (letter.pk, organisation.billing.pk)},
    )

    assert result == {"added": 1, "removed": 2}
    assert set(Responsibility.objects.values_list("touchpoint_id", "function_id")) == {
        (welcome_call.pk, organisation.customer_service.pk),
        (letter.pk, organisation.billing.pk),
    }


def test_responsibilities_set_refuses_a_touchpoint_of_another_journey_and_changes_nothing(organisation):
    foreign = factories.TouchpointFactory()
    before = set(Responsibility.objects.values_list("touchpoint_id", "function_id"))

    with pytest.raises(ApplicationError, match="does not belong"):
        services.responsibilities_set(journey=organisation.journey, pairs={(foreign.pk, organisation.billing.pk)})

    assert set(Responsibility.objects.values_list("touchpoint_id", "function_id")) == before


def test_a_review_is_appended_and_older_verdicts_stay(organisation, manager_user):
    before = IncentiveReview.objects.count()

    services.incentive_review_create(
        incentive=organisation.handle_time,
        journey=organisation.journey,
        verdict="aligned",
        rationale="Scorecard changed.",
        reviewer=manager_user.person,
    )

    assert IncentiveReview.objects.count() == before + 1
    assert organisation.handle_time.reviews.filter(journey=organisation.journey).count() == 3


def test_a_conflicting_verdict_needs_a_rationale(organisation):
    with pytest.raises(ValidationError) as error:
        services.incentive_review_create(
            incentive=organisation.jobs_per_day, journey=organisation.journey, verdict="conflicting", reviewer=None
        )

    assert "rationale" in error.value.message_dict
    assert not organisation.jobs_per_day.reviews.exists()


def test_an_incentive_of_a_function_that_does_not_touch_the_journey_cannot_be_reviewed(organisation):
    with pytest.raises(ValidationError) as error:
        services.incentive_review_create(
            incentive=organisation.collections, journey=organisation.journey, verdict="aligned", reviewer=None
        )

    assert "journey" in error.value.message_dict
    assert not organisation.collections.reviews.exists()


def test_creating_a_function_with_a_taken_slug_is_refused(db):
    services.function_create(name="Billing", slug="billing")

    with pytest.raises(ValidationError):
        services.function_create(name="Billing again", slug="billing")
