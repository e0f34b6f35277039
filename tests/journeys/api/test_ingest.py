"""POST /api/v1/ingest/: all-or-nothing upsert of instances and interactions, errors by position."""

import copy
import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from journeys.models import Interaction, Journey, JourneyInstance, PendingRecompute
from journeys.signals import journey_data_changed
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/api/v1/ingest/"


def an_instance(external_id="i-1", **overrides):
    instance = {
        "external_id": external_id,
        "customer_ref": f"cust-{external_id}",
        "segment": "consumer",
        "started_at": "2026-10-01T09:00:00Z",
        "ended_at": "2026-10-20T17:00:00Z",
        "outcome": "completed",
        "satisfaction": 3,
        "interactions": [
            {
                "external_id": "x-1",
                "touchpoint": "welcome-call",
                "occurred_at": "2026-10-01T10:00:00Z",
                "satisfaction": 5,
            },
            {
                "external_id": "x-2",
                "touchpoint": "app-setup",
                "channel": "web",
                "occurred_at": "2026-10-02T10:00:00+02:00",
                "satisfaction": 4,
                "resolved": True,
                "repeat": True,
                "reidentified": False,
            },
        ],
    }
    instance.update(overrides)
    return instance


def a_batch(*instances, journey="onboarding"):
    return {"journey": journey, "instances": list(instances) or [an_instance()]}


@pytest.fixture
def received_changes():
    calls = []

    def receiver(sender, journey_ids, **kwargs):
        calls.append(journey_ids)

    journey_data_changed.connect(receiver, dispatch_uid="test-ingest-receiver")
    yield calls
    journey_data_changed.disconnect(dispatch_uid="test-ingest-receiver")


def test_a_batch_creates_instances_and_interactions_and_answers_the_counts(
    integration_client, mapped_journey, received_changes, django_capture_on_commit_callbacks
):
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = integration_client.post(URL, a_batch(an_instance("i-1"), an_instance("i-2")), format="json")

    # then
    assert response.status_code == 200, response.json()
    assert response.json() == {"created": 6, "updated": 0}
    instance = JourneyInstance.objects.get(journey=mapped_journey, external_id="i-1")
    assert (instance.outcome, instance.satisfaction, instance.segment) == ("completed", 3, "consumer")
    call, app = instance.interactions.order_by("occurred_at")
    assert call.channel == "phone"  # the touchpoint's channel by default
    assert (app.channel, app.repeat, app.resolved, app.touchpoint.key) == ("web", True, True, "app-setup")
    mapped_journey.refresh_from_db()
    assert mapped_journey.data_changed_at is not None
    assert received_changes == [[mapped_journey.pk]]


def test_sending_the_same_batch_twice_changes_nothing(
    integration_client, mapped_journey, received_changes, django_capture_on_commit_callbacks
):
    # given
    batch = a_batch(an_instance("i-1"), an_instance("i-2"))
    integration_client.post(URL, batch, format="json")
    stamped = Journey.objects.get(pk=mapped_journey.pk).data_changed_at
    updated_at = sorted(Interaction.objects.values_list("updated_at", flat=True))

    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = integration_client.post(URL, batch, format="json")

    # then
    assert response.status_code == 200
    assert response.json() == {"created": 0, "updated": 0}
    assert Journey.objects.get(pk=mapped_journey.pk).data_changed_at == stamped
    assert sorted(Interaction.objects.values_list("updated_at", flat=True)) == updated_at
    assert received_changes == []
    assert JourneyInstance.objects.count() == 2
    assert Interaction.objects.count() == 4


def test_a_changed_value_updates_only_that_row_and_new_rows_are_created(integration_client, mapped_journey):
    # given
    integration_client.post(URL, a_batch(an_instance("i-1")), format="json")
    changed = an_instance("i-1", satisfaction=5)
    changed["interactions"][1]["satisfaction"] = 2
    changed["interactions"].append(
        {"external_id": "x-3", "touchpoint": "technician-visit", "occurred_at": "2026-10-05T08:00:00Z"}
    )

    # when
    response = integration_client.post(URL, a_batch(changed), format="json")

    # then
    assert response.json() == {"created": 1, "updated": 2}
    instance = JourneyInstance.objects.get(external_id="i-1")
    assert instance.satisfaction == 5
    assert list(instance.interactions.order_by("external_id").values_list("external_id", "satisfaction")) == [
        ("x-1", 5),
        ("x-2", 2),
        ("x-3", None),
    ]


def test_interactions_left_out_of_a_later_batch_are_kept(integration_client, mapped_journey):
    integration_client.post(URL, a_batch(an_instance("i-1")), format="json")

    response = integration_client.post(URL, a_batch(an_instance("i-1", interactions=[])), format="json")

    assert response.json() == {"created": 0, "updated": 0}
    assert Interaction.objects.filter(instance__external_id="i-1").count() == 2


