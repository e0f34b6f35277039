"""Every write of the notifications app: record an event for its people, deliver, mark read, preferences."""

import datetime as dt
import logging
from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from core import targets
from core.history import user_label
from core.queue import backoff_seconds, enqueue
from improvements import selectors as improvement_selectors
from journeys.models import Journey
from owners.models import Ownership, Person

from . import senders
from .choices import CHAT_TEST_EVENT, Channel, ChatKind, DeliveryStatus, EmailChoice, Event
from .models import ChatWebhook, Delivery, Notification, NotificationPreference

logger = logging.getLogger(__name__)

DEFAULT_IN_APP = True
DEFAULT_EMAIL = EmailChoice.OFF


def _enqueue_delivery(delivery_id: int) -> None:
    from .tasks import deliver  # the tasks module imports this one

    if not enqueue(deliver, args=[delivery_id]):
        logger.warning("Delivery %s waits for the retry sweep: the broker is unreachable.", delivery_id)


@transaction.atomic
def notify(
    *,
    event: str,
    key: str,
    recipients: Iterable[Person],
    title: str,
    body: str = "",
    url: str = "",
    journey: Journey | None = None,
) -> list[Delivery]:
    """Record one event for its people and the journey's chat webhooks; deliveries go out after commit.

    Safe to call twice for the same ``key``: a person, an address or a webhook gets the event once
    (unique notification per key x person, unique delivery per key x recipient x channel).
    """
    if event not in Event.values:
        raise ValueError(f"Unknown event {event!r}")
    people = {person.pk: person for person in recipients if person is not None and person.is_active}
    preferences = {
        preference.person_id: preference
        for preference in NotificationPreference.objects.filter(person_id__in=people, event=event)
    }
    payload = {"title": title[:300], "body": body, "url": url}
    created: list[Delivery] = []
    for person_id, person in sorted(people.items()):
        preference = preferences.get(person_id)
        in_app = preference.in_app if preference else DEFAULT_IN_APP
        email = preference.email if preference else DEFAULT_EMAIL
        if not in_app and email == EmailChoice.OFF:
            continue
        notification, _ = Notification.objects.get_or_create(
            key=key,
            recipient=person,
            defaults={
                "event": event,
                "journey": journey,
                "title": title[:300],
                "body": body,
                "url": url,
                "in_app": in_app,
            },
        )
        if email != EmailChoice.OFF and person.email:
            delivery, made = Delivery.objects.get_or_create(
                key=key,
                recipient_key=f"person:{person_id}",
                channel=Channel.EMAIL,
                defaults={
                    "event": event,
                    "notification": notification,
                    "address": person.email,
                    "payload": payload,
                    "status": DeliveryStatus.DIGEST if email == EmailChoice.DIGEST else DeliveryStatus.PENDING,
                },
            )
            if made:
                created.append(delivery)
    if journey is not None:
        for webhook in ChatWebhook.objects.filter(journey=journey, active=True).order_by("pk"):
            if not webhook.posts(event):
                continue
            delivery, made = Delivery.objects.get_or_create(
                key=key,
                recipient_key=f"webhook:{webhook.pk}",
                channel=webhook.kind,
                defaults={"event": event, "webhook": webhook, "address": webhook.name, "payload": payload},
            )
            if made:
                created.append(delivery)
    for delivery in created:
        if delivery.status == DeliveryStatus.PENDING:
            transaction.on_commit(partial(_enqueue_delivery, delivery.pk))
    return created


def _send(delivery: Delivery) -> None:
    if delivery.channel == Channel.EMAIL:
        senders.send_email(delivery.address, delivery.payload)
        return
    if delivery.channel not in (Channel.SLACK, Channel.TEAMS):  # pragma: no cover - the choices are closed
        raise senders.DeliveryError(f"Unknown channel {delivery.channel!r}")
    # Checked again before every attempt: the name may point somewhere else since it was saved.
    try:
        targets.check(delivery.webhook.url)
    except targets.TargetRefused as refused:
        raise senders.DeliveryError(f"Not sent: {refused}") from None
    if delivery.channel == Channel.SLACK:
        senders.post_webhook(delivery.webhook.url, senders.slack_message(delivery.payload))
    else:
        senders.post_webhook(delivery.webhook.url, senders.teams_message(delivery.payload))


