"""Fixtures of the security tests: a journey J with everything hanging off it, and users in every role."""

from dataclasses import dataclass

import pytest
from rest_framework.authtoken.models import Token

from journeys.choices import Channel
from journeys.models import KeyDrivers, PathSummary
from notifications.models import ChatWebhook
from tests import factories


@dataclass
class World:
    """The journey J of the security tests and one object of every kind that belongs to it."""

    journey: object
    stage: object
    touchpoint: object
    instance: object
    interaction: object
    snapshot: object
    import_record: object
    function: object
    person: object
    ownership: object
    team_membership: object
    responsibility: object
    incentive: object
    incentive_review: object
    measurement: object
    measurement_import: object
    issue: object
    initiative: object
    initiative_update: object
    login: object  # the login of ``person`` (someone with no role on J)
    webhook_subscription: object = None  # a manager's webhook, with one delivery in its log
    webhook_delivery: object = None
    persona: object = None  # a persona of J
    comment: object = None  # by J's team member, on J's issue, just posted (its author may still edit it)
    chat_webhook: object = None  # J's team's Slack channel (nothing listens at its loopback address)


@pytest.fixture
def world(journey, owner_user, team_user, manager_user):
    """J (the ``journey`` fixture, slug "onboarding") with a map, data, people, incentives and improvements."""
    return build_world(journey, owner_user, team_user, manager_user)


def build_world(journey, owner_user, team_user, manager_user) -> World:
    """The objects of the ``world`` fixture (also used by the browser tests)."""
    stage = factories.StageFactory(journey=journey, name="Welcome", position=0)
    touchpoint = factories.TouchpointFactory(
        stage=stage, key="welcome-call", name="Welcome call", channel=Channel.PHONE
    )
    second_stage = factories.StageFactory(journey=journey, name="Set-up", position=1)
    factories.TouchpointFactory(stage=second_stage, key="app-setup", name="App set-up", channel=Channel.APP)
    instance = factories.JourneyInstanceFactory(journey=journey, external_id="inst-j-1", customer_ref="cust-1")
    interaction = factories.InteractionFactory(instance=instance, touchpoint=touchpoint, external_id="int-j-1")
    snapshot = factories.HealthSnapshotFactory(journey=journey)
    factories.StageHealthFactory(snapshot=snapshot, stage=stage)
    # the where-to-act figures a recompute stores with it (paths and drivers answer 404 without them)
    PathSummary.objects.create(snapshot=snapshot)
    KeyDrivers.objects.create(snapshot=snapshot)
    function = factories.FunctionFactory(name="Operations", slug="operations")
    login = factories.UserFactory(username="someone-else")
    person = factories.PersonFactory(name="Someone Else", function=function, user=login)
    owner_person = owner_user.person
    team_membership = journey.team_memberships.get(person=team_user.person)
    responsibility = factories.ResponsibilityFactory(touchpoint=touchpoint, function=function)
    incentive = factories.IncentiveFactory(function=function, name="Handle time")
    incentive_review = factories.IncentiveReviewFactory(
        incentive=incentive, journey=journey, reviewer=manager_user.person
    )
    issue = factories.IssueFactory(journey=journey, reported_by=team_user.person, title="Calls dropped")
    initiative = factories.InitiativeFactory(journey=journey, lead=owner_person, title="One call set-up")
    initiative_update = factories.InitiativeUpdateFactory(initiative=initiative, author=owner_person)
    webhook_subscription = factories.WebhookSubscriptionFactory(created_by=manager_user, url="http://127.0.0.1:9/j")
    webhook_delivery = factories.WebhookDeliveryFactory(subscription=webhook_subscription)
    return World(
        journey=journey,
        stage=stage,
        touchpoint=touchpoint,
        instance=instance,
        interaction=interaction,
        snapshot=snapshot,
        import_record=factories.ImportFactory(journey=journey),
        function=function,
        person=person,
        ownership=journey.ownerships.get(person=owner_person),
        team_membership=team_membership,
        responsibility=responsibility,
        incentive=incentive,
        incentive_review=incentive_review,
        measurement=factories.IncentiveMeasurementFactory(incentive=incentive),
        measurement_import=factories.MeasurementImportFactory(),
        issue=issue,
        initiative=initiative,
        initiative_update=initiative_update,
        login=login,
        webhook_subscription=webhook_subscription,
        webhook_delivery=webhook_delivery,
        persona=factories.PersonaFactory(journey=journey, name="First-timer", segment="first-time"),
        comment=factories.CommentFactory(issue=issue, author=team_user.person, body="Seen on the welcome calls."),
        chat_webhook=ChatWebhook.objects.create(
            journey=journey, kind="slack", name="#onboarding", url="http://127.0.0.1:9/services/T/B/x"
        ),
    )


@pytest.fixture
def token_for():
    def make(user):
        return Token.objects.get_or_create(user=user)[0].key

    return make
