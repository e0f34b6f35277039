"""Notifications end to end below the pages: events from real writes, e-mail through locmem, chat through a
real loopback receiver, retries with backoff, once per event x recipient x channel."""

import datetime as dt

import pytest
from django.core import mail
from django.db import IntegrityError
from django.utils import timezone

from improvements import services as improvement_services
from improvements.choices import IssueStatus
from journeys.signals import health_recomputed
from notifications import services
from notifications.choices import Channel, ChatKind, DeliveryStatus, EmailChoice, Event
from notifications.models import ChatWebhook, Delivery, Notification, NotificationPreference
from notifications.tasks import deliver, send_digests
from owners import services as owner_services
from owners.choices import Verdict
from tests import factories
from tests.notifications.receiver import Receiver

pytestmark = pytest.mark.django_db


@pytest.fixture
def fast_retries(settings):
    settings.NOTIFICATIONS_WEBHOOK_TIMEOUT = 0.5
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 0
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 4
    return settings


def _send_all():
    for delivery in Delivery.objects.filter(status=DeliveryStatus.PENDING).order_by("pk"):
        deliver.apply(args=[delivery.pk])


def _notify(person, key="k:1", journey=None, event=Event.ISSUE):
    return services.notify(
        event=event, key=key, recipients=[person], journey=journey, title="Title", body="Body", url="/x/"
    )


def test_an_issue_assigned_to_me_is_in_the_app_and_by_e_mail_when_i_chose_it(
    journey, django_capture_on_commit_callbacks
):
    assignee = factories.PersonFactory(name="Ana Assignee")
    NotificationPreference.objects.create(person=assignee, event=Event.ISSUE, email=EmailChoice.IMMEDIATE)
    issue = factories.IssueFactory(journey=journey, title="Refund forms lost")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        improvement_services.issue_triage(issue=issue, status=IssueStatus.INVESTIGATING, assignee=assignee)
    notification = Notification.objects.get(recipient=assignee)
    assert notification.title == "Issue assigned to you: Refund forms lost"
    assert notification.url == f"/issues/{issue.pk}/"
    delivery = Delivery.objects.get(channel=Channel.EMAIL)
    assert (delivery.address, delivery.status) == (assignee.email, DeliveryStatus.PENDING)
    enqueues = [
        callback
        for callback in callbacks
        if getattr(getattr(callback, "func", None), "__name__", "") == "_enqueue_delivery"
    ]
    assert len(enqueues) == 1  # the delivery is enqueued after commit, not before (the webhooks' event is another)

    deliver.apply(args=[delivery.pk])
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 1)
    assert [message.to for message in mail.outbox] == [[assignee.email]]
    assert "Refund forms lost" in mail.outbox[0].subject
    assert f"Open in Throughline: http://127.0.0.1:8000/issues/{issue.pk}/" in mail.outbox[0].body


def test_the_same_event_twice_notifies_and_sends_once(journey):
    person = factories.PersonFactory()
    NotificationPreference.objects.create(person=person, event=Event.ISSUE, email=EmailChoice.IMMEDIATE)
    first = _notify(person)
    second = _notify(person)
    assert len(first) == 1
    assert second == []
    _send_all()
    deliver.apply(args=[first[0].pk])  # a redelivered job: the row is already sent
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1
    assert Delivery.objects.get().attempts == 1


def test_the_database_refuses_a_second_delivery_for_one_event_recipient_and_channel(journey):
    person = factories.PersonFactory()
    NotificationPreference.objects.create(person=person, event=Event.ISSUE, email=EmailChoice.IMMEDIATE)
    delivery = _notify(person)[0]
    with pytest.raises(IntegrityError):
        Delivery.objects.create(
            key=delivery.key, event=delivery.event, channel=Channel.EMAIL, recipient_key=delivery.recipient_key
        )


