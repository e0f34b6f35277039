"""A real Celery worker runs the daily overdue-issue job: the assignee who chose e-mail gets one."""

import datetime as dt

import pytest
from django.core import mail
from django.db import OperationalError
from django.utils import timezone

from notifications.choices import DeliveryStatus, EmailChoice, Event
from notifications.models import Delivery, NotificationPreference
from notifications.tasks import notify_overdue_issues
from tests import factories
from tests.celery_worker import running_worker
from tests.journeys.test_tasks import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _sent() -> bool:
    try:
        return Delivery.objects.filter(status=DeliveryStatus.SENT).exists()
    except OperationalError:  # SQLite's shared test database while the worker writes
        return False


def test_a_real_worker_tells_the_assignee_of_an_overdue_issue_by_e_mail():
    journey = factories.JourneyFactory(name="Onboarding", slug="onboarding")
    assignee = factories.PersonFactory(name="Ana")
    NotificationPreference.objects.create(person=assignee, event=Event.ISSUE, email=EmailChoice.IMMEDIATE)
    factories.IssueFactory(
        journey=journey, title="Router missing", assignee=assignee, due_date=timezone.localdate() - dt.timedelta(days=2)
    )

    with running_worker():
        notify_overdue_issues.delay()
        assert wait_for(_sent, timeout=120)

    assert [message.to for message in mail.outbox] == [[assignee.email]]
    assert "issue overdue, Router missing" in mail.outbox[0].subject