def delivery_attempt(*, delivery_id: int) -> Delivery | None:
    """Send one delivery once; returns it with its new status (None if it is gone).

    The row is claimed by a conditional update (pending/retrying -> sending) so two workers never
    both send it; the message goes out outside any transaction, then the outcome is recorded.
    A delivery already sent, failed for good or waiting for the digest is left alone.
    """
    claimed = Delivery.objects.filter(
        pk=delivery_id, status__in=[DeliveryStatus.PENDING, DeliveryStatus.RETRYING]
    ).update(status=DeliveryStatus.SENDING, updated_at=timezone.now())
    delivery = Delivery.objects.select_related("webhook").filter(pk=delivery_id).first()
    if delivery is None or not claimed:
        return delivery
    delivery.attempts += 1
    try:
        if delivery.webhook is not None and not delivery.webhook.active:
            raise senders.DeliveryError("The webhook was switched off.")
        _send(delivery)
    except Exception as error:  # noqa: BLE001 - any failure of one channel is recorded, never raised to others
        delivery.last_error = str(error)[:2000] or type(error).__name__
        exhausted = delivery.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS
        delivery.status = DeliveryStatus.FAILED if exhausted else DeliveryStatus.RETRYING
        logger.warning("Delivery %s attempt %s failed: %s", delivery.pk, delivery.attempts, delivery.last_error)
    else:
        delivery.status = DeliveryStatus.SENT
        delivery.sent_at = timezone.now()
    delivery.save(update_fields=["status", "attempts", "last_error", "sent_at", "updated_at"])
    return delivery


def retry_delay(attempts: int) -> int:
    """Seconds before the next attempt: exponential backoff from the base, capped."""
    return backoff_seconds(
        attempts, base=settings.NOTIFICATIONS_RETRY_BASE_SECONDS, cap=settings.NOTIFICATIONS_RETRY_MAX_SECONDS
    )


def digests_send() -> int:
    """Send each person one e-mail with every notification waiting for their digest; returns e-mails sent."""
    waiting = (
        Delivery.objects.filter(status=DeliveryStatus.DIGEST, channel=Channel.EMAIL)
        .order_by("address", "created_at", "pk")
        .values_list("pk", "address")
    )
    by_address: dict[str, list[int]] = {}
    for pk, address in waiting:
        by_address.setdefault(address, []).append(pk)
    sent = 0
    for address, ids in by_address.items():
        # Claim the rows: another digest run that got here first leaves nothing to claim.
        with transaction.atomic():
            rows = list(
                Delivery.objects.select_for_update()
                .filter(pk__in=ids, status=DeliveryStatus.DIGEST)
                .order_by("created_at", "pk")
            )
            claimed_ids = [row.pk for row in rows]
            Delivery.objects.filter(pk__in=claimed_ids).update(status=DeliveryStatus.SENDING)
        if not rows:
            continue
        parts = [senders.email_text(row.payload).split("\nYou chose")[0].strip() for row in rows]
        text = (
            f"{len(rows)} thing{'s' if len(rows) != 1 else ''} happened in Throughline since your last digest.\n\n"
            + "\n\n---\n\n".join(parts)
            + "\n\nYou chose a daily digest; change it on your profile page in Throughline.\n"
        )
        now = timezone.now()
        try:
            send_mail(
                subject=f"[Throughline] Your daily digest: {len(rows)} notification{'s' if len(rows) != 1 else ''}",
                message=text,
                from_email=None,
                recipient_list=[address],
            )
        except Exception as error:  # noqa: BLE001 - the next digest run tries again
            Delivery.objects.filter(pk__in=claimed_ids).update(
                status=DeliveryStatus.DIGEST, attempts=F("attempts") + 1, last_error=str(error)[:2000], updated_at=now
            )
            continue
        Delivery.objects.filter(pk__in=claimed_ids).update(
            status=DeliveryStatus.SENT, attempts=F("attempts") + 1, last_error="", sent_at=now, updated_at=now
        )
        sent += 1
    return sent


def overdue_issues_notify(*, today: dt.date | None = None) -> int:
    """Tell each overdue issue's journey owners and its assignee, once per due date (issue 20.5).

    The event key names the issue and its due date: a second run of the day notifies nobody again, and
    an issue given a new due date that passes too is news again. Returns the issues notified about.
    """
    today = today or timezone.localdate()
    issues = list(improvement_selectors.overdue_issues(today=today))
    owners: dict[int, list[Person]] = {}
    for ownership in (
        Ownership.objects.active()
        .filter(journey_id__in={issue.journey_id for issue in issues}, person__is_active=True)
        .select_related("person")
    ):
        owners.setdefault(ownership.journey_id, []).append(ownership.person)
    for issue in issues:
        late = (today - issue.due_date).days
        notify(
            event=Event.ISSUE,
            key=f"issue:{issue.pk}:overdue:{issue.due_date.isoformat()}",
            recipients=[*owners.get(issue.journey_id, []), issue.assignee],
            journey=issue.journey,
            title=f"{issue.journey.name}: issue overdue, {issue.title}",
            body=(
                f"Due {issue.due_date:%d %b %Y}, {late} day{'s' if late != 1 else ''} ago; severity "
                f"{issue.get_severity_display().lower()}, {issue.get_status_display().lower()}"
                f"{f', assigned to {issue.assignee.name}' if issue.assignee else ', assigned to nobody'}."
            ),
            url=reverse("improvements:issue-detail", kwargs={"pk": issue.pk}),
        )
    return len(issues)