def test_by_default_a_person_sees_it_in_the_app_and_gets_no_e_mail(journey):
    person = factories.PersonFactory()
    assert _notify(person) == []
    assert Notification.objects.filter(recipient=person, in_app=True).count() == 1
    assert not Delivery.objects.exists()


def test_a_person_who_turned_an_event_off_hears_nothing(journey):
    person = factories.PersonFactory()
    services.preferences_set(person=person, choices={Event.ISSUE: {"in_app": False, "email": EmailChoice.OFF}})
    _notify(person)
    assert not Notification.objects.exists()


def test_an_inactive_person_is_not_notified(journey):
    person = factories.PersonFactory(is_active=False)
    _notify(person)
    assert not Notification.objects.exists()


def test_a_failing_slack_webhook_fails_then_times_out_then_recovers_and_the_e_mail_is_not_held_up(
    journey, fast_retries
):
    person = factories.PersonFactory()
    NotificationPreference.objects.create(person=person, event=Event.ISSUE, email=EmailChoice.IMMEDIATE)
    with Receiver([500, 2.0]) as receiver:
        ChatWebhook.objects.create(journey=journey, kind=ChatKind.SLACK, name="#onboarding", url=receiver.url)
        deliveries = _notify(person, journey=journey)
        email = next(d for d in deliveries if d.channel == Channel.EMAIL)
        slack = next(d for d in deliveries if d.channel == Channel.SLACK)

        deliver.apply(args=[slack.pk])  # retries at once (backoff base 0) until it arrives
        deliver.apply(args=[email.pk])

    slack.refresh_from_db()
    email.refresh_from_db()
    assert slack.status == DeliveryStatus.SENT
    assert slack.attempts == 3
    assert len(receiver.received) == 3
    assert receiver.received[-1]["text"].startswith("*Title*\nBody\n<")
    assert email.status == DeliveryStatus.SENT
    assert len(mail.outbox) == 1


def test_a_webhook_that_never_recovers_is_failed_with_its_last_error_and_nothing_else_is_blocked(journey, fast_retries):
    with Receiver([500, 500, 500, 500, 500]) as broken, Receiver() as healthy:
        ChatWebhook.objects.create(journey=journey, kind=ChatKind.TEAMS, name="Broken", url=broken.url)
        ChatWebhook.objects.create(journey=journey, kind=ChatKind.TEAMS, name="Healthy", url=healthy.url)
        _notify(factories.PersonFactory(), journey=journey)
        _send_all()
    failed = Delivery.objects.get(address="Broken")
    assert (failed.status, failed.attempts) == (DeliveryStatus.FAILED, 4)
    assert failed.last_error.startswith("HTTP 500")
    ok = Delivery.objects.get(address="Healthy")
    assert ok.status == DeliveryStatus.SENT
    card = healthy.received[0]
    assert card["@type"] == "MessageCard"
    assert card["title"] == "Title"
    assert card["potentialAction"][0]["targets"][0]["uri"].endswith("/x/")


def test_a_webhook_posts_only_the_events_it_was_given(journey):
    ChatWebhook.objects.create(
        journey=journey, kind=ChatKind.SLACK, name="alerts", url="http://127.0.0.1:9/", events=[Event.ALERT]
    )
    _notify(factories.PersonFactory(), journey=journey, event=Event.ISSUE)
    assert not Delivery.objects.exists()


def test_retry_backoff_doubles_and_is_capped(settings):
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 30
    settings.NOTIFICATIONS_RETRY_MAX_SECONDS = 200
    assert [services.retry_delay(n) for n in (1, 2, 3, 4, 5)] == [30, 60, 120, 200, 200]


