"""Deliveries to a real HTTP receiver on loopback: signature, replay window, retries, giving up, turning off."""

import json
import time

import pytest
from django.core import mail

from webhooks import services
from webhooks.models import Delivery, Event, Subscription

from .receiver import running_receiver

pytestmark = pytest.mark.django_db


def _delivery(subscription, event_type="issue.created", data=None):
    event = Event.objects.create(type=event_type, data=data or {"issue": {"id": 1, "title": "Calls dropped"}})
    return Delivery.objects.create(subscription=subscription, event=event)


def test_a_delivery_arrives_signed_and_the_documented_snippet_verifies_it(subscription_to, verify_signature):
    with running_receiver() as receiver:
        subscription = subscription_to(receiver.url)
        delivery = _delivery(subscription)

        status = services.delivery_attempt(delivery_id=delivery.pk)

    assert status == "succeeded"
    (request,) = receiver.requests
    assert request.path == "/hooks/throughline"
    assert request.headers["Throughline-Event"] == "issue.created"
    assert request.headers["Throughline-Delivery"] == str(delivery.pk)
    body = json.loads(request.body)
    assert body["id"] == str(delivery.event_id) == request.headers["Throughline-Event-Id"]
    assert body["type"] == "issue.created"
    assert body["data"] == {"issue": {"id": 1, "title": "Calls dropped"}}
    assert verify_signature(subscription.secret, request.headers["Throughline-Signature"], request.body)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code, delivery.last_error) == (
        "succeeded",
        1,
        200,
        "",
    )
    assert delivery.delivered_at is not None


def test_the_snippet_refuses_a_replay_a_tampered_body_and_a_wrong_secret(subscription_to, verify_signature):
    with running_receiver() as receiver:
        subscription = subscription_to(receiver.url)
        services.delivery_attempt(delivery_id=_delivery(subscription).pk)
    (request,) = receiver.requests
    header = request.headers["Throughline-Signature"]
    signed_at = int(header.split(",")[0].removeprefix("t="))
    assert abs(signed_at - time.time()) < 60

    # replayed six minutes later: genuine signature, refused for its age
    assert verify_signature(subscription.secret, header, request.body, now=signed_at + 301) is False
    assert verify_signature(subscription.secret, header, request.body, now=signed_at + 299) is True
    # a body changed on the way, a timestamp moved forward to pass the window, another secret
    assert verify_signature(subscription.secret, header, request.body.replace(b"Calls", b"Bills")) is False
    moved = header.replace(f"t={signed_at}", f"t={signed_at + 1000}")
    assert verify_signature(subscription.secret, moved, request.body, now=signed_at + 1000) is False
    assert verify_signature("whsec_another", header, request.body) is False
    assert verify_signature(subscription.secret, "garbage", request.body) is False


@pytest.mark.parametrize("attempts", [1, 2, 3])
def test_retry_delays_double(settings, attempts):
    settings.WEBHOOKS_RETRY_BASE_SECONDS = 30
    settings.WEBHOOKS_RETRY_MAX_SECONDS = 3600

    assert services.retry_delay(attempts) == {1: 30, 2: 60, 3: 120}[attempts]


def test_the_retry_delay_is_capped(settings):
    settings.WEBHOOKS_RETRY_BASE_SECONDS = 30
    settings.WEBHOOKS_RETRY_MAX_SECONDS = 100

    assert services.retry_delay(10) == 100


def test_a_receiver_that_fails_then_times_out_then_recovers_gets_the_event_on_the_third_attempt(
    subscription_to, settings
):
    settings.WEBHOOKS_TIMEOUT_SECONDS = 0.5
    settings.WEBHOOKS_RETRY_BASE_SECONDS = 30
    with running_receiver(script=[503, ("sleep", 1.5)]) as receiver:
        subscription = subscription_to(receiver.url)
        delivery = _delivery(subscription)

        first = services.delivery_attempt(delivery_id=delivery.pk)
        delivery.refresh_from_db()
        after_first = (delivery.attempts, delivery.response_code, delivery.last_error)
        second = services.delivery_attempt(delivery_id=delivery.pk)
        delivery.refresh_from_db()
        after_second = (delivery.attempts, delivery.response_code, delivery.last_error, delivery.next_attempt_at)
        third = services.delivery_attempt(delivery_id=delivery.pk)

    assert (first, second, third) == ("retrying", "retrying", "succeeded")
    assert after_first == (1, 503, "Answered 503: receiver says no")
    assert after_second[:3] == (2, None, "No answer within 0.5 seconds.")
    assert (after_second[3] - delivery.last_attempt_at).total_seconds() == pytest.approx(60, abs=5)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code, delivery.last_error) == (
        "succeeded",
        3,
        200,
        "",
    )
    assert len(receiver.requests) == 3
    # each attempt is signed with its own time, and the same event id
    assert len({request.headers["Throughline-Event-Id"] for request in receiver.requests}) == 1


