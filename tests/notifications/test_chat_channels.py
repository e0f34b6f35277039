"""A journey's chat channels page: the owner adds a Slack or Teams incoming webhook, tests, pauses, removes it."""

import pytest
from django.urls import reverse

from notifications import services
from notifications.choices import CHAT_TEST_EVENT, DeliveryStatus, Event
from notifications.models import ChatWebhook, Delivery
from tests import factories
from tests.notifications.receiver import Receiver

pytestmark = pytest.mark.django_db
# A chat tool's address where nothing listens (no DNS here; the tests allow loopback targets).
LOOPBACK = "http://127.0.0.1:9/services/T000/B000/secret"


def _page(journey):
    return reverse("notifications:chat-webhooks", kwargs={"slug": journey.slug})


def _action(webhook, name):
    return reverse(f"notifications:chat-webhook-{name}", kwargs={"slug": webhook.journey.slug, "pk": webhook.pk})


def _form(url, **extra):
    return {"kind": "slack", "name": "#onboarding-team", "url": url, **extra}


def test_the_owner_adds_a_slack_channel_and_its_test_message_reaches_it(
    client, journey, owner_user, django_capture_on_commit_callbacks
):
    client.force_login(owner_user)
    empty = client.get(_page(journey)).content.decode()
    assert "No chat channel hears this journey yet" in empty

    with Receiver() as receiver:
        response = client.post(_page(journey), _form(receiver.url, events=["alert", "issue"]))
        assert response.status_code == 302
        webhook = ChatWebhook.objects.get(journey=journey)
        assert (webhook.kind, webhook.name, webhook.url, webhook.events) == (
            "slack",
            "#onboarding-team",
            receiver.url,
            ["alert", "issue"],
        )
        html = client.get(_page(journey)).content.decode()
        assert receiver.url not in html  # the address is a password: only its host and last characters show
        assert "http://127.0.0.1/…hook" in html
        assert "New health alerts, Issues assigned or logged" in html

        with django_capture_on_commit_callbacks(execute=False):
            client.post(_action(webhook, "test"))
        delivery = Delivery.objects.get(webhook=webhook)
        assert (delivery.event, delivery.status) == (CHAT_TEST_EVENT, DeliveryStatus.PENDING)
        services.delivery_attempt(delivery_id=delivery.pk)  # what the worker runs

        assert receiver.received[0]["text"].startswith("*Test message from Throughline for Onboarding*")
    html = client.get(_page(journey)).content.decode()
    assert "Test message from Throughline for Onboarding" in html
    assert 'class="status status-sent">Sent<' in html


def test_a_test_message_is_never_a_persons_notification_nor_an_event_a_channel_chooses(journey, owner_user):
    webhook = services.chat_webhook_create(journey=journey, kind="teams", name="Ops", url=LOOPBACK)
    services.chat_webhook_send_test(webhook=webhook, sent_by=owner_user)

    assert CHAT_TEST_EVENT not in Event.values
    assert (Delivery.objects.get().notification, webhook.events) == (None, [])


@pytest.mark.parametrize("who", ["team_user", "viewer_user"])
def test_only_the_owner_or_a_manager_may_set_up_the_channels(client, journey, owner_user, who, request):
    webhook = services.chat_webhook_create(journey=journey, kind="slack", name="Ops", url=LOOPBACK)
    client.force_login(request.getfixturevalue(who))

    assert client.get(_page(journey)).status_code == 403
    assert client.post(_page(journey), _form(LOOPBACK)).status_code == 403
    for name in ("test", "toggle", "delete"):
        assert client.post(_action(webhook, name), {"confirm": "yes"}).status_code == 403
    assert list(ChatWebhook.objects.values_list("name", "active")) == [("Ops", True)]
    assert not Delivery.objects.exists()
    assert "Chat channels" not in client.get(journey.get_absolute_url()).content.decode()


