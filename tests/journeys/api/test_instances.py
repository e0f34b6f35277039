"""The instances and interactions API: filters, ordering, pagination, permissions and validation."""

import datetime as dt

import pytest
from django.utils import timezone

from journeys.models import Interaction, Journey, JourneyInstance, PendingRecompute
from tests import factories

pytestmark = pytest.mark.django_db

INSTANCES = "/api/v1/instances/"
INTERACTIONS = "/api/v1/interactions/"
DAY = dt.datetime(2026, 10, 1, 9, tzinfo=dt.UTC)


def an_instance(journey, external_id, *, days=0, **values):
    values.setdefault("started_at", DAY + dt.timedelta(days=days))
    values.setdefault("ended_at", values["started_at"] + dt.timedelta(days=3))
    return factories.JourneyInstanceFactory(journey=journey, external_id=external_id, **values)


def keys(response, name="external_id"):
    return [row[name] for row in response.json()["results"]]


@pytest.fixture
def instances(mapped_journey):
    other = factories.JourneyFactory(slug="billing", name="Billing")
    return {
        "early": an_instance(mapped_journey, "early", days=0, segment="consumer", satisfaction=2),
        "middle": an_instance(mapped_journey, "middle", days=10, segment="business", satisfaction=4),
        "open": an_instance(
            mapped_journey, "open", days=20, segment="consumer", outcome="in_progress", ended_at=None, satisfaction=None
        ),
        "billing": an_instance(other, "elsewhere", days=5, satisfaction=5),
    }


def test_instances_filter_by_journey_segment_outcome_dates_and_satisfaction(viewer_client, instances):
    assert keys(viewer_client.get(INSTANCES, {"journey": "onboarding", "ordering": "started_at"})) == [
        "early",
        "middle",
        "open",
    ]
    assert keys(viewer_client.get(INSTANCES, {"segment": "business"})) == ["middle"]
    assert keys(viewer_client.get(INSTANCES, {"outcome": "in_progress"})) == ["open"]
    assert sorted(
        keys(viewer_client.get(INSTANCES, {"started_at_after": "2026-10-05", "started_at_before": "2026-10-15"}))
    ) == [
        "elsewhere",
        "middle",
    ]
    assert keys(viewer_client.get(INSTANCES, {"ended_at_before": "2026-10-04"})) == ["early"]
    assert sorted(keys(viewer_client.get(INSTANCES, {"satisfaction__gte": 4}))) == ["elsewhere", "middle"]
    assert keys(viewer_client.get(INSTANCES, {"satisfaction": 2})) == ["early"]


def test_instances_search_and_order(viewer_client, instances):
    assert keys(viewer_client.get(INSTANCES, {"search": "midd"})) == ["middle"]
    assert keys(viewer_client.get(INSTANCES, {"ordering": "-satisfaction", "journey": "onboarding"}))[:2] == [
        "middle",
        "early",
    ]
    # the default order: newest first
    assert keys(viewer_client.get(INSTANCES))[0] == "open"


def test_instances_are_paginated_with_a_page_size_up_to_200(viewer_client, instances):
    response = viewer_client.get(INSTANCES, {"page_size": 2, "ordering": "started_at"})

    body = response.json()
    assert body["count"] == 4
    assert [row["external_id"] for row in body["results"]] == ["early", "elsewhere"]
    assert "page=2" in body["next"]
    assert body["previous"] is None


def test_an_instance_shows_its_journey_slug_and_interaction_count(viewer_client, instances):
    factories.InteractionFactory.create_batch(2, instance=instances["early"])

    body = viewer_client.get(f"{INSTANCES}{instances['early'].pk}/").json()

    assert body["journey"] == "onboarding"
    assert body["interaction_count"] == 2


def test_listing_instances_costs_a_constant_number_of_queries(
    viewer_client, mapped_journey, django_assert_max_num_queries
):
    touchpoint = mapped_journey.touchpoints.first()  # the map's own (a new stage per row could take a used position)
    for n in range(30):
        instance = an_instance(mapped_journey, f"i-{n}", days=n)
        factories.InteractionFactory(instance=instance, touchpoint=touchpoint)

    with django_assert_max_num_queries(3):  # the page; the count (on PostgreSQL the estimate's look first)
        response = viewer_client.get(INSTANCES, {"page_size": 30})

    assert len(response.json()["results"]) == 30


