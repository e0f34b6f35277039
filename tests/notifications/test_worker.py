"""A real Celery worker sends the deliveries a committed write enqueued: e-mail and a Slack webhook that fails first."""

import pytest
from django.core import mail
from django.db import OperationalError

from improvements import services as improvement_services
from improvements.choices import IssueStatus
from notifications.choices import ChatKind, DeliveryStatus, EmailChoice, Event
from notifications.models import ChatWebhook, Delivery, NotificationPreference
from tests import factories
from tests.celery_worker import running_worker
from tests.journeys.test_tasks import wait_for
from tests.notifications.receiver import Receiver

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _all_sent() -> bool:
    try:
        statuses = set(Delivery.objects.values_list("status", flat=True))
    except OperationalError:  # SQLite's shared test database while the worker writes
        return False
    return statuses == {DeliveryStatus.SENT}


def test_a_real_worker_delivers_after_commit_and_retries_a_failing_webhook(settings):
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 1
    journey = factories.JourneyFactory(name="Onboarding", slug="onboarding")
    assignee = factories.PersonFactory(name="Ana")
    NotificationPreference.objects.create(person=assignee, event=Event.ISSUE, email=EmailChoice.IMMEDIATE)
    issue = factories.IssueFactory(journey=journey, title="Refund forms lost")
    with Receiver([503]) as receiver:
        ChatWebhook.objects.create(journey=journey, kind=ChatKind.SLACK, name="#onboarding", url=receiver.url)
        with running_worker():
            improvement_services.issue_triage(issue=issue, status=IssueStatus.INVESTIGATING, assignee=assignee)
            # Waits on what arrived, not on the deliveries' rows: on SQLite's shared in-memory database a read
            # of the table makes the worker's write of it fail at once, which the task retries minutes later.
            assert wait_for(lambda: len(receiver.received) == 2 and len(mail.outbox) == 1, timeout=120)
        # read after the worker's block, which waits for the running task to record its attempt
        assert _all_sent()
    slack = Delivery.objects.get(channel=ChatKind.SLACK)
    assert slack.attempts == 2
    assert slack.last_error == "HTTP 503: invalid_payload"  # kept for the log after the success
    assert len(receiver.received) == 2
    assert [message.to for message in mail.outbox] == [[assignee.email]]