def test_an_instance_in_progress_may_leave_out_every_optional_field(integration_client, mapped_journey):
    response = integration_client.post(URL, a_batch({"external_id": "i-9", "started_at": "2026-10-01"}), format="json")

    assert response.json() == {"created": 1, "updated": 0}
    instance = JourneyInstance.objects.get(external_id="i-9")
    assert (instance.outcome, instance.ended_at, instance.customer_ref, instance.satisfaction) == (
        "in_progress",
        None,
        "",
        None,
    )


def _with(path, value):
    """A valid two-instance batch with one value replaced (path into the second instance)."""
    batch = a_batch(an_instance("i-1"), an_instance("i-2"))
    target = batch["instances"][1]
    *parents, last = path
    for key in parents:
        target = target[key]
    target[last] = value
    return batch


BAD_BATCHES = [
    pytest.param(
        {"journey": "nope", "instances": [an_instance()]}, "journey", "Unknown journey 'nope'.", id="unknown-journey"
    ),
    pytest.param({"instances": [an_instance()]}, "journey", "This field is required", id="missing-journey"),
    pytest.param({"journey": "onboarding", "instances": []}, "instances", "at least one", id="empty-batch"),
    pytest.param(
        {"journey": "onboarding", "instances": [an_instance(f"i-{n}", interactions=[]) for n in range(1001)]},
        "instances",
        "At most 1,000 instances per call; this batch has 1,001.",
        id="too-many-instances",
    ),
    pytest.param(
        _with(("interactions", 0, "touchpoint"), "x"),
        "instances[1].interactions[0].touchpoint",
        "Unknown touchpoint key 'x' for journey 'onboarding'.",
        id="unknown-touchpoint",
    ),
    pytest.param(
        _with(("interactions", 1, "touchpoint"), "other-journeys-touchpoint"),
        "instances[1].interactions[1].touchpoint",
        "Unknown touchpoint key 'other-journeys-touchpoint' for journey 'onboarding'.",
        id="touchpoint-of-another-journey",
    ),
    pytest.param(_with(("started_at",), "yesterday"), "instances[1].started_at", "is not a date-time", id="bad-date"),
    pytest.param(_with(("started_at",), None), "instances[1].started_at", "required", id="missing-start"),
    pytest.param(
        _with(("ended_at",), "2026-09-01T00:00:00Z"),
        "instances[1].ended_at",
        "before started_at",
        id="end-before-start",
    ),
    pytest.param(
        _with(("outcome",), "in_progress"), "instances[1].ended_at", "in progress has no end", id="in-progress-with-end"
    ),
    pytest.param(_with(("ended_at",), None), "instances[1].ended_at", "completed journey needs", id="completed-no-end"),
    pytest.param(_with(("outcome",), "done"), "instances[1].outcome", "'done' is not one of", id="bad-outcome"),
    pytest.param(_with(("satisfaction",), 6), "instances[1].satisfaction", "from 1 to 5; got 6", id="csat-too-high"),
    pytest.param(
        _with(("interactions", 0, "satisfaction"), "great"),
        "instances[1].interactions[0].satisfaction",
        "not a satisfaction score",
        id="csat-not-a-number",
    ),
    pytest.param(
        _with(("customer_ref",), "jane.doe@example.com"), "instances[1].customer_ref", "e-mail address", id="email-ref"
    ),
    pytest.param(
        _with(("customer_ref",), "+44 7700 900123"), "instances[1].customer_ref", "phone number", id="phone-ref"
    ),
    pytest.param(
        _with(("external_id",), "i-1"),
        "instances[1].external_id",
        "Duplicate instance external id 'i-1' (also at instances[0])",
        id="duplicate-instance",
    ),
    pytest.param(
        _with(("interactions", 1, "external_id"), "x-1"),
        "instances[1].interactions[1].external_id",
        "Duplicate interaction external id 'x-1'",
        id="duplicate-interaction",
    ),
    pytest.param(
        _with(("interactions", 1, "channel"), "pigeon"),
        "instances[1].interactions[1].channel",
        "'pigeon' is not one of",
        id="bad-channel",
    ),
    pytest.param(
        _with(("interactions", 1, "repeat"), "maybe"),
        "instances[1].interactions[1].repeat",
        "not a yes/no value",
        id="bad-boolean",
    ),
    pytest.param(_with(("interactions",), "many"), "instances[1].interactions", "Must be a list", id="not-a-list"),
    pytest.param(
        _with(("interactions", 0), 7), "instances[1].interactions[0]", "Must be an object", id="not-an-object"
    ),
]


@pytest.mark.parametrize(("batch", "position", "message"), BAD_BATCHES)
def test_a_bad_batch_is_refused_with_the_position_of_the_problem_and_nothing_is_written(
    integration_client, mapped_journey, batch, position, message
):
    # given a touchpoint of another journey, to be sure it is not accepted here
    factories.TouchpointFactory(key="other-journeys-touchpoint")

    # when
    response = integration_client.post(URL, copy.deepcopy(batch), format="json")

    # then
    assert response.status_code == 400
    errors = response.json()
    assert position in errors, errors
    assert message in errors[position][0]
    assert JourneyInstance.objects.count() == 0
    assert Interaction.objects.count() == 0
    assert Journey.objects.get(pk=mapped_journey.pk).data_changed_at is None


