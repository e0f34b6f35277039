"""Where a webhook may go: http(s) only, never link-local, private networks only when allowed."""

import pytest
from django.core.exceptions import ValidationError

from core.targets import TargetRefused, check
from webhooks import services
from webhooks.models import Subscription

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.org/hooks", "http:// or https://"),
        ("file:///etc/passwd", "http:// or https://"),
        ("gopher://127.0.0.1:6379/_FLUSHALL", "http:// or https://"),
        ("javascript:alert(1)", "http:// or https://"),
        ("http://user:secret@127.0.0.1/hooks", "user names and passwords"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://[fe80::1]/hooks", "link-local"),
        ("http://0.0.0.0/hooks", "link-local, multicast or reserved"),
        ("http://224.0.0.1/hooks", "link-local, multicast or reserved"),
        ("http://127.0.0.1:99999/hooks", "port"),
        ("http://no-such-host.invalid/hooks", "could not be found"),
    ],
)
def test_unsafe_targets_are_refused_with_a_reason(url, message):
    with pytest.raises(TargetRefused, match=message):
        check(url)


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1/hooks", "http://10.1.2.3/hooks", "http://192.168.0.7/x", "http://[::1]/x"]
)
def test_private_and_loopback_targets_are_refused_unless_allowed(url, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    with pytest.raises(TargetRefused, match="WEBHOOKS_ALLOW_PRIVATE_TARGETS"):
        check(url)

    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
    assert check(url)[0] == "http"


def test_an_ipv4_mapped_ipv6_link_local_address_is_refused():
    with pytest.raises(TargetRefused, match="link-local"):
        check("http://[::ffff:169.254.169.254]/")


def test_a_refused_target_creates_nothing_and_names_the_url_field(manager_user):
    with pytest.raises(ValidationError) as refused:
        services.subscription_create(
            name="Metadata", url="http://169.254.169.254/", event_types=["issue.created"], created_by=manager_user
        )

    assert "link-local" in refused.value.message_dict["url"][0]
    assert Subscription.objects.count() == 0


def test_a_target_that_became_private_is_not_contacted_at_delivery(subscription_to, settings):
    from webhooks.models import Delivery, Event

    subscription = subscription_to("http://127.0.0.1:9/hooks")
    delivery = Delivery.objects.create(subscription=subscription, event=Event.objects.create(type="issue.created"))
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False

    status = services.delivery_attempt(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert status == "retrying"
    assert "private network" in delivery.last_error
    assert delivery.response_code is None


def test_unknown_or_missing_event_types_are_refused(manager_user):
    for event_types, message in (([], "at least one"), (["issue.deleted"], "Unknown event types: issue.deleted")):
        with pytest.raises(ValidationError, match=message):
            services.subscription_create(
                name="X", url="http://127.0.0.1/x", event_types=event_types, created_by=manager_user
            )
    assert Subscription.objects.count() == 0
