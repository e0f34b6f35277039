"""manage.py seed_demo on an empty or partly filled database: --if-empty, kept journeys, determinism.

Kept apart from test_seed_demo.py, whose module-wide demo would make the database non-empty.
"""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from demo.activity import plan_activity
from journeys.models import Interaction, Journey, JourneyInstance
from notifications.choices import Event
from notifications.models import Notification
from owners.models import Ownership, Person
from tests import factories

pytestmark = pytest.mark.django_db


def seed(scale=0.02, **options) -> str:
    out = StringIO()
    call_command("seed_demo", scale=scale, no_recompute=True, stdout=out, **options)
    return out.getvalue()


def activity_rows():
    return list(
        JourneyInstance.objects.order_by("journey__slug", "external_id").values_list(
            "journey__slug",
            "external_id",
            "customer_ref",
            "segment",
            "started_at",
            "ended_at",
            "outcome",
            "satisfaction",
        )
    ) + list(
        Interaction.objects.order_by("instance__journey__slug", "external_id").values_list(
            "external_id", "touchpoint__key", "channel", "occurred_at", "satisfaction", "repeat", "reidentified"
        )
    )


def test_if_empty_loads_the_demo_into_an_empty_database():
    output = seed(if_empty=True)

    assert Journey.objects.filter(slug="onboarding").exists()
    assert "Loaded demo journeys" in output


def test_seed_demo_keeps_a_journey_that_already_exists_and_loads_the_others():
    # given
    mine = factories.JourneyFactory(slug="onboarding", name="Our onboarding")

    # when
    output = seed()

    # then
    mine.refresh_from_db()
    assert mine.name == "Our onboarding"
    assert not mine.instances.exists()
    assert not mine.stages.exists()
    assert Journey.objects.filter(slug="rail-refund").exists()
    assert "Kept existing journeys as they were: onboarding" in output


def test_seed_demo_keeps_an_existing_login_and_its_password():
    # given
    user = factories.UserFactory(username="owner", password="my-own-password")

    # when
    output = seed()

    # then
    user.refresh_from_db()
    assert user.check_password("my-own-password")
    assert Person.objects.get(name="Dana Whitfield").user == user
    assert "existed already; password unchanged" in output


def test_a_deleted_demo_journey_is_put_back_on_the_next_run_and_nothing_else_changes():
    # given
    seed()
    people = Person.objects.count()
    Interaction.objects.filter(instance__journey__slug="rail-refund").delete()  # they protect the touchpoints
    Ownership.objects.filter(journey__slug="rail-refund").delete()  # and these the journey
    Journey.objects.filter(slug="rail-refund").delete()

    # when
    output = seed()

    # then
    assert "Loaded demo journeys rail-refund" in output
    assert JourneyInstance.objects.filter(journey__slug="rail-refund").exists()
    assert Person.objects.count() == people


def test_loading_the_demo_twice_on_the_same_day_gives_the_same_rows():
    # given
    seed(scale=0.01)
    first = activity_rows()
    Interaction.objects.all().delete()
    Ownership.objects.all().delete()
    Journey.objects.filter(parent__isnull=False).delete()  # the parts first: a parent is protected
    Journey.objects.all().delete()

    # when
    seed(scale=0.01)

    # then
    assert activity_rows() == first
    assert len(first) > 100


def test_the_same_seed_and_day_plan_the_same_activity_and_another_seed_does_not():
    cutoff = dt.datetime(2026, 11, 22, tzinfo=dt.UTC)

    first = plan_activity(slug="onboarding", seed=1, count=40, cutoff=cutoff, days=180)
    again = plan_activity(slug="onboarding", seed=1, count=40, cutoff=cutoff, days=180)
    other = plan_activity(slug="onboarding", seed=2, count=40, cutoff=cutoff, days=180)

    assert first == again
    assert first != other


def test_days_shortens_the_generated_history():
    seed(days=30)

    oldest = JourneyInstance.objects.order_by("started_at").first()
    assert oldest.started_at >= timezone.now() - dt.timedelta(days=31)


def test_the_demo_comment_tells_the_owner_login_of_the_mention_once_the_load_commits(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        seed(scale=0.01)

    dana = Person.objects.get(user__username="owner")
    mentions = Notification.objects.filter(recipient=dana, event=Event.MENTION)
    assert list(mentions.values_list("title", flat=True)) == [
        "Sam Okafor mentioned you on the issue Technicians double-booked on Monday mornings"
    ]
    assert mentions.get().read_at is None

    # a second run posts no comment again and tells nobody again
    with django_capture_on_commit_callbacks(execute=True):
        seed(scale=0.01)
    assert Notification.objects.filter(event=Event.MENTION).count() == 1