def deliveries_requeue() -> int:
    """Enqueue again deliveries left pending (the broker was down) or retrying past their delay."""
    cutoff = timezone.now() - timezone.timedelta(seconds=settings.NOTIFICATIONS_RETRY_MAX_SECONDS)
    ids = list(
        Delivery.objects.filter(
            status__in=[DeliveryStatus.PENDING, DeliveryStatus.RETRYING], updated_at__lt=cutoff
        ).values_list("pk", flat=True)
    )
    for pk in ids:
        _enqueue_delivery(pk)
    return len(ids)


# --- the person's side -------------------------------------------------------------------------


def notifications_mark_read(*, person: Person, ids: list[int] | None = None) -> int:
    """Mark the person's unread notifications read (the given ones, or all); returns how many."""
    rows = Notification.objects.filter(recipient=person, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    return rows.update(read_at=timezone.now())


@transaction.atomic
def preferences_set(*, person: Person, choices: dict[str, dict]) -> None:
    """Store the person's choice per event: ``{event: {"in_app": bool, "email": EmailChoice}}``."""
    for event, choice in choices.items():
        if event not in Event.values:
            raise ValueError(f"Unknown event {event!r}")
        if choice["email"] not in EmailChoice.values:
            raise ValueError(f"Unknown e-mail choice {choice['email']!r}")
        NotificationPreference.objects.update_or_create(
            person=person, event=event, defaults={"in_app": bool(choice["in_app"]), "email": choice["email"]}
        )


# --- chat channels of a journey (Slack / Teams incoming webhooks) -------------------------------------


def _checked_events(events: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(events))
    unknown = [event for event in chosen if event not in Event.values]
    if unknown:
        raise ValidationError({"events": f"Unknown event(s): {', '.join(unknown)}."})
    return chosen


@transaction.atomic
def chat_webhook_create(*, journey: Journey, kind: str, name: str, url: str, events: Iterable[str] = ()) -> ChatWebhook:
    """A Slack or Teams channel that hears ``journey``'s events (all of them when ``events`` is empty)."""
    if kind not in ChatKind.values:
        raise ValidationError({"kind": "Choose Slack or Microsoft Teams."})
    webhook = ChatWebhook(journey=journey, kind=kind, name=name.strip(), url=targets.check_field(url.strip()))
    webhook.events = _checked_events(events)
    webhook.full_clean()
    webhook.save()
    return webhook


def chat_webhook_set_active(*, webhook: ChatWebhook, active: bool) -> ChatWebhook:
    """Switch posting on or off; deliveries waiting when it goes off fail with "switched off"."""
    webhook.active = active
    webhook.save(update_fields=["active", "updated_at"])
    return webhook


def chat_webhook_delete(*, webhook: ChatWebhook) -> None:
    """Delete the channel and its delivery log (the people's own notifications stay)."""
    webhook.delete()


def chat_webhook_send_test(*, webhook: ChatWebhook, sent_by) -> Delivery:
    """Post one test message to the channel through the usual delivery path (logged, retried)."""
    who = user_label(sent_by) if sent_by is not None else "Someone"
    payload = {
        "title": f"Test message from Throughline for {webhook.journey.name}",
        "body": f"{who} checked that this channel hears the journey's events. Nothing else happened.",
        "url": webhook.journey.get_absolute_url(),
    }
    delivery = Delivery.objects.create(
        key=f"{CHAT_TEST_EVENT}:{webhook.pk}:{timezone.now().isoformat()}",
        event=CHAT_TEST_EVENT,
        recipient_key=f"webhook:{webhook.pk}",
        channel=webhook.kind,
        webhook=webhook,
        address=webhook.name,
        payload=payload,
    )
    transaction.on_commit(partial(_enqueue_delivery, delivery.pk))
    return delivery
