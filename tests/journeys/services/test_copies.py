"""Copies of a journey's map and journeys drawn from templates (issue 20.4)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from improvements.models import Initiative, Issue
from journeys.choices import Channel, JourneyStatus
from journeys.map_templates import TEMPLATES
from journeys.models import HealthSnapshot, Interaction, Journey, JourneyInstance, Persona, Stage, Touchpoint
from journeys.services import copies
from owners.models import Ownership, Responsibility, TeamMembership
from tests import factories

pytestmark = pytest.mark.django_db


def _map_counts() -> tuple[int, int, int, int]:
    return Journey.objects.count(), Stage.objects.count(), Touchpoint.objects.count(), Responsibility.objects.count()


@pytest.fixture
def source(drawn_map):
    """The drawn map with data on it: responsibilities, an owner, a team, instances, a snapshot, an issue."""
    journey = drawn_map["journey"]
    journey.description = "From order to first bill."
    journey.target_duration = dt.timedelta(days=30)
    journey.target_score = 80
    journey.save()
    touchpoints = drawn_map["touchpoints"]
    billing, field_ops = factories.FunctionFactory(slug="billing"), factories.FunctionFactory(slug="field-ops")
    factories.ResponsibilityFactory(touchpoint=touchpoints["install-0"], function=field_ops)
    factories.ResponsibilityFactory(touchpoint=touchpoints["first-bill-1"], function=billing)
    factories.ResponsibilityFactory(touchpoint=touchpoints["first-bill-1"], function=field_ops)
    Touchpoint.objects.filter(pk=touchpoints["install-0"].pk).update(is_moment_of_truth=True, channel=Channel.FIELD)
    factories.OwnershipFactory(journey=journey)
    factories.TeamMembershipFactory(journey=journey)
    instance = factories.JourneyInstanceFactory(journey=journey)
    factories.InteractionFactory(instance=instance, touchpoint=touchpoints["order-0"])
    factories.HealthSnapshotFactory(journey=journey)
    factories.IssueFactory(journey=journey)
    return drawn_map


def test_a_copy_has_the_map_in_use_with_its_moments_of_truth_and_responsibilities(source):
    # given
    journey = source["journey"]
    # when
    copy = copies.journey_copy(source=journey, name="Onboarding (business)", slug="onboarding-business")
    # then
    assert copy.status == JourneyStatus.DRAFT
    assert (copy.description, copy.target_duration, copy.target_score) == (
        "From order to first bill.",
        dt.timedelta(days=30),
        80,
    )
    assert list(copy.stages.order_by("position").values_list("name", "position")) == [
        ("Order", 0),
        ("Install", 1),
        ("First bill", 2),
    ]
    copied = {touchpoint.key: touchpoint for touchpoint in copy.touchpoints.all()}
    assert set(copied) == set(source["touchpoints"])
    assert copied["install-0"].is_moment_of_truth
    assert copied["install-0"].channel == Channel.FIELD
    assert copied["install-0"].stage.name == "Install"
    responsibilities = set(
        Responsibility.objects.filter(touchpoint__journey=copy).values_list("touchpoint__key", "function__slug")
    )
    assert responsibilities == {("install-0", "field-ops"), ("first-bill-1", "billing"), ("first-bill-1", "field-ops")}


def test_a_copy_has_the_sources_personas_with_their_history(source):
    journey = source["journey"]
    Persona.objects.create(journey=journey, name="Maya", segment="consumer", goals="Online by Friday", pains="Jargon")
    Persona.objects.create(journey=journey, name="Sam", segment="business", needs="One invoice")
    other = factories.JourneyFactory()
    Persona.objects.create(journey=other, name="Not this one", segment="consumer")

    copy = copies.journey_copy(source=journey, name="Copy", slug="copy")

    assert list(copy.personas.order_by("name").values_list("name", "segment", "goals", "needs", "pains")) == [
        ("Maya", "consumer", "Online by Friday", "", "Jargon"),
        ("Sam", "business", "", "One invoice", ""),
    ]
    assert Persona.objects.filter(journey=journey).count() == 2
    assert Persona.history.filter(journey_id=copy.pk, history_type="+").count() == 2


def test_a_copy_takes_none_of_the_sources_data(source):
    copy = copies.journey_copy(source=source["journey"], name="Copy", slug="copy")

    for model in (JourneyInstance, HealthSnapshot, Issue, Initiative, Ownership, TeamMembership):
        assert not model.objects.filter(journey=copy).exists(), model.__name__
    assert not Interaction.objects.filter(touchpoint__journey=copy).exists()
    # ... and the source keeps all of it.
    assert JourneyInstance.objects.filter(journey=source["journey"]).count() == 1
    assert Issue.objects.filter(journey=source["journey"]).count() == 1


def test_retired_stages_and_touchpoints_are_not_copied_and_positions_close_up(source):
    journey = source["journey"]
    Stage.objects.filter(journey=journey, name="Order").update(retired_at=timezone.now())
    Touchpoint.objects.filter(journey=journey, key="install-1").update(retired_at=timezone.now())

    copy = copies.journey_copy(source=journey, name="Copy", slug="copy")

    assert list(copy.stages.order_by("position").values_list("name", "position")) == [("Install", 0), ("First bill", 1)]
    assert set(copy.touchpoints.values_list("key", flat=True)) == {"install-0", "first-bill-0", "first-bill-1"}
    assert not copy.stages.filter(retired_at__isnull=False).exists()


def test_the_keys_of_the_copy_are_the_ones_chosen(source):
    copy = copies.journey_copy(
        source=source["journey"], name="Copy", slug="copy", keys={"order-0": "web-order", "install-0": "visit"}
    )

    keys = set(copy.touchpoints.values_list("key", flat=True))
    assert keys == {"web-order", "order-1", "visit", "install-1", "first-bill-0", "first-bill-1"}


@pytest.mark.parametrize(
    ("arguments", "field", "message"),
    [
        ({"slug": "onboarding"}, "slug", "Another journey already uses this slug."),
        ({"slug": "new"}, "slug", "reserved"),
        ({"slug": "not a slug"}, "slug", "letters, numbers, hyphens"),
        ({"name": "  "}, "name", "Give the new journey a name."),
        ({"keys": {"order-0": "order-1"}}, "keys", "is chosen for both"),
        ({"keys": {"order-0": "no spaces allowed"}}, "keys", "not a valid key"),
        ({"keys": {"missing": "x"}}, "keys", "No touchpoint of the map has the key missing"),
    ],
)
def test_a_refused_copy_says_why_and_creates_nothing(source, arguments, field, message):
    # given
    before = _map_counts()
    values = {"name": "Copy", "slug": "copy", **arguments}
    # when
    with pytest.raises(ValidationError) as error:
        copies.journey_copy(source=source["journey"], **values)
    # then
    assert message in " ".join(error.value.message_dict[field])
    assert _map_counts() == before


# Values a field can hold that differ from any default, by field type: a new field gets one without
# touching this test; a field type missing here fails the test until it is added.
def _distinct_value(field: models.Field, current):
    if field.choices:
        return next(value for value, _ in reversed(field.flatchoices) if value != current)
    if isinstance(field, models.BooleanField):
        return not current
    if isinstance(field, models.SlugField):
        return f"copied-{field.name}"[: field.max_length].replace("_", "-")
    if isinstance(field, models.CharField | models.TextField):
        return f"Copied {field.name}"[: field.max_length]
    if isinstance(field, models.IntegerField):
        return (current or 0) + 7
    if isinstance(field, models.FloatField):
        return 3.25
    if isinstance(field, models.DecimalField):
        return Decimal("1.5")
    if isinstance(field, models.DurationField):
        return dt.timedelta(days=11)
    if isinstance(field, models.DateTimeField):
        return dt.datetime(2026, 1, 2, 3, 4, tzinfo=dt.UTC)
    if isinstance(field, models.DateField):
        return dt.date(2026, 1, 2)
    if isinstance(field, models.JSONField):
        return {"copied": field.name}
    if isinstance(field, models.ForeignKey):
        return current  # a link to another row is copied as it is (checked below by equality)
    pytest.fail(f"No test value for {field.model.__name__}.{field.name} ({type(field).__name__}): add one here.")


@pytest.mark.parametrize(
    ("model", "not_copied"),
    [(Stage, copies.STAGE_FIELDS_NOT_COPIED), (Touchpoint, copies.TOUCHPOINT_FIELDS_NOT_COPIED)],
)
def test_every_concrete_field_of_stages_and_touchpoints_is_copied_unless_listed(drawn_map, model, not_copied):
    # given: a stage and a touchpoint whose every copied field holds a value no default has
    stage = drawn_map["stages"][0]
    touchpoint = drawn_map["touchpoints"]["order-0"]
    element = stage if model is Stage else touchpoint
    fields = [field for field in model._meta.concrete_fields if field.name not in not_copied]
    assert fields, "nothing would be checked"
    for field in fields:
        setattr(element, field.attname, _distinct_value(field, getattr(element, field.attname)))
    element.save()
    element.refresh_from_db()
    # when
    copy = copies.journey_copy(source=drawn_map["journey"], name="Copy", slug="copy")
    # then
    copied = copy.stages.get(position=0) if model is Stage else copy.touchpoints.get(key=touchpoint.key)
    for field in fields:
        assert getattr(copied, field.attname) == getattr(element, field.attname), field.name


def test_the_fields_left_out_of_a_copy_are_only_identity_clock_links_and_retirement():
    # A field added to this list must be one a copy should not take; say why in journeys/services/copies.py.
    assert {"id", "journey", "position", "created_at", "updated_at", "retired_at"} == copies.STAGE_FIELDS_NOT_COPIED
    assert {
        "id",
        "journey",
        "stage",
        "key",
        "position",
        "created_at",
        "updated_at",
        "retired_at",
    } == copies.TOUCHPOINT_FIELDS_NOT_COPIED


# --- templates -----------------------------------------------------------------------------------


def test_a_journey_from_a_template_has_its_stages_touchpoints_moments_of_truth_and_known_functions():
    # given: the organisation has two of the functions the home-move template names, one by name only
    factories.FunctionFactory(slug="customer-service", name="Customer Service")
    factories.FunctionFactory(slug="field-team", name="Field Operations")
    template = TEMPLATES["home-move"]
    # when
    journey = copies.journey_create_from_template(template="home-move", slug="moving")
    # then
    assert (journey.name, journey.status, journey.tier) == ("Move house", JourneyStatus.DRAFT, template.tier)
    assert list(journey.stages.order_by("position").values_list("name", flat=True)) == [
        stage.name for stage in template.stages
    ]
    assert list(
        Touchpoint.objects.filter(journey=journey)
        .order_by("stage__position", "position")
        .values_list("key", "channel", "is_moment_of_truth")
    ) == [(item.key, item.channel, item.moment_of_truth) for item in template.touchpoints]
    # Billing and Digital are not functions of this organisation: left for the owner to fill in.
    assert set(
        Responsibility.objects.filter(touchpoint__journey=journey).values_list("touchpoint__key", "function__name")
    ) == {
        ("moving-call", "Customer Service"),
        ("move-booking-call", "Customer Service"),
        ("move-booking-call", "Field Operations"),
        ("move-technician-visit", "Field Operations"),
        ("new-address-bill-call", "Customer Service"),
    }


def test_a_journey_from_a_template_takes_the_chosen_name_and_keys():
    journey = copies.journey_create_from_template(
        template="repair", name="Boiler repair", slug="boiler-repair", keys={"repair-visit": "engineer-visit"}
    )

    assert journey.name == "Boiler repair"
    assert journey.touchpoints.filter(key="engineer-visit", is_moment_of_truth=True).exists()
    assert not journey.touchpoints.filter(key="repair-visit").exists()


def test_every_template_draws_a_valid_map():
    for key, template in TEMPLATES.items():
        journey = copies.journey_create_from_template(template=key, slug=f"from-{key}")
        assert journey.touchpoints.count() == len(template.touchpoints), key
        assert journey.touchpoints.filter(is_moment_of_truth=True).exists(), key


def test_an_unknown_template_or_a_taken_slug_is_refused_and_nothing_is_created(journey):
    before = _map_counts()

    with pytest.raises(ValidationError) as unknown:
        copies.journey_create_from_template(template="wedding", slug="wedding")
    with pytest.raises(ValidationError) as taken:
        copies.journey_create_from_template(template="repair", slug=journey.slug)

    assert unknown.value.message_dict == {"template": ['There is no template "wedding".']}
    assert taken.value.message_dict == {"slug": ["Another journey already uses this slug."]}
    assert _map_counts() == before
