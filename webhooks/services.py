"""Writes of the webhooks app: subscriptions, recording events, and one delivery attempt at a time."""

import datetime as dt
import http.client
import json
import logging
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core import events, targets
from core.queue import backoff_seconds, enqueue_on_commit

from . import signing
from .choices import FINISHED_STATUSES, TEST_EVENT, DeliveryStatus
from .models import Delivery, Event, Subscription

logger = logging.getLogger(__name__)

USER_AGENT = "Throughline-Webhooks/1"
RESPONSE_EXCERPT = 500  # characters of a failing answer kept in the log


def _validate_event_types(event_types) -> list[str]:
    known = {event_type.name for event_type in events.event_types()}
    chosen = sorted(set(event_types or ()))
    if not chosen:
        raise ValidationError({"event_types": "Choose at least one event to send."})
    unknown = [name for name in chosen if name not in known]
    if unknown:
        raise ValidationError({"event_types": f"Unknown event types: {', '.join(unknown)}."})
    return chosen


@transaction.atomic
def subscription_create(*, name: str, url: str, event_types: list[str], created_by=None) -> tuple[Subscription, str]:
    """A new subscription and its secret (shown once: the caller hands it to the person, nothing shows it again)."""
    subscription = Subscription(
        name=name.strip(),
        url=targets.check_field(url),
        event_types=_validate_event_types(event_types),
        secret=signing.new_secret(),
        created_by=created_by,
    )
    subscription.full_clean()
    subscription.save()
    return subscription, subscription.secret


@transaction.atomic
def subscription_update(
    *, subscription: Subscription, name: str | None = None, url: str | None = None, event_types=None
) -> Subscription:
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if name is not None:
        subscription.name = name.strip()
    if url is not None:
        subscription.url = targets.check_field(url)
    if event_types is not None:
        subscription.event_types = _validate_event_types(event_types)
    subscription.full_clean()
    subscription.save()
    return subscription


@transaction.atomic
def subscription_set_active(*, subscription: Subscription, active: bool) -> Subscription:
    """Turn sending off or on; turning it on forgets the failures that turned it off."""
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    subscription.is_active = active
    if active:
        subscription.consecutive_failures = 0
        subscription.disabled_at = None
        subscription.disabled_reason = ""
    subscription.save()
    return subscription


@transaction.atomic
def subscription_rotate_secret(*, subscription: Subscription) -> str:
    """A new secret, effective for the next attempt; the old one stops working at once."""
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    subscription.secret = signing.new_secret()
    subscription.save(update_fields=["secret", "updated_at"])
    return subscription.secret


@transaction.atomic
def subscription_delete(*, subscription: Subscription) -> None:
    subscription.delete()


# --- events and deliveries ---------------------------------------------------------------------


def _queue(deliveries: list[Delivery]) -> None:
    from .tasks import deliver_webhook  # the task module imports this one

    for delivery in deliveries:
        enqueue_on_commit(deliver_webhook, args=(delivery.pk,))


@transaction.atomic
def event_record(*, event_type: str, payload) -> list[Delivery]:
    """Record ``event_type`` for every active subscription that wants it and queue one delivery each.

    ``payload`` is called only when some subscription wants the event (the listener of ``core.events``).
    """
    wanted = [
        subscription
        for subscription in Subscription.objects.filter(is_active=True).only("id", "event_types")
        if event_type in subscription.event_types
    ]
    if not wanted:
        return []
    event = Event.objects.create(type=event_type, data=payload())
    deliveries = Delivery.objects.bulk_create([Delivery(subscription=s, event=event) for s in wanted])
    _queue(deliveries)
    return deliveries


def event_listener(event_type: str, payload) -> None:
    """``core.events`` listener: runs after the emitting transaction committed, so a failure here must not
    reach the person whose change it was (their change stands; the log says what was lost)."""
    try:
        event_record(event_type=event_type, payload=payload)
    except Exception:
        logger.exception("Could not record the webhook event %s", event_type)


@transaction.atomic
def subscription_send_test(*, subscription: Subscription, sent_by=None) -> Delivery:
    """A test event to this subscription only, sent even while it is turned off (to check a fix first)."""
    event = Event.objects.create(
        type=TEST_EVENT,
        data={
            "subscription": {"id": subscription.pk, "name": subscription.name},
            "sent_by": sent_by.get_username() if sent_by is not None else None,
            "message": "A test event from Throughline: if you can read this, your endpoint works.",
        },
    )
    delivery = Delivery.objects.create(subscription=subscription, event=event)
    _queue([delivery])
    return delivery


def retry_delay(attempts: int) -> int:
    """Seconds before the next attempt after ``attempts`` failed ones: doubling, capped."""
    return backoff_seconds(attempts, base=settings.WEBHOOKS_RETRY_BASE_SECONDS, cap=settings.WEBHOOKS_RETRY_MAX_SECONDS)