def test_a_finished_delivery_is_not_sent_again(subscription_to):
    with running_receiver() as receiver:
        delivery = _delivery(subscription_to(receiver.url))
        services.delivery_attempt(delivery_id=delivery.pk)

        again = services.delivery_attempt(delivery_id=delivery.pk)

    assert again == "succeeded"
    assert len(receiver.requests) == 1
    assert Delivery.objects.get(pk=delivery.pk).attempts == 1


def test_a_redirect_is_a_failure_and_is_not_followed(subscription_to):
    with running_receiver(script=[302]) as receiver:
        delivery = _delivery(subscription_to(receiver.url))

        status = services.delivery_attempt(delivery_id=delivery.pk)

    assert status == "retrying"
    assert "do not follow redirects" in Delivery.objects.get(pk=delivery.pk).last_error
    assert len(receiver.requests) == 1


def test_deliveries_that_give_up_in_a_row_turn_the_subscription_off_and_tell_its_creator(
    subscription_to, settings, manager_user, django_capture_on_commit_callbacks
):
    settings.WEBHOOKS_MAX_ATTEMPTS = 2
    settings.WEBHOOKS_DISABLE_AFTER = 2
    manager_user.email = "manager@example.org"
    manager_user.save()
    with running_receiver(then=500) as receiver:
        subscription = subscription_to(receiver.url)
        first, second = _delivery(subscription), _delivery(subscription)

        for delivery in (first, first, second):
            services.delivery_attempt(delivery_id=delivery.pk)
        subscription.refresh_from_db()
        still_on = (subscription.is_active, subscription.consecutive_failures, len(mail.outbox))
        with django_capture_on_commit_callbacks(execute=True):
            services.delivery_attempt(delivery_id=second.pk)

    assert still_on == (True, 1, 0)
    subscription.refresh_from_db()
    assert subscription.is_active is False
    assert subscription.consecutive_failures == 2
    assert "2 deliveries in a row failed" in subscription.disabled_reason
    assert [d.status for d in Delivery.objects.filter(pk__in=[first.pk, second.pk]).order_by("pk")] == [
        "failed",
        "failed",
    ]
    assert len(receiver.requests) == 4
    (message,) = mail.outbox
    assert message.to == ["manager@example.org"]
    assert subscription.name in message.subject
    assert f"/webhooks/{subscription.pk}/" in message.body


def test_a_success_resets_the_failures_in_a_row(subscription_to, settings):
    settings.WEBHOOKS_MAX_ATTEMPTS = 1
    with running_receiver(script=[500]) as receiver:
        subscription = subscription_to(receiver.url)
        services.delivery_attempt(delivery_id=_delivery(subscription).pk)
        failures_after_one = Subscription.objects.get(pk=subscription.pk).consecutive_failures
        services.delivery_attempt(delivery_id=_delivery(subscription).pk)

    assert failures_after_one == 1
    assert Subscription.objects.get(pk=subscription.pk).consecutive_failures == 0
    assert len(receiver.requests) == 2


def test_an_event_for_a_subscription_turned_off_is_not_sent(subscription_to):
    with running_receiver() as receiver:
        subscription = subscription_to(receiver.url, is_active=False)
        delivery = _delivery(subscription)

        status = services.delivery_attempt(delivery_id=delivery.pk)

    assert status == "failed"
    assert receiver.requests == []


def test_a_test_event_reaches_a_subscription_turned_off(subscription_to, manager_user, verify_signature):
    with running_receiver() as receiver:
        subscription = subscription_to(receiver.url, is_active=False)
        delivery = services.subscription_send_test(subscription=subscription, sent_by=manager_user)

        status = services.delivery_attempt(delivery_id=delivery.pk)

    assert status == "succeeded"
    (request,) = receiver.requests
    body = json.loads(request.body)
    assert body["type"] == "webhook.test"
    assert body["data"]["sent_by"] == "manager"
    assert verify_signature(subscription.secret, request.headers["Throughline-Signature"], request.body)


def test_a_target_that_refuses_connections_is_logged(subscription_to):
    with running_receiver() as receiver:
        url = receiver.url
    delivery = _delivery(subscription_to(url))  # the receiver is gone: nothing listens on its port

    status = services.delivery_attempt(delivery_id=delivery.pk)

    assert status == "retrying"
    assert Delivery.objects.get(pk=delivery.pk).last_error.startswith("Could not connect:")
