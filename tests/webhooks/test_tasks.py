"""A real Celery worker delivers: an issue logged in a committed transaction reaches the receiver, retried
with backoff through a failure."""

import json

import pytest
from django.db import transaction

from improvements import services as improvements
from tests import factories
from tests.celery_worker import running_worker
from webhooks.models import Delivery

from .receiver import running_receiver


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_delivers_an_event_and_retries_after_a_failure(settings, verify_signature):
    settings.WEBHOOKS_RETRY_BASE_SECONDS = 1
    # The receiver answers at once; a short timeout made a loaded machine's slow answer a third attempt.
    settings.WEBHOOKS_TIMEOUT_SECONDS = 10
    journey = factories.JourneyFactory(slug="onboarding")
    reporter = factories.PersonFactory(name="Team Person")
    with running_receiver(script=[500]) as receiver:
        subscription = factories.WebhookSubscriptionFactory(url=receiver.url, event_types=["issue.created"])
        with running_worker():
            with transaction.atomic():
                issue = improvements.issue_log(
                    journey=journey,
                    reported_by=reporter,
                    title="Calls dropped",
                    symptom="Customers call back.",
                    category="operational_capability",
                    severity=2,
                )
            requests = receiver.wait_for(2, timeout=60)
        # Leaving the worker's block lets it finish the attempt it is recording before the test reads the
        # delivery: SQLite's shared in-memory database fails a write at once while another connection reads
        # that table, and the task's retry on a database error would then send a third time.
        delivery = Delivery.objects.get(subscription=subscription)

    assert len(requests) == 2
    assert [json.loads(request.body)["data"]["issue"]["id"] for request in requests] == [issue.pk, issue.pk]
    assert all(
        verify_signature(subscription.secret, request.headers["Throughline-Signature"], request.body)
        for request in requests
    )
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("succeeded", 2, 200)
