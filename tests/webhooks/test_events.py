"""Each service emits its event after commit; only subscriptions that want it get a delivery."""

import pytest

from improvements import services as improvements
from owners import services as owners
from tests import factories
from webhooks.models import Delivery, Event

pytestmark = pytest.mark.django_db

ALL = (
    "issue.created",
    "issue.updated",
    "issue.resolved",
    "initiative.status_changed",
    "initiative.measured",
    "health.alert_raised",
    "owner.assigned",
)


def _events(subscription):
    return list(Delivery.objects.filter(subscription=subscription).order_by("pk").values_list("event__type", flat=True))


def test_logging_an_issue_sends_issue_created_to_who_wants_it_after_commit(
    journey, team_user, subscription_to, django_capture_on_commit_callbacks
):
    wants = subscription_to("http://127.0.0.1:9/a", event_types=["issue.created"])
    other = subscription_to("http://127.0.0.1:9/b", event_types=["owner.assigned"])
    off = subscription_to("http://127.0.0.1:9/c", event_types=["issue.created"], is_active=False)

    with django_capture_on_commit_callbacks(execute=True):
        issue = improvements.issue_log(
            journey=journey,
            reported_by=team_user.person,
            title="Calls dropped",
            symptom="Customers call back.",
            category="operational_capability",
            severity=3,
        )
        before_commit = Event.objects.count()

    assert before_commit == 0
    assert _events(wants) == ["issue.created"]
    assert _events(other) == _events(off) == []
    data = Event.objects.get().data
    assert data["issue"]["id"] == issue.pk
    assert data["issue"]["title"] == "Calls dropped"
    assert data["issue"]["reported_by"]["name"] == team_user.person.name
    assert data["journey"] == {"slug": "onboarding", "name": "Onboarding"}


def test_a_rolled_back_change_sends_nothing(journey, team_user, subscription_to, django_capture_on_commit_callbacks):
    subscription_to("http://127.0.0.1:9/a", event_types=ALL)

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Exception, match="severity"):
        improvements.issue_log(
            journey=journey,
            reported_by=team_user.person,
            title="Calls dropped",
            symptom="x",
            category="operational_capability",
            severity=99,
        )

    assert callbacks == []
    assert Event.objects.count() == 0


def test_resolving_an_issue_sends_updated_then_resolved(journey, subscription_to, django_capture_on_commit_callbacks):
    subscription = subscription_to("http://127.0.0.1:9/a", event_types=ALL)
    issue = factories.IssueFactory(journey=journey, status="root_cause_confirmed", root_cause="No call-back slot.")

    with django_capture_on_commit_callbacks(execute=True):
        improvements.issue_triage(issue=issue, status="resolved")

    assert _events(subscription) == ["issue.updated", "issue.resolved"]
    updated = Event.objects.get(type="issue.updated").data
    assert (updated["previous_status"], updated["issue"]["status"]) == ("root_cause_confirmed", "resolved")


def test_an_initiative_step_sends_status_changed(journey, subscription_to, django_capture_on_commit_callbacks):
    subscription = subscription_to("http://127.0.0.1:9/a", event_types=ALL)
    initiative = factories.InitiativeFactory(journey=journey, status="in_progress")

    with django_capture_on_commit_callbacks(execute=True):
        improvements.initiative_transition(initiative=initiative, status="delivered")

    assert _events(subscription) == ["initiative.status_changed"]
    data = Event.objects.get().data
    assert (data["previous_status"], data["initiative"]["status"]) == ("in_progress", "delivered")
    assert data["impact"] is None


def test_naming_an_owner_sends_owner_assigned_with_the_previous_owner(
    journey, owner_user, subscription_to, django_capture_on_commit_callbacks
):
    subscription = subscription_to("http://127.0.0.1:9/a", event_types=["owner.assigned"])
    newcomer = factories.PersonFactory(name="New Owner")

    with django_capture_on_commit_callbacks(execute=True):
        owners.ownership_assign(journey=journey, person=newcomer, mandate="Runs onboarding.")

    assert _events(subscription) == ["owner.assigned"]
    data = Event.objects.get().data
    assert data["owner"]["name"] == "New Owner"
    assert data["previous_owner"]["name"] == owner_user.person.name
    assert data["mandate"] == "Runs onboarding."


def test_with_no_subscription_a_change_records_no_event(journey, team_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        factories.IssueFactory(journey=journey)
        improvements.issue_triage(issue=factories.IssueFactory(journey=journey), status="investigating")

    assert Event.objects.count() == 0


def test_a_recompute_that_raises_alerts_sends_one_event_per_new_alert(
    subscription_to, django_capture_on_commit_callbacks
):
    from journeys.services.health import journey_health_recompute
    from tests.journeys.conftest import build_map

    subscription = subscription_to("http://127.0.0.1:9/a", event_types=["health.alert_raised"])
    journey_map = build_map(name="Broadband onboarding", slug="broadband", min_sample=2, window_days=30)
    # journeys rated 3, 3, 3, 2, 2 whose every interaction scores 4 or 5: the touchpoint paradox and decay
    for satisfaction in (3, 3, 3, 2, 2):
        journey_map.add_instance(
            satisfaction=satisfaction,
            interactions=[
                {"touchpoint": "web-form", "satisfaction": 5},
                {"touchpoint": "call", "satisfaction": 5},
                {"touchpoint": "visit", "satisfaction": 4},
                {"touchpoint": "app", "satisfaction": 4},
                {"touchpoint": "call", "satisfaction": 4},
            ],
        )

    with django_capture_on_commit_callbacks(execute=True):
        journey_health_recompute(journey=journey_map.journey)
    with django_capture_on_commit_callbacks(execute=True):
        journey_health_recompute(journey=journey_map.journey)  # the same alerts again: nothing new

    assert _events(subscription) == ["health.alert_raised", "health.alert_raised"]
    alerts = [event.data["alert"] for event in Event.objects.order_by("data__alert__code")]
    assert [alert["code"] for alert in alerts] == ["satisfaction_decay", "touchpoint_paradox"]
    assert alerts[1]["explanation"].startswith("Each touchpoint scores 4.4 of 5")
    assert Event.objects.first().data["journey"]["slug"] == "broadband"


def test_measuring_an_initiative_sends_status_changed_and_measured_with_its_impact(
    journey, subscription_to, freeze_today, django_capture_on_commit_callbacks
):
    from tests.improvements.test_tasks import DUE, _delivered

    subscription = subscription_to("http://127.0.0.1:9/a", event_types=ALL)
    initiative = _delivered(journey)
    freeze_today(DUE)

    with django_capture_on_commit_callbacks(execute=True):
        assert improvements.initiatives_measure_due() == [initiative.pk]

    assert _events(subscription) == ["initiative.status_changed", "initiative.measured"]
    measured = Event.objects.get(type="initiative.measured").data
    assert measured["initiative"]["status"] == "measured"
    assert measured["impact"]["verdict"] == "improved"
    assert measured["impact"]["effect"] == pytest.approx(0.5)