@pytest.fixture
def interactions(instances, mapped_journey):
    touchpoints = {tp.key: tp for tp in mapped_journey.touchpoints.all()}
    early, middle = instances["early"], instances["middle"]

    def make(instance, external_id, key, hours, **values):
        return factories.InteractionFactory(
            instance=instance,
            external_id=external_id,
            touchpoint=touchpoints[key],
            channel=values.pop("channel", touchpoints[key].channel),
            occurred_at=instance.started_at + dt.timedelta(hours=hours),
            **values,
        )

    return {
        "call": make(early, "call", "welcome-call", 1, repeat=True),
        "app": make(early, "app", "app-setup", 2, channel="web", reidentified=True, satisfaction=2),
        "visit": make(middle, "visit", "technician-visit", 3, satisfaction=5),
        "elsewhere": factories.InteractionFactory(instance=instances["billing"], external_id="elsewhere"),
    }


def test_interactions_filter_by_journey_instance_touchpoint_channel_stage_and_flags(
    viewer_client, interactions, instances, mapped_journey
):
    setup_stage = mapped_journey.stages.get(name="Set-up")

    assert sorted(keys(viewer_client.get(INTERACTIONS, {"journey": "onboarding"}))) == ["app", "call", "visit"]
    assert sorted(keys(viewer_client.get(INTERACTIONS, {"instance": instances["early"].pk}))) == ["app", "call"]
    assert keys(viewer_client.get(INTERACTIONS, {"touchpoint": "welcome-call"})) == ["call"]
    assert keys(viewer_client.get(INTERACTIONS, {"channel": "web"})) == ["app"]
    assert sorted(keys(viewer_client.get(INTERACTIONS, {"stage": setup_stage.pk}))) == ["app", "visit"]
    assert keys(viewer_client.get(INTERACTIONS, {"moment_of_truth": "true"})) == ["visit"]
    assert keys(viewer_client.get(INTERACTIONS, {"repeat": "true"})) == ["call"]
    assert keys(viewer_client.get(INTERACTIONS, {"reidentified": "true"})) == ["app"]
    assert keys(
        viewer_client.get(INTERACTIONS, {"occurred_at_after": "2026-10-10", "occurred_at_before": "2026-10-12"})
    ) == ["visit"]


def test_interactions_search_and_order(viewer_client, interactions):
    assert keys(viewer_client.get(INTERACTIONS, {"search": "technician"})) == ["visit"]
    ordered = keys(viewer_client.get(INTERACTIONS, {"ordering": "-occurred_at", "journey": "onboarding"}))
    assert ordered == ["visit", "app", "call"]


def test_listing_interactions_costs_a_constant_number_of_queries(
    viewer_client, mapped_journey, django_assert_max_num_queries
):
    touchpoints = list(mapped_journey.touchpoints.all())
    for n in range(30):
        instance = an_instance(mapped_journey, f"i-{n}", days=n)
        factories.InteractionFactory(instance=instance, touchpoint=touchpoints[n % 3])

    with django_assert_max_num_queries(3):
        response = viewer_client.get(INTERACTIONS, {"page_size": 30})

    assert {row["touchpoint"] for row in response.json()["results"]} == {
        "welcome-call",
        "app-setup",
        "technician-visit",
    }


def test_anonymous_clients_read_nothing(api_client, instances):
    assert api_client.get(INSTANCES).status_code in (401, 403)
    assert api_client.get(INTERACTIONS).status_code in (401, 403)


def a_new_instance(**values):
    body = {
        "journey": "onboarding",
        "external_id": "new",
        "customer_ref": "c-77",
        "started_at": "2026-10-01T09:00:00Z",
        "ended_at": "2026-10-03T09:00:00Z",
        "outcome": "completed",
        "satisfaction": 4,
    }
    body.update(values)
    return body


def test_a_viewer_cannot_write_instances_or_interactions(viewer_client, interactions, instances):
    early = instances["early"]

    assert viewer_client.post(INSTANCES, a_new_instance(), format="json").status_code == 403
    assert viewer_client.patch(f"{INSTANCES}{early.pk}/", {"satisfaction": 1}, format="json").status_code == 403
    assert viewer_client.delete(f"{INSTANCES}{early.pk}/").status_code == 403
    assert viewer_client.delete(f"{INTERACTIONS}{interactions['call'].pk}/").status_code == 403
    assert not JourneyInstance.objects.filter(external_id="new").exists()
    assert JourneyInstance.objects.get(pk=early.pk).satisfaction == 2
    assert Interaction.objects.filter(pk=interactions["call"].pk).exists()


