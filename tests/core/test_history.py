"""core.history: the merged audit feed of several historical models, and the registry of its sources."""

import pytest
from django.db.models import Q

from core import history
from improvements.history import journey_history_sources as improvements_sources
from journeys.choices import JourneyStatus
from journeys.models import Journey, Stage
from owners.history import journey_history_sources as owners_sources
from tests import factories

pytestmark = pytest.mark.django_db


def _sources(journey) -> list[history.HistorySource]:
    return [
        history.HistorySource("Journey", Journey, Q(id=journey.pk), "name"),
        history.HistorySource("Stage", Stage, Q(journey_id=journey.pk), "name"),
    ]


def test_the_feed_lists_creations_changes_and_deletions_newest_first_with_what_changed():
    # given a journey renamed and retired, and a stage created then deleted
    journey = factories.JourneyFactory(name="Onboarding")
    stage = factories.StageFactory(journey=journey, name="Sign up")
    journey.name, journey.status = "Welcome", JourneyStatus.RETIRED
    journey.save()
    stage.delete()

    # when the feed is built
    entries = history.history_page(_sources(journey)).object_list

    # then it tells the story backwards, with labels and displayed values
    assert [(entry.kind, entry.label, entry.subject) for entry in entries] == [
        ("deleted", "Stage", "Sign up"),
        ("changed", "Journey", "Welcome"),
        ("created", "Stage", "Sign up"),
        ("created", "Journey", "Onboarding"),
    ]
    assert {(change.label, change.old, change.new) for change in entries[1].changes} == {
        ("Name", "Onboarding", "Welcome"),
        ("Status", JourneyStatus.ACTIVE.label, JourneyStatus.RETIRED.label),
    }
    assert {entry.who for entry in entries} == {"System"}  # no user: a change made outside a request


def test_a_foreign_key_shows_the_name_of_what_it_points_to_and_a_gone_one_its_id():
    # given a team membership whose person is shown by name
    membership = factories.TeamMembershipFactory(person__name="Ada Lovelace")
    sources = [history.HistorySource("Team member", type(membership), Q(journey_id=membership.journey_id), "person")]

    # then the entry names the person
    (entry,) = history.history_page(sources).object_list
    assert entry.subject == "Ada Lovelace"
    assert history._display(type(membership)._meta.get_field("person"), 999_999, {}) == "#999999 (deleted)"


def test_a_page_costs_the_same_queries_however_many_records_it_shows(django_assert_max_num_queries):
    # given a journey with many stages, each changed once
    journey = factories.JourneyFactory()
    for position in range(20):
        stage = factories.StageFactory(journey=journey, name=f"Stage {position}")
        stage.name = f"Stage {position} renamed"
        stage.save()

    # then one page of its feed costs a bounded number of queries:
    # count + keys, then per source its records and the names its foreign keys point to
    with django_assert_max_num_queries(8):
        page = history.history_page(_sources(journey), per_page=30)
        assert len(page.object_list) == 30


def test_registered_builders_give_their_sources_once_each_in_registration_order():
    # given two builders registered on a feed of their own, one of them twice
    def first(obj):
        return [history.HistorySource("First", Journey, Q(id=obj.pk), "name")]

    def second(obj):
        return [history.HistorySource("Second", Stage, Q(journey_id=obj.pk), "name")]

    history.register_sources("test-feed", first)
    history.register_sources("test-feed", second)
    history.register_sources("test-feed", first)

    # then the feed's sources come from each builder once, in order
    journey = factories.JourneyFactory()
    assert [source.label for source in history.feed_sources("test-feed", journey)] == ["First", "Second"]
    assert history.feed_sources("a feed nobody fills", journey) == []


def test_owners_and_improvements_contribute_their_sources_to_the_journey_feed(journey):
    # the apps register from their AppConfig.ready(), in INSTALLED_APPS order
    sources = history.feed_sources(history.JOURNEY_FEED, journey)

    assert [source.label for source in sources] == [
        "Ownership",
        "Team member",
        "Incentive review",
        "Issue",
        "Initiative",
    ]
    assert [s.label for s in sources] == [s.label for s in owners_sources(journey) + improvements_sources(journey)]


def test_the_journey_history_page_shows_an_issue_logged_on_the_journey(client, journey, owner_user):
    # given an issue on the journey (improvements' source, found through the registry)
    factories.IssueFactory(journey=journey, title="Customers call twice")
    client.force_login(owner_user)

    # when the owner reads the journey's history
    response = client.get(f"/journeys/{journey.slug}/history/")

    # then the issue is part of it
    assert response.status_code == 200
    assert "Customers call twice" in response.content.decode()