def test_the_digest_sends_one_e_mail_per_person_with_everything_waiting(journey):
    ana, bo = factories.PersonFactory(), factories.PersonFactory()
    for person in (ana, bo):
        NotificationPreference.objects.create(person=person, event=Event.ISSUE, email=EmailChoice.DIGEST)
    for key in ("a", "b", "c"):
        _notify(ana, key=key)
    _notify(bo, key="d")
    assert Delivery.objects.filter(status=DeliveryStatus.DIGEST).count() == 4

    assert send_digests.apply().get() == 2
    assert send_digests.apply().get() == 0  # nothing is sent twice
    assert sorted(message.to[0] for message in mail.outbox) == sorted([ana.email, bo.email])
    ana_mail = next(message for message in mail.outbox if message.to == [ana.email])
    assert "3 notifications" in ana_mail.subject
    assert ana_mail.body.count("Title") == 3
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}


def test_a_new_alert_reaches_the_owner_and_the_team_once_per_alert_and_day(journey):
    owner = factories.OwnershipFactory(journey=journey).person
    member = factories.TeamMembershipFactory(journey=journey).person
    factories.PersonFactory()  # not on the journey
    snapshot = factories.HealthSnapshotFactory(journey=journey, as_of=timezone.localdate())
    for _ in range(2):
        health_recomputed.send(sender=None, journey=journey, snapshot=snapshot, new_alerts=["score_drop"])
    rows = Notification.objects.filter(event=Event.ALERT)
    assert sorted(rows.values_list("recipient_id", flat=True)) == sorted([owner.pk, member.pk])
    assert rows.first().title == "Onboarding: new alert, score drop"


def test_an_alert_of_an_old_day_is_history_not_news(journey):
    factories.OwnershipFactory(journey=journey)
    snapshot = factories.HealthSnapshotFactory(journey=journey, as_of=timezone.localdate() - dt.timedelta(days=5))
    health_recomputed.send(sender=None, journey=journey, snapshot=snapshot, new_alerts=["score_drop"])
    assert not Notification.objects.filter(event=Event.ALERT).exists()


def test_the_owner_hears_of_a_new_issue_and_the_lead_and_owner_of_a_status_change(journey):
    owner = factories.OwnershipFactory(journey=journey).person
    issue = factories.IssueFactory(journey=journey, title="Lost refund")
    assert Notification.objects.get(recipient=owner, event=Event.ISSUE).title == "New issue on Onboarding: Lost refund"

    initiative = factories.InitiativeFactory(journey=journey, title="One form")
    initiative.issues.add(issue)
    improvement_services.initiative_transition(initiative=initiative, status="approved")
    titles = set(Notification.objects.filter(event=Event.INITIATIVE).values_list("recipient_id", "title"))
    assert titles == {
        (initiative.lead_id, "Initiative One form: approved"),
        (owner.pk, "Initiative One form: approved"),
    }


def test_a_conflicting_verdict_asks_the_function_head_to_review_the_incentive(journey):
    head = factories.PersonFactory(name="Head of Care")
    function = factories.FunctionFactory(head=head)
    incentive = factories.IncentiveFactory(function=function, name="Handle time")
    factories.ResponsibilityFactory(touchpoint=factories.TouchpointFactory(stage__journey=journey), function=function)
    owner_services.incentive_review_create(
        incentive=incentive, journey=journey, verdict=Verdict.CONFLICTING, rationale="Rushes calls.", reviewer=None
    )
    notification = Notification.objects.get(recipient=head)
    assert notification.event == Event.INCENTIVE_REVIEW
    assert notification.title == "Please review the incentive Handle time: it conflicts with Onboarding"
    assert notification.body == "Rushes calls."


def test_a_person_named_owner_is_told(journey):
    person = factories.PersonFactory()
    owner_services.ownership_assign(journey=journey, person=person, mandate="All of it.")
    assert Notification.objects.get(recipient=person).title == "You are now the owner of Onboarding"


def test_marking_read_touches_only_my_unread_notifications(journey):
    me, other = factories.PersonFactory(), factories.PersonFactory()
    _notify(me, key="a")
    _notify(me, key="b")
    _notify(other, key="a")
    assert services.notifications_mark_read(person=me) == 2
    assert services.notifications_mark_read(person=me) == 0
    assert Notification.objects.filter(recipient=other, read_at__isnull=True).count() == 1