def test_an_integration_account_creates_updates_and_deletes_an_instance(integration_client, mapped_journey):
    created = integration_client.post(INSTANCES, a_new_instance(), format="json")
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert Journey.objects.get(pk=mapped_journey.pk).data_changed_at is not None

    updated = integration_client.patch(f"{INSTANCES}{pk}/", {"satisfaction": 2}, format="json")
    assert updated.status_code == 200
    assert JourneyInstance.objects.get(pk=pk).satisfaction == 2

    assert integration_client.delete(f"{INSTANCES}{pk}/").status_code == 204
    assert not JourneyInstance.objects.filter(pk=pk).exists()


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"outcome": "in_progress"}, "ended_at", "in progress has no end"),
        ({"ended_at": None}, "ended_at", "completed journey needs ended_at"),
        ({"ended_at": "2026-09-01T00:00:00Z"}, "ended_at", "before started_at"),
        ({"satisfaction": 6}, "satisfaction", "less than or equal to 5"),
        ({"satisfaction": 0}, "satisfaction", "greater than or equal to 1"),
        ({"customer_ref": "jane@example.com"}, "customer_ref", "e-mail address"),
        ({"customer_ref": "07700 900123"}, "customer_ref", "phone number"),
        ({"journey": "nope"}, "journey", "does not exist"),
        ({"started_at": "1900-01-01T00:00:00Z", "ended_at": None, "outcome": "in_progress"}, "started_at", "1970"),
        ({"ended_at": "2999-01-01T00:00:00Z"}, "ended_at", "in the future"),
        ({"external_id": "=HYPERLINK(1)"}, "external_id", "formula"),
        ({"segment": "<script>"}, "segment", "< and >"),
        ({"customer_ref": "c-1\t2"}, "customer_ref", "Control characters"),
    ],
)
def test_a_bad_instance_is_refused_with_a_field_message(integration_client, mapped_journey, values, field, message):
    response = integration_client.post(INSTANCES, a_new_instance(**values), format="json")

    assert response.status_code == 400
    assert message in " ".join(response.json()[field])
    assert not JourneyInstance.objects.exists()


def test_a_second_instance_with_the_same_external_id_is_refused(integration_client, instances):
    response = integration_client.post(INSTANCES, a_new_instance(external_id="early"), format="json")

    assert response.status_code == 400
    assert JourneyInstance.objects.filter(external_id="early").count() == 1


def test_a_partial_update_is_checked_against_the_stored_values(integration_client, instances):
    response = integration_client.patch(
        f"{INSTANCES}{instances['early'].pk}/", {"outcome": "in_progress"}, format="json"
    )

    assert response.status_code == 400
    assert "in progress has no end" in response.json()["ended_at"][0]
    assert JourneyInstance.objects.get(pk=instances["early"].pk).outcome == "completed"


def test_an_interaction_is_created_at_a_touchpoint_key_with_the_touchpoints_channel(integration_client, instances):
    response = integration_client.post(
        INTERACTIONS,
        {
            "instance": instances["early"].pk,
            "external_id": "new",
            "touchpoint": "technician-visit",
            "occurred_at": "2026-10-02T09:00:00Z",
            "satisfaction": 5,
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["touchpoint"], body["channel"], body["moment_of_truth"], body["journey"]) == (
        "technician-visit",
        "field",
        True,
        "onboarding",
    )


def test_an_interaction_at_a_touchpoint_of_another_journey_is_refused(integration_client, instances):
    factories.TouchpointFactory(key="billing-call", stage__journey=instances["billing"].journey)

    response = integration_client.post(
        INTERACTIONS,
        {
            "instance": instances["early"].pk,
            "external_id": "new",
            "touchpoint": "billing-call",
            "occurred_at": "2026-10-02T09:00:00Z",
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["touchpoint"] == ["Unknown touchpoint key 'billing-call' for journey 'onboarding'."]
    assert not Interaction.objects.filter(external_id="new").exists()


def test_moving_an_interaction_to_an_instance_of_another_journey_is_refused(
    integration_client, interactions, instances
):
    response = integration_client.patch(
        f"{INTERACTIONS}{interactions['call'].pk}/", {"instance": instances["billing"].pk}, format="json"
    )

    assert response.status_code == 400
    assert "Unknown touchpoint key 'welcome-call' for journey 'billing'" in response.json()["touchpoint"][0]
    assert Interaction.objects.get(pk=interactions["call"].pk).instance_id == instances["early"].pk


def test_an_interaction_satisfaction_out_of_range_is_refused(integration_client, interactions):
    response = integration_client.patch(f"{INTERACTIONS}{interactions['call'].pk}/", {"satisfaction": 9}, format="json")

    assert response.status_code == 400
    assert "satisfaction" in response.json()
    assert Interaction.objects.get(pk=interactions["call"].pk).satisfaction == 4


def test_an_integration_account_updates_and_deletes_an_interaction(integration_client, interactions):
    call = interactions["call"]

    response = integration_client.patch(f"{INTERACTIONS}{call.pk}/", {"touchpoint": "app-setup"}, format="json")
    assert response.status_code == 200, response.json()
    call.refresh_from_db()
    assert (call.touchpoint.key, call.channel) == ("app-setup", "app")

    assert integration_client.delete(f"{INTERACTIONS}{call.pk}/").status_code == 204
    assert not Interaction.objects.filter(pk=call.pk).exists()


def test_timestamps_come_back_in_iso_format(viewer_client, instances):
    body = viewer_client.get(f"{INSTANCES}{instances['early'].pk}/").json()

    assert dt.datetime.fromisoformat(body["started_at"].replace("Z", "+00:00")) == DAY
    assert timezone.is_aware(dt.datetime.fromisoformat(body["created_at"].replace("Z", "+00:00")))


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"occurred_at": "2026-09-30T09:00:00Z"}, "before the journey started"),
        ({"occurred_at": "2999-01-01T00:00:00Z"}, "in the future"),
        ({"external_id": "@SUM(A1)"}, "formula"),
    ],
)
def test_a_single_interaction_follows_the_same_rules_as_ingest(integration_client, instances, values, message):
    payload = {
        "instance": instances["early"].pk,
        "external_id": "new",
        "touchpoint": "technician-visit",
        "occurred_at": "2026-10-02T09:00:00Z",
        **values,
    }

    response = integration_client.post(INTERACTIONS, payload, format="json")

    assert response.status_code == 400
    field = next(iter(values))
    assert message in " ".join(response.json()[field])
    assert not Interaction.objects.filter(instance=instances["early"]).exists()