def test_a_manager_may_and_the_owner_sees_the_link_on_the_journey_page(client, journey, owner_user, manager_user):
    client.force_login(owner_user)
    assert _page(journey) in client.get(journey.get_absolute_url()).content.decode()
    client.force_login(manager_user)
    assert client.get(_page(journey)).status_code == 200


@pytest.mark.parametrize(
    ("data", "field_message"),
    [
        (_form("not an address"), "Enter a valid URL."),
        (_form("ftp://127.0.0.1/hook"), "Use an http:// or https:// address."),
        (_form(LOOPBACK, kind="discord"), "Select a valid choice."),
        (_form(LOOPBACK, events=["payday"]), "Select a valid choice."),
        (_form(LOOPBACK, name=""), "This field is required."),
    ],
)
def test_bad_input_is_answered_on_the_form_and_adds_nothing(client, journey, owner_user, data, field_message):
    client.force_login(owner_user)

    response = client.post(_page(journey), data)

    assert response.status_code == 400
    assert field_message in response.content.decode()
    assert not ChatWebhook.objects.exists()


def test_an_address_inside_the_servers_network_is_refused_unless_allowed(client, journey, owner_user, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    client.force_login(owner_user)

    for url in ("http://127.0.0.1:8000/hook", "http://169.254.169.254/latest/meta-data/", "http://10.1.2.3/x"):
        response = client.post(_page(journey), _form(url))
        assert response.status_code == 400, url
        assert "webhooks" in response.content.decode()
    assert not ChatWebhook.objects.exists()


def test_a_channel_whose_address_became_refused_is_not_posted_to(journey, settings):
    with Receiver() as receiver:
        webhook = services.chat_webhook_create(journey=journey, kind="slack", name="Ops", url=receiver.url)
        delivery = services.chat_webhook_send_test(webhook=webhook, sent_by=None)
        settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False

        delivery = services.delivery_attempt(delivery_id=delivery.pk)

        assert receiver.received == []
    assert delivery.status == DeliveryStatus.RETRYING
    assert delivery.last_error.startswith("Not sent: 127.0.0.1 is on a private network")


def test_pausing_stops_posting_and_removing_asks_first(client, journey, owner_user):
    webhook = services.chat_webhook_create(journey=journey, kind="slack", name="Ops", url=LOOPBACK)
    client.force_login(owner_user)

    client.post(_action(webhook, "toggle"))
    webhook.refresh_from_db()
    assert not webhook.active
    assert services.notify(event=Event.ALERT, key="a:1", recipients=[], title="Alert", journey=journey) == []
    assert "Paused" in client.get(_page(journey)).content.decode()

    confirmation = client.post(_action(webhook, "delete"))
    assert confirmation.status_code == 200
    assert "Remove the channel" in confirmation.content.decode()
    assert ChatWebhook.objects.exists()
    assert client.post(_action(webhook, "delete"), {"confirm": "yes"}).status_code == 302
    assert not ChatWebhook.objects.exists()


def test_another_journeys_channel_is_not_found_through_this_journey(client, journey, owner_user):
    other = services.chat_webhook_create(journey=factories.JourneyFactory(), kind="slack", name="Theirs", url=LOOPBACK)
    client.force_login(owner_user)
    url = reverse("notifications:chat-webhook-toggle", kwargs={"slug": journey.slug, "pk": other.pk})

    assert client.post(url).status_code == 404
    assert ChatWebhook.objects.get().active


def test_the_page_reads_in_a_fixed_number_of_queries(client, journey, owner_user, django_assert_max_num_queries):
    for n in range(6):
        webhook = services.chat_webhook_create(journey=journey, kind="slack", name=f"#c{n}", url=LOOPBACK)
        for _ in range(4):
            services.chat_webhook_send_test(webhook=webhook, sent_by=owner_user)
    client.force_login(owner_user)

    with django_assert_max_num_queries(12):
        response = client.get(_page(journey))

    assert response.status_code == 200
    assert response.content.decode().count("Test message from Throughline") == 20  # the latest 20
