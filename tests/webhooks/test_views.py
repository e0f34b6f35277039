"""The webhooks pages: managers add one and see its secret once; the list and the log cost constant queries."""

import pytest
from django.test import Client

from tests import factories
from webhooks.models import Delivery, Event, Subscription

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager_client(manager_user):
    client = Client()
    client.force_login(manager_user)
    return client


def test_the_secret_is_shown_on_the_page_after_creation_only(manager_client):
    response = manager_client.post(
        "/webhooks/new/",
        {
            "name": "Data warehouse",
            "url": "http://127.0.0.1:8123/in",
            "event_types": ["issue.created", "owner.assigned"],
        },
        follow=True,
    )

    subscription = Subscription.objects.get()
    assert subscription.secret in response.content.decode()
    assert subscription.event_types == ["issue.created", "owner.assigned"]
    again = manager_client.get(f"/webhooks/{subscription.pk}/").content.decode()
    assert subscription.secret not in again
    assert "Nothing sent yet." in again


def test_a_refused_target_is_shown_next_to_the_field_and_nothing_is_created(manager_client, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False

    response = manager_client.post(
        "/webhooks/new/", {"name": "Internal", "url": "http://10.0.0.5/hook", "event_types": ["issue.created"]}
    )

    assert response.status_code == 400
    assert "private network" in response.content.decode()
    assert Subscription.objects.count() == 0


def test_the_empty_list_says_what_webhooks_are_for(manager_client):
    assert "No webhooks yet." in manager_client.get("/webhooks/").content.decode()


def test_the_list_costs_constant_queries(manager_client, django_assert_max_num_queries):
    for _ in range(20):
        subscription = factories.WebhookSubscriptionFactory(created_by=factories.UserFactory())
        Delivery.objects.create(subscription=subscription, event=Event.objects.create(type="issue.created"))

    with django_assert_max_num_queries(8):
        response = manager_client.get("/webhooks/")

    assert response.content.decode().count('href="/webhooks/') >= 20


def test_the_delivery_log_costs_constant_queries(manager_client, django_assert_max_num_queries):
    subscription = factories.WebhookSubscriptionFactory()
    for code in range(30):
        Delivery.objects.create(
            subscription=subscription,
            event=Event.objects.create(type="issue.created"),
            status="failed",
            attempts=6,
            response_code=500,
            last_error=f"Answered 500: boom {code}",
        )

    with django_assert_max_num_queries(9):
        response = manager_client.get(f"/webhooks/{subscription.pk}/")

    page = response.content.decode()
    assert page.count("Failed, gave up") == 30
    assert "boom 29" in page


def test_stop_sending_then_turn_back_on(manager_client):
    subscription = factories.WebhookSubscriptionFactory(consecutive_failures=3)

    manager_client.post(f"/webhooks/{subscription.pk}/toggle/")
    off = Subscription.objects.get(pk=subscription.pk).is_active
    manager_client.post(f"/webhooks/{subscription.pk}/toggle/")

    subscription.refresh_from_db()
    assert off is False
    assert (subscription.is_active, subscription.consecutive_failures) == (True, 0)


def test_replacing_the_secret_shows_the_new_one_once(manager_client):
    subscription = factories.WebhookSubscriptionFactory()
    old = subscription.secret

    page = manager_client.post(f"/webhooks/{subscription.pk}/secret/", follow=True).content.decode()

    subscription.refresh_from_db()
    assert subscription.secret != old
    assert subscription.secret in page


def test_a_person_who_is_not_a_manager_is_refused_and_sees_no_link(owner_user):
    client = Client()
    client.force_login(owner_user)

    assert client.get("/webhooks/").status_code == 403
    assert 'href="/webhooks/"' not in client.get("/").content.decode()
