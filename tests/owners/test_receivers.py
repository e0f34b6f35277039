"""Owners hear about new alerts by e-mail, once per alert (design section 5)."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from journeys.signals import health_recomputed
from owners.models import AlertNotification
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def owned_journey(journey):
    factories.OwnershipFactory(journey=journey, person=factories.PersonFactory(name="Olive", email="olive@example.com"))
    return journey


def _recomputed(journey, new_alerts, as_of=None):
    snapshot = factories.HealthSnapshotFactory(
        journey=journey, as_of=as_of or timezone.localdate(), alerts=list(new_alerts)
    )
    health_recomputed.send(sender=None, journey=journey, snapshot=snapshot, new_alerts=list(new_alerts))
    return snapshot


def test_the_owner_gets_one_email_per_new_alert_with_a_link_to_the_journey(owned_journey, settings):
    settings.SITE_URL = "https://throughline.example.com"

    _recomputed(owned_journey, ["touchpoint_paradox", "health_drop"])

    assert len(mail.outbox) == 2
    assert {message.to[0] for message in mail.outbox} == {"olive@example.com"}
    first = mail.outbox[0]
    assert first.subject == "[Throughline] Onboarding: touchpoint paradox"
    assert "https://throughline.example.com/journeys/onboarding/" in first.body
    assert "Hello Olive" in first.body


def test_recomputing_the_same_day_twice_sends_nothing_more(owned_journey):
    snapshot = _recomputed(owned_journey, ["satisfaction_decay"])

    health_recomputed.send(sender=None, journey=owned_journey, snapshot=snapshot, new_alerts=["satisfaction_decay"])

    assert len(mail.outbox) == 1
    assert AlertNotification.objects.filter(journey=owned_journey).count() == 1


def test_an_alert_that_persists_is_not_sent_again_and_one_that_returns_is(owned_journey):
    today = timezone.localdate()
    _recomputed(owned_journey, ["health_drop"], as_of=today - dt.timedelta(days=1))
    # the next day the alert persists: new_alerts excludes it
    health_recomputed.send(
        sender=None,
        journey=owned_journey,
        snapshot=factories.HealthSnapshotFactory(journey=owned_journey),
        new_alerts=[],
    )
    assert len(mail.outbox) == 1

    # it clears, then comes back today: new again
    health_recomputed.send(
        sender=None,
        journey=owned_journey,
        snapshot=owned_journey.health_snapshots.get(as_of=today),
        new_alerts=["health_drop"],
    )
    assert len(mail.outbox) == 2


def test_a_journey_without_owner_sends_nothing(journey):
    _recomputed(journey, ["touchpoint_paradox"])

    assert mail.outbox == []
    assert not AlertNotification.objects.exists()


def test_a_backfill_of_old_days_does_not_email_the_owner(owned_journey):
    _recomputed(owned_journey, ["health_drop"], as_of=timezone.localdate() - dt.timedelta(days=30))

    assert mail.outbox == []


def test_the_email_goes_to_the_current_owner_only(owned_journey):
    from owners.services import ownership_assign

    ownership_assign(journey=owned_journey, person=factories.PersonFactory(email="successor@example.com"), mandate="")

    _recomputed(owned_journey, ["touchpoint_paradox"])

    assert [message.to for message in mail.outbox] == [["successor@example.com"]]