def _post(url: str, body: bytes, headers: dict) -> tuple[int | None, str]:
    """POST once; (status code, error) with error empty for a 2xx. Redirects are not followed."""
    try:
        scheme, host, port, path = targets.check(url)
    except targets.TargetRefused as refusal:
        return None, str(refusal)
    connection_class = http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
    connection = connection_class(host, port, timeout=settings.WEBHOOKS_TIMEOUT_SECONDS)
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        excerpt = response.read(RESPONSE_EXCERPT).decode("utf-8", "replace")
    except TimeoutError:
        return None, f"No answer within {settings.WEBHOOKS_TIMEOUT_SECONDS:g} seconds."
    except (OSError, http.client.HTTPException) as error:
        return None, f"Could not connect: {error}"
    finally:
        connection.close()
    if 200 <= response.status < 300:
        return response.status, ""
    if 300 <= response.status < 400:
        return response.status, f"Answered {response.status} (a redirect): webhooks do not follow redirects."
    return response.status, f"Answered {response.status}: {excerpt.strip()[:RESPONSE_EXCERPT]}"


def delivery_attempt(*, delivery_id: int, now: dt.datetime | None = None) -> str:
    """Send one delivery once and log it; answers its status afterwards.

    Safe to run twice: a finished delivery (delivered, or given up) is left alone. After the last
    allowed attempt fails the delivery is given up, and the subscription counts one more failure in a
    row; at ``WEBHOOKS_DISABLE_AFTER`` it is turned off and its creator told by e-mail.
    """
    delivery = Delivery.objects.select_related("subscription", "event").filter(pk=delivery_id).first()
    if delivery is None or delivery.status in FINISHED_STATUSES:
        return delivery.status if delivery else "gone"
    subscription, event = delivery.subscription, delivery.event
    is_test = event.type == TEST_EVENT
    if not subscription.is_active and not is_test:
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.FAILED, last_error="The subscription was turned off before this was sent."
        )
        return DeliveryStatus.FAILED
    body = json.dumps(event.envelope(), separators=(",", ":"), ensure_ascii=False).encode()
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Throughline-Event": event.type,
        "Throughline-Event-Id": str(event.id),
        "Throughline-Delivery": str(delivery.pk),
        signing.SIGNATURE_HEADER: signing.signature_header(subscription.secret, timestamp, body),
    }
    code, error = _post(subscription.url, body, headers)
    return _record_attempt(delivery_id=delivery.pk, code=code, error=error, is_test=is_test, now=now)


@transaction.atomic
def _record_attempt(*, delivery_id: int, code: int | None, error: str, is_test: bool, now=None) -> str:
    now = now or timezone.now()
    delivery = Delivery.objects.select_for_update().get(pk=delivery_id)
    if delivery.status in FINISHED_STATUSES:  # another run got there first
        return delivery.status
    delivery.attempts += 1
    delivery.response_code = code
    delivery.last_error = error
    delivery.last_attempt_at = now
    subscriptions = Subscription.objects.filter(pk=delivery.subscription_id)
    if not error:
        delivery.status = DeliveryStatus.SUCCEEDED
        delivery.delivered_at = now
        delivery.next_attempt_at = None
        if not is_test:
            subscriptions.update(consecutive_failures=0)
    elif delivery.attempts < settings.WEBHOOKS_MAX_ATTEMPTS:
        delivery.status = DeliveryStatus.RETRYING
        delivery.next_attempt_at = now + dt.timedelta(seconds=retry_delay(delivery.attempts))
    else:
        delivery.status = DeliveryStatus.FAILED
        delivery.next_attempt_at = None
        if not is_test:
            subscriptions.update(consecutive_failures=F("consecutive_failures") + 1)
            _disable_if_failing(delivery.subscription_id, now=now)
    delivery.save()
    return delivery.status


def _disable_if_failing(subscription_id: int, *, now: dt.datetime) -> None:
    subscription = (
        Subscription.objects.select_for_update(of=("self",)).select_related("created_by").get(pk=subscription_id)
    )
    if not subscription.is_active or subscription.consecutive_failures < settings.WEBHOOKS_DISABLE_AFTER:
        return
    subscription.is_active = False
    subscription.disabled_at = now
    subscription.disabled_reason = (
        f"Turned off after {subscription.consecutive_failures} deliveries in a row failed "
        f"(each tried {settings.WEBHOOKS_MAX_ATTEMPTS} times)."
    )
    subscription.save()
    creator = subscription.created_by
    if creator is not None and creator.email:
        transaction.on_commit(lambda: _tell_creator(subscription, creator.email))


def _tell_creator(subscription: Subscription, email: str) -> None:
    site = settings.SITE_URL.rstrip("/")
    try:
        send_mail(
            subject=f"Throughline stopped sending the webhook “{subscription.name}”",
            message=(
                f"{subscription.disabled_reason}\n\n"
                f"Target: {subscription.url}\n\n"
                "Check that the receiving system is up and answers 2xx, then turn the webhook back on "
                f"and send a test event from its page: {site}{subscription.get_absolute_url()}\n"
            ),
            from_email=None,
            recipient_list=[email],
        )
    except Exception:
        # The subscription stays off (its page says why); a mail server outage must not undo that.
        logger.exception("Could not e-mail %s that webhook %s was turned off", email, subscription.pk)