def test_every_problem_of_a_batch_is_listed_at_once(integration_client, mapped_journey):
    batch = a_batch(an_instance("i-1", satisfaction=9), an_instance("i-2", started_at="soon"))
    batch["instances"][0]["interactions"][1]["touchpoint"] = "nowhere"

    response = integration_client.post(URL, batch, format="json")

    assert set(response.json()) == {
        "instances[0].satisfaction",
        "instances[0].interactions[1].touchpoint",
        "instances[1].started_at",
    }


def test_a_body_that_is_not_an_object_is_refused(integration_client, mapped_journey):
    response = integration_client.post(URL, [an_instance()], format="json")

    assert response.status_code == 400
    assert "Send a JSON object" in response.json()["non_field_errors"][0]


def test_a_customer_number_is_accepted_as_a_pseudonymous_reference(integration_client, mapped_journey):
    response = integration_client.post(URL, a_batch(an_instance(customer_ref="10023456")), format="json")

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("username_fixture", "expected"),
    [
        ("viewer_user", 403),
        ("manager_user", 403),
        ("integration_user", 200),
        ("admin_user", 200),
        ("ingest_only_user", 200),
    ],
)
def test_only_accounts_with_the_ingest_permission_may_ingest(
    api_client, mapped_journey, request, username_fixture, expected
):
    api_client.force_authenticate(request.getfixturevalue(username_fixture))

    response = api_client.post(URL, a_batch(), format="json")

    assert response.status_code == expected
    assert JourneyInstance.objects.exists() is (expected == 200)


def test_anonymous_clients_cannot_ingest(api_client, mapped_journey):
    response = api_client.post(URL, a_batch(), format="json")

    assert response.status_code in (401, 403)
    assert not JourneyInstance.objects.exists()


def _queries_for(client, batch):
    with CaptureQueriesContext(connection) as queries:
        response = client.post(URL, batch, format="json")
    assert response.status_code == 200, response.json()
    return len(queries)


def test_ingesting_50_instances_costs_as_many_queries_as_ingesting_one(integration_client, mapped_journey):
    one_interaction = [{"external_id": "x-1", "touchpoint": "welcome-call", "occurred_at": "2026-10-01T10:00:00Z"}]
    one = a_batch(an_instance("solo", interactions=one_interaction))
    fifty = a_batch(*[an_instance(f"i-{n}", interactions=one_interaction) for n in range(50)])
    integration_client.post(URL, {}, format="json")  # the account's permissions are loaded once, here

    assert _queries_for(integration_client, fifty) == _queries_for(integration_client, one)
    # and updating them costs the same again, whatever the number
    for instance in one["instances"] + fifty["instances"]:
        instance["satisfaction"] = 1
    assert _queries_for(integration_client, fifty) == _queries_for(integration_client, one)


# --- a misspelt key (issue 16, finding 3) ----------------------------------------------------------------


def test_a_misspelt_key_is_refused_and_the_stored_value_is_kept(integration_client, mapped_journey):
    # given an instance stored with a satisfaction
    assert integration_client.post(URL, a_batch(an_instance("i-1")), format="json").status_code == 200
    stored = JourneyInstance.objects.get(external_id="i-1")
    assert stored.satisfaction == 3

    # when the same instance is sent again with "satisfation" (the probe's call answered 200 {"updated": 1})
    instance = an_instance("i-1")
    instance["satisfation"] = instance.pop("satisfaction")
    response = integration_client.post(URL, a_batch(instance), format="json")

    # then a 400 names the key, and the satisfaction is still there
    assert response.status_code == 400
    assert list(response.json()) == ["instances[0].satisfation"]
    assert "Unknown field 'satisfation'" in response.json()["instances[0].satisfation"][0]
    assert JourneyInstance.objects.get(pk=stored.pk).satisfaction == 3


def test_a_misspelt_key_of_an_interaction_or_of_the_batch_is_refused_by_position(integration_client, mapped_journey):
    instance = an_instance("i-1")
    instance["interactions"][1]["resolvd"] = True
    batch = {**a_batch(instance), "jouney": "onboarding"}

    response = integration_client.post(URL, batch, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"jouney"}  # the batch's own keys first: nothing else is read
    del batch["jouney"]
    response = integration_client.post(URL, batch, format="json")
    assert set(response.json()) == {"instances[0].interactions[1].resolvd"}
    assert not JourneyInstance.objects.exists()


def test_an_ingest_of_last_months_journeys_makes_the_journey_pending_from_their_first_day(
    integration_client, mapped_journey, received_changes
):
    batch = a_batch(
        an_instance("old"),  # started 1 Oct 2026
        an_instance("older", started_at="2026-09-30T08:00:00Z"),
    )

    response = integration_client.post(URL, batch, format="json")

    assert response.status_code == 200, response.json()
    assert PendingRecompute.objects.get(journey=mapped_journey).first_day == dt.date(2026, 9, 30)
    # the same batch again changes nothing, so it stales nothing either
    PendingRecompute.objects.all().delete()
    assert integration_client.post(URL, batch, format="json").json() == {"created": 0, "updated": 0}
    assert not PendingRecompute.objects.exists()
