"""factory_boy factories for every model."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from improvements.choices import IssueCategory
from improvements.models import Comment, Initiative, InitiativeUpdate, Issue
from journeys.choices import Channel, HealthStatus, Outcome
from journeys.models import (
    HealthSnapshot,
    Import,
    Interaction,
    Journey,
    JourneyInstance,
    PendingRecompute,
    Persona,
    Stage,
    StageHealth,
    Touchpoint,
)
from owners.choices import Verdict
from owners.models import (
    Function,
    Incentive,
    IncentiveMeasurement,
    IncentiveReview,
    MeasurementImport,
    Ownership,
    Person,
    Responsibility,
    TeamMembership,
)

MANAGERS_GROUP = "Managers"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.django.Password("password")


class ManagerUserFactory(UserFactory):
    @factory.post_generation
    def managers_group(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            group, _ = Group.objects.get_or_create(name=MANAGERS_GROUP)
            obj.groups.add(group)


class JourneyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Journey

    name = factory.Sequence(lambda n: f"Journey {n}")
    slug = factory.Sequence(lambda n: f"journey-{n}")
    status = "active"
    min_sample = 5


class StageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stage

    journey = factory.SubFactory(JourneyFactory)
    name = factory.Sequence(lambda n: f"Stage {n}")
    position = factory.Sequence(lambda n: n)


class TouchpointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Touchpoint

    stage = factory.SubFactory(StageFactory)
    journey = factory.LazyAttribute(lambda o: o.stage.journey)
    key = factory.Sequence(lambda n: f"touchpoint-{n}")
    name = factory.Sequence(lambda n: f"Touchpoint {n}")
    channel = Channel.PHONE
    position = factory.Sequence(lambda n: n)


class PersonaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Persona

    journey = factory.SubFactory(JourneyFactory)
    name = factory.Sequence(lambda n: f"Persona {n}")
    segment = "first-time"
    goals = "Get set up quickly."
    needs = "One clear appointment."
    pains = "Calling back to chase."


class JourneyInstanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JourneyInstance

    journey = factory.SubFactory(JourneyFactory)
    external_id = factory.Sequence(lambda n: f"inst-{n}")
    customer_ref = factory.Sequence(lambda n: f"cust-{n}")
    started_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=5))
    ended_at = factory.LazyAttribute(lambda o: o.started_at + dt.timedelta(days=2))
    outcome = Outcome.COMPLETED
    satisfaction = 4


class InteractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interaction

    instance = factory.SubFactory(JourneyInstanceFactory)
    touchpoint = factory.LazyAttribute(lambda o: TouchpointFactory(stage__journey=o.instance.journey))
    external_id = factory.Sequence(lambda n: f"int-{n}")
    channel = factory.LazyAttribute(lambda o: o.touchpoint.channel)
    occurred_at = factory.LazyAttribute(lambda o: o.instance.started_at + dt.timedelta(hours=1))
    satisfaction = 4


class HealthSnapshotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HealthSnapshot

    journey = factory.SubFactory(JourneyFactory)
    segment = ""
    as_of = factory.LazyFunction(timezone.localdate)
    computed_at = factory.LazyFunction(timezone.now)
    window_start = factory.LazyAttribute(lambda o: o.computed_at - dt.timedelta(days=90))
    window_end = factory.LazyAttribute(lambda o: o.computed_at)
    sample_size = 40
    score = 70
    status = HealthStatus.AT_RISK


class PendingRecomputeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PendingRecompute

    journey = factory.SubFactory(JourneyFactory)
    first_day = factory.LazyFunction(timezone.localdate)
    enqueued_at = factory.LazyFunction(timezone.now)


class StageHealthFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StageHealth

    snapshot = factory.SubFactory(HealthSnapshotFactory)
    stage = factory.LazyAttribute(lambda o: StageFactory(journey=o.snapshot.journey))
    reached = 10
    interactions = 12
    csat = 4.0


class ImportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Import

    file = factory.django.FileField(filename="interactions.csv", data=b"journey,instance_external_id\n")
    original_name = "interactions.csv"


class FunctionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Function
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Function {n}")
    slug = factory.Sequence(lambda n: f"function-{n}")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.Sequence(lambda n: f"person{n}@example.com")
    function = factory.SubFactory(FunctionFactory)


class OwnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ownership

    journey = factory.SubFactory(JourneyFactory)
    person = factory.SubFactory(PersonFactory)
    mandate = "Accountable for the journey end to end."
    started_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))


class TeamMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMembership

    journey = factory.SubFactory(JourneyFactory)
    person = factory.SubFactory(PersonFactory)
    role = "team member"


class ResponsibilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Responsibility

    touchpoint = factory.SubFactory(TouchpointFactory)
    function = factory.SubFactory(FunctionFactory)


class IncentiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Incentive

    function = factory.SubFactory(FunctionFactory)
    name = factory.Sequence(lambda n: f"Incentive {n}")
    measure = "Average handle time"
    target = "under 6 minutes"
    weight = 20


class IncentiveMeasurementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IncentiveMeasurement

    incentive = factory.SubFactory(IncentiveFactory)
    period_end = factory.Sequence(lambda n: dt.date(2026, 1, 1) - dt.timedelta(days=31 * n))
    value = 6.0
    source = "test"


class MeasurementImportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeasurementImport

    file = factory.django.FileField(filename="measurements.csv", data=b"incentive,period_end,value\n")
    original_name = "measurements.csv"


class IncentiveReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IncentiveReview

    incentive = factory.SubFactory(IncentiveFactory)
    journey = factory.SubFactory(JourneyFactory)
    verdict = Verdict.ALIGNED
    rationale = "Rewards what the journey needs."
    reviewer = factory.SubFactory(PersonFactory)


class IssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Issue

    journey = factory.SubFactory(JourneyFactory)
    title = factory.Sequence(lambda n: f"Issue {n}")
    symptom = "Customers have to call again."
    category = IssueCategory.OPERATIONAL_CAPABILITY
    severity = 2
    reported_by = factory.SubFactory(PersonFactory)


class InitiativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Initiative

    journey = factory.SubFactory(JourneyFactory)
    title = factory.Sequence(lambda n: f"Initiative {n}")
    hypothesis = "Fewer hand-offs raise journey satisfaction."
    lead = factory.SubFactory(PersonFactory)
    target_component = "journey_csat"
    target_value = 4.0
    expected_gain = 0.5
    effort = 10


class InitiativeUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InitiativeUpdate

    initiative = factory.SubFactory(InitiativeFactory)
    author = factory.SubFactory(PersonFactory)
    body = "Pilot running in two regions."
    progress = 40


class CommentFactory(factory.django.DjangoModelFactory):
    """A comment on an issue (pass ``initiative=...`` and ``issue=None`` for one on an initiative)."""

    class Meta:
        model = Comment

    issue = factory.SubFactory(IssueFactory)
    initiative = None
    journey = factory.LazyAttribute(lambda o: (o.issue or o.initiative).journey)
    author = factory.SubFactory(PersonFactory)
    body = "Seen this on the welcome calls too."


class WebhookSubscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "webhooks.Subscription"

    name = factory.Sequence(lambda n: f"Integration {n}")
    url = "http://127.0.0.1:9/hooks"
    event_types = factory.LazyFunction(lambda: ["issue.created"])
    secret = factory.Sequence(lambda n: f"whsec_test-secret-{n}")


class WebhookEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "webhooks.Event"

    type = "issue.created"
    data = factory.LazyFunction(lambda: {"issue": {"id": 1}})


class WebhookDeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "webhooks.Delivery"

    subscription = factory.SubFactory(WebhookSubscriptionFactory)
    event = factory.SubFactory(WebhookEventFactory)
