"""The webhooks API: managers create (the secret comes back once), list, change, test; bad input is a 400."""

import pytest
from rest_framework.test import APIClient

from tests import factories
from webhooks.models import Delivery, Subscription

from .receiver import running_receiver

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(manager_user):
    client = APIClient()
    client.force_authenticate(manager_user)
    return client


def test_a_manager_creates_a_subscription_and_sees_its_secret_once(api):
    response = api.post(
        "/api/v1/webhook-subscriptions/",
        {"name": "Jira bridge", "url": "http://127.0.0.1:8123/hooks", "event_types": ["issue.created"]},
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    subscription = Subscription.objects.get()
    assert body["secret"] == subscription.secret
    assert body["secret"].startswith("whsec_")
    assert body["created_by"] == "manager"
    again = api.get(f"/api/v1/webhook-subscriptions/{subscription.pk}/").json()
    assert "secret" not in again
    assert again["event_types"] == ["issue.created"]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"name": "x", "url": "ftp://example.org/", "event_types": ["issue.created"]}, "url", "http:// or https://"),
        ({"name": "x", "url": "http://169.254.169.254/", "event_types": ["issue.created"]}, "url", "link-local"),
        ({"name": "x", "url": "http://127.0.0.1/", "event_types": ["nope"]}, "event_types", "not a valid choice"),
        ({"name": "x", "url": "http://127.0.0.1/", "event_types": []}, "event_types", "empty"),
        ({"name": "", "url": "http://127.0.0.1/", "event_types": ["issue.created"]}, "name", "blank"),
    ],
)
def test_bad_input_is_a_400_with_the_field_and_creates_nothing(api, body, field, message):
    response = api.post("/api/v1/webhook-subscriptions/", body, format="json")

    assert response.status_code == 400
    assert message in str(response.json()[field])
    assert Subscription.objects.count() == 0


def test_turning_a_subscription_back_on_forgets_its_failures(api):
    subscription = factories.WebhookSubscriptionFactory(is_active=False, consecutive_failures=5)

    response = api.patch(f"/api/v1/webhook-subscriptions/{subscription.pk}/", {"is_active": True}, format="json")

    assert response.status_code == 200
    assert (response.json()["is_active"], response.json()["consecutive_failures"]) == (True, 0)


def test_the_test_action_queues_a_test_delivery(api, django_capture_on_commit_callbacks):
    with running_receiver() as receiver:
        subscription = factories.WebhookSubscriptionFactory(url=receiver.url)

        response = api.post(f"/api/v1/webhook-subscriptions/{subscription.pk}/test/")

    assert response.status_code == 202
    delivery = Delivery.objects.get(pk=response.json()["id"])
    assert (delivery.event.type, delivery.status) == ("webhook.test", "pending")


def test_the_delivery_log_filters_by_subscription_in_constant_queries(api, django_assert_max_num_queries):
    first, second = factories.WebhookSubscriptionFactory(), factories.WebhookSubscriptionFactory()
    from webhooks.models import Event

    for _ in range(12):
        event = Event.objects.create(type="issue.created")
        Delivery.objects.create(subscription=first, event=event)
        Delivery.objects.create(subscription=second, event=event)

    with django_assert_max_num_queries(6):
        response = api.get(f"/api/v1/webhook-deliveries/?subscription={first.pk}")

    assert response.status_code == 200
    assert response.json()["count"] == 12
    assert {row["subscription"] for row in response.json()["results"]} == {first.pk}


def test_the_subscription_list_costs_constant_queries(api, django_assert_max_num_queries):
    for _ in range(15):
        factories.WebhookSubscriptionFactory(created_by=factories.UserFactory())

    with django_assert_max_num_queries(6):
        response = api.get("/api/v1/webhook-subscriptions/")

    assert response.json()["count"] == 15


def test_people_who_are_not_managers_are_refused(owner_user):
    client = APIClient()
    client.force_authenticate(owner_user)

    assert client.get("/api/v1/webhook-subscriptions/").status_code == 403
    assert client.get("/api/v1/webhook-deliveries/").status_code == 403
