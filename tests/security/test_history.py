"""The audit history: who changed what and when, per journey and per incentive, for owners and managers."""

import pytest
from django.urls import reverse

from journeys.services import maps as journey_services
from owners import services as owner_services
from tests import factories

pytestmark = pytest.mark.django_db


def _history(client, journey, **params):
    return client.get(reverse("journeys:history", kwargs={"slug": journey.slug}), params)


def test_the_journey_history_merges_changes_to_everything_that_hangs_off_the_journey(client, world, owner_user):
    # given changes to the journey, a stage, a touchpoint, the team, an issue and an initiative
    journey_services.journey_update(journey=world.journey, description="From order to first bill.")
    journey_services.stage_update(stage=world.stage, name="Greeting")
    owner_services.team_member_change_role(membership=world.team_membership, role="analyst")
    world.issue.title = "Calls dropped at night"
    world.issue.save()
    client.force_login(owner_user)

    # when the owner opens the journey's history
    response = _history(client, world.journey)

    # then every kind of change is there, with its before and after values
    assert response.status_code == 200
    text = response.text
    for label in ("Journey", "Stage", "Touchpoint", "Ownership", "Team member", "Incentive review", "Issue"):
        assert f'<span class="badge">{label}</span>' in text, label
    assert "From order to first bill." in text
    assert "Welcome" in text
    assert "Greeting" in text
    assert "Calls dropped at night" in text
    assert "analyst" in text


def test_the_journey_history_lists_the_newest_change_first(client, world, manager_user):
    journey_services.stage_update(stage=world.stage, name="Newest stage name")
    client.force_login(manager_user)

    entries = _history(client, world.journey).context["page"].object_list

    assert entries[0].label == "Stage"
    assert entries[0].subject == "Newest stage name"
    assert [change.new for change in entries[0].changes] == ["Newest stage name"]
    assert [entry.when for entry in entries] == sorted((entry.when for entry in entries), reverse=True)


def test_the_journey_history_leaves_out_other_journeys(client, world, manager_user):
    other = factories.StageFactory(name="Somewhere else entirely")
    client.force_login(manager_user)

    response = _history(client, world.journey)

    assert other.name not in response.text


def test_the_journey_history_is_paginated(client, world, manager_user):
    for number in range(60):
        journey_services.stage_update(stage=world.stage, name=f"Name {number}")
    client.force_login(manager_user)

    first = _history(client, world.journey).context["page"]
    second = _history(client, world.journey, page=2).context["page"]

    assert len(first.object_list) == 50
    assert first.object_list[0].subject == "Name 59"
    assert second.number == 2
    assert second.object_list
    assert "Name 59" not in [entry.subject for entry in second.object_list]


def test_the_journey_history_costs_the_same_queries_for_many_changes(
    client, world, manager_user, django_assert_max_num_queries
):
    for number in range(30):
        journey_services.stage_update(stage=world.stage, name=f"Name {number}")
        factories.IssueFactory(journey=world.journey, reported_by=world.person)
    client.force_login(manager_user)

    with django_assert_max_num_queries(30):
        response = _history(client, world.journey)

    assert len(response.context["page"].object_list) == 50


@pytest.mark.parametrize("user_fixture", ["viewer_user", "team_user", "integration_user"])
def test_the_journey_history_is_refused_to_anyone_but_its_owner_and_managers(client, world, request, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))

    assert _history(client, world.journey).status_code == 403


def test_the_journey_page_links_to_the_history_for_its_owner_only(client, world, owner_user, viewer_user):
    history_url = reverse("journeys:history", kwargs={"slug": world.journey.slug})
    client.force_login(owner_user)
    assert history_url in client.get(world.journey.get_absolute_url()).text

    client.force_login(viewer_user)
    assert history_url not in client.get(world.journey.get_absolute_url()).text


def test_the_incentive_history_shows_changes_and_reviews_to_managers(client, world, manager_user):
    owner_services.incentive_update(incentive=world.incentive, target="under 5 minutes")
    client.force_login(manager_user)

    response = client.get(reverse("owners:incentive-history", kwargs={"pk": world.incentive.pk}))

    assert response.status_code == 200
    assert "under 6 minutes" in response.text
    assert "under 5 minutes" in response.text
    assert '<span class="badge">Review</span> <strong>Onboarding</strong>' in response.text
    edit_page = client.get(reverse("owners:incentive-edit", kwargs={"pk": world.incentive.pk}))
    assert reverse("owners:incentive-history", kwargs={"pk": world.incentive.pk}) in edit_page.text


@pytest.mark.parametrize("user_fixture", ["viewer_user", "owner_user", "team_user"])
def test_the_incentive_history_is_refused_to_everyone_but_managers(client, world, request, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))

    response = client.get(reverse("owners:incentive-history", kwargs={"pk": world.incentive.pk}))

    assert response.status_code == 403


def test_a_journey_without_changes_says_where_changes_will_appear(client, journey, manager_user):
    journey.history.all().delete()
    client.force_login(manager_user)

    response = _history(client, journey)

    assert "No recorded changes yet." in response.text