# --- issue 16: misspelt keys, the answer of a create, identifiers ---------------------------------------


def test_a_misspelt_key_on_an_instance_is_refused_and_nothing_changes(integration_client, instances):
    early = instances["early"]

    response = integration_client.patch(f"{INSTANCES}{early.pk}/", {"satisfation": 5}, format="json")

    assert response.status_code == 400
    assert "Unknown field 'satisfation'" in response.json()["satisfation"][0]
    assert JourneyInstance.objects.get(pk=early.pk).satisfaction == 2


def test_a_document_read_from_the_api_can_be_sent_back_with_its_read_only_fields(integration_client, instances):
    early = instances["early"]
    document = integration_client.get(f"{INSTANCES}{early.pk}/").json()

    response = integration_client.put(f"{INSTANCES}{early.pk}/", {**document, "satisfaction": 5}, format="json")

    assert response.status_code == 200, response.json()
    assert JourneyInstance.objects.get(pk=early.pk).satisfaction == 5


def test_a_misspelt_key_on_an_interaction_is_refused(integration_client, interactions):
    interaction = Interaction.objects.first()

    response = integration_client.patch(f"{INTERACTIONS}{interaction.pk}/", {"resolvd": True}, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"resolvd"}


def test_creating_an_instance_answers_with_its_interaction_count(integration_client, mapped_journey):
    response = integration_client.post(INSTANCES, a_new_instance(), format="json")

    assert response.status_code == 201
    assert response.json()["interaction_count"] == 0


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-2+3+cmd|' /C calc'!A0", "starts with -"),
        ("abc\u202etxt.exe", "Invisible characters"),
        ("ab\u200bc", "Invisible characters"),
        ("ab\u2066c", "Invisible characters"),
        ("\ufeffabc", "Invisible characters"),
    ],
)
def test_an_identifier_that_would_mislead_a_reader_is_refused(integration_client, mapped_journey, value, message):
    response = integration_client.post(INSTANCES, a_new_instance(external_id=value), format="json")

    assert response.status_code == 400
    assert message in response.json()["external_id"][0]
    assert not JourneyInstance.objects.exists()


def test_writing_an_instance_of_a_past_day_makes_the_journey_pending_from_that_day(integration_client, mapped_journey):
    started = timezone.now() - dt.timedelta(days=30)
    body = a_new_instance(started_at=started.isoformat(), ended_at=(started + dt.timedelta(hours=4)).isoformat())

    created = integration_client.post(INSTANCES, body, format="json")

    assert created.status_code == 201, created.json()
    pending = PendingRecompute.objects.get(journey=mapped_journey)
    assert pending.first_day == timezone.localtime(started).date()
