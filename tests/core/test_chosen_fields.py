"""``?fields=`` on the API's lists and objects: only the fields asked for, the same values, and less work."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config.api_router import router
from core.api import ChosenFieldsMixin
from core.representation import readable_field_names
from improvements.api.serializers import IssueSerializer
from journeys.api.serializers import HealthSnapshotSerializer, JourneyDetailSerializer
from tests import factories
from tests.journeys.conftest import AS_OF
from tests.security.conftest import build_world

pytestmark = pytest.mark.django_db

LISTS = [
    prefix
    for prefix, viewset, _basename in router.registry
    if issubclass(viewset, ChosenFieldsMixin) and hasattr(viewset, "list")
]


@pytest.fixture
def world(journey, owner_user, team_user, manager_user):
    return build_world(journey, owner_user, team_user, manager_user)


def test_every_list_and_object_viewset_of_the_api_takes_fields():
    """Every viewset with a serializer that lists or reads objects (the templates' viewset has neither)."""
    without = [prefix for prefix, viewset, _ in router.registry if not issubclass(viewset, ChosenFieldsMixin)]
    assert without == ["journey-templates"]
    assert len(LISTS) == 21


@pytest.mark.parametrize("prefix", LISTS)
def test_a_list_gives_only_the_chosen_fields_with_the_values_of_the_whole_answer(prefix, api_client, world):
    api_client.force_authenticate(world.journey.ownerships.get().person.user)
    if prefix.startswith("webhook"):  # managers only
        api_client.force_authenticate(world.webhook_subscription.created_by)
    whole = api_client.get(f"/api/v1/{prefix}/")
    assert whole.status_code == 200, whole.content
    rows = whole.json()["results"]
    assert rows, f"the world has no {prefix}"
    names = list(rows[0])
    chosen = [names[-1], names[0]]  # asked in another order than the answer's: the answer's order wins

    response = api_client.get(f"/api/v1/{prefix}/", {"fields": ",".join(chosen)})

    assert response.status_code == 200, response.content
    assert response.json()["count"] == whole.json()["count"]
    assert response.json()["results"] == [{names[0]: row[names[0]], names[-1]: row[names[-1]]} for row in rows]
    assert [list(row) for row in response.json()["results"]] == [[names[0], names[-1]]] * len(rows)


def test_one_object_gives_only_the_chosen_fields_and_still_its_etag(api_client, manager_user, journey):
    api_client.force_authenticate(manager_user)
    whole = api_client.get(f"/api/v1/journeys/{journey.slug}/")

    response = api_client.get(f"/api/v1/journeys/{journey.slug}/", {"fields": "name, owner ,name"})

    assert response.status_code == 200
    assert response.json() == {"name": "Onboarding", "owner": whole.json()["owner"]}
    assert response["ETag"] == whole["ETag"] == f'"{journey.version}"'  # what a write names in If-Match


def test_a_journeys_personas_take_fields_too(api_client, viewer_user, journey):
    """The personas' viewset hangs under a journey (outside the router) and is a ServiceViewSet as well."""
    api_client.force_authenticate(viewer_user)
    persona = factories.PersonaFactory(journey=journey, name="First-timer", segment="first-time")

    listed = api_client.get(f"/api/v1/journeys/{journey.slug}/personas/?fields=segment,name")
    one = api_client.get(f"/api/v1/journeys/{journey.slug}/personas/{persona.pk}/?fields=name")

    assert listed.status_code == 200, listed.content
    assert [list(row) for row in listed.json()["results"]] == [["name", "segment"]]
    assert one.json() == {"name": "First-timer"}


def test_the_pages_links_keep_the_chosen_fields(api_client, viewer_user, journey):
    api_client.force_authenticate(viewer_user)
    factories.JourneyInstanceFactory.create_batch(3, journey=journey)

    first = api_client.get("/api/v1/instances/", {"fields": "external_id", "page_size": 2}).json()
    second = api_client.get(first["next"]).json()

    assert first["count"] == 3
    assert {"fields=external_id"} <= set(first["next"].split("?")[1].split("&"))
    assert [list(row) for row in first["results"] + second["results"]] == [["external_id"]] * 3


@pytest.mark.parametrize(
    ("query", "messages"),
    [
        ("fields=title,satisfation,stage.name", ["Unknown field 'satisfation'.", "Unknown field 'stage.name'."]),
        ("fields=", ["Name at least one field, separated by commas (fields=id,status)."]),
        ("fields=,%20,", ["Name at least one field, separated by commas (fields=id,status)."]),
        ("fields=id&fields=title,t%C3%AFtle", ["Unknown field 't\u00eftle'."]),  # both values are read
    ],
)
def test_unknown_or_no_fields_are_a_400_that_names_the_fields_and_reads_nothing(
    api_client, viewer_user, journey, query, messages
):
    api_client.force_authenticate(viewer_user)
    factories.IssueFactory(journey=journey)
    fields = ", ".join(readable_field_names(IssueSerializer()))

    with CaptureQueriesContext(connection) as queries:
        response = api_client.get(f"/api/v1/issues/?{query}")

    assert response.status_code == 400
    assert response.json() == {"fields": [f"{message} The fields are: {fields}." for message in messages]}
    assert not [query for query in queries.captured_queries if "improvements_issue" in query["sql"]]


def test_a_refused_reader_learns_no_field_names(api_client, viewer_user):
    api_client.force_authenticate(viewer_user)  # webhooks are for managers

    response = api_client.get("/api/v1/webhook-subscriptions/?fields=nope")

    assert response.status_code == 403
    assert "fields" not in response.json()


def test_a_write_answers_whole_and_validates_every_field_whatever_fields_says(api_client, manager_user):
    api_client.force_authenticate(manager_user)

    refused = api_client.post("/api/v1/journeys/?fields=id", {"slug": "second"}, format="json")
    created = api_client.post("/api/v1/journeys/?fields=id", {"name": "Second", "slug": "second"}, format="json")

    assert refused.status_code == 400
    assert "name" in refused.json()
    assert created.status_code == 201
    assert {"id", "name", "slug", "version"} <= set(created.json())


def test_the_snapshot_list_without_stage_health_does_not_read_it(api_client, viewer_user, journey):
    api_client.force_authenticate(viewer_user)
    snapshot = factories.HealthSnapshotFactory(journey=journey)
    factories.StageHealthFactory(snapshot=snapshot, stage=factories.StageFactory(journey=journey))

    with CaptureQueriesContext(connection) as whole:
        [row] = api_client.get("/api/v1/health-snapshots/").json()["results"]
        whole_queries = list(whole.captured_queries)  # the next request empties the log
    assert len(row["stage_health"]) == 1
    with CaptureQueriesContext(connection) as chosen:
        response = api_client.get("/api/v1/health-snapshots/?fields=id,score,status")
        chosen_queries = list(chosen.captured_queries)

    assert response.json()["results"] == [{"id": snapshot.pk, "score": row["score"], "status": row["status"]}]
    assert len(whole_queries) == 2  # the page and its stage health
    assert len(chosen_queries) == 1
    assert not [query for query in chosen_queries if "journeys_stagehealth" in query["sql"]]
    # no alert on the page needs the previous snapshot: it is read neither way (journeys/api/test_health.py)
    assert not [query for query in [*whole_queries, *chosen_queries] if "previous_score" in query["sql"]]


def test_a_snapshot_read_with_its_alerts_still_explains_a_drop(api_client, viewer_user, journey):
    api_client.force_authenticate(viewer_user)
    earlier = factories.HealthSnapshotFactory(journey=journey, as_of=AS_OF - dt.timedelta(days=1), score=80)
    dropped = factories.HealthSnapshotFactory(
        journey=journey, as_of=AS_OF, score=60, alerts=["health_drop"], journey_csat=None
    )

    listed = api_client.get("/api/v1/health-snapshots/?fields=alerts,id").json()["results"]
    one = api_client.get(f"/api/v1/health-snapshots/{dropped.pk}/?fields=alerts").json()

    assert [row["id"] for row in listed] == [dropped.pk, earlier.pk]
    assert listed[0]["alerts"] == one["alerts"]
    assert "fell 20.0 points, from 80.0 on" in one["alerts"][0]["explanation"]


def test_the_issue_list_without_functions_does_not_read_them(api_client, viewer_user, journey):
    api_client.force_authenticate(viewer_user)
    issue = factories.IssueFactory(journey=journey)
    issue.functions.add(factories.FunctionFactory(slug="billing"))

    with CaptureQueriesContext(connection) as whole:
        [row] = api_client.get("/api/v1/issues/").json()["results"]
    assert row["functions"] == ["billing"]
    with CaptureQueriesContext(connection) as chosen:
        response = api_client.get("/api/v1/issues/?fields=id,title")

    assert response.json()["results"] == [{"id": issue.pk, "title": issue.title}]
    # the functions are a column of the page's one query (selectors.FunctionSlugs): left out of it
    assert [len(whole.captured_queries), len(chosen.captured_queries)] == [1, 1]
    assert "improvements_issue_functions" in whole.captured_queries[0]["sql"]
    assert "improvements_issue_functions" not in chosen.captured_queries[0]["sql"]


def test_the_schema_documents_fields_on_the_reads_only_with_each_answers_names(api_client):
    schema = api_client.get("/api/schema/?format=json").json()

    def fields_parameter(path, method):
        parameters = schema["paths"][path][method].get("parameters", [])
        return next((parameter for parameter in parameters if parameter["name"] == "fields"), None)

    listed = fields_parameter("/api/v1/health-snapshots/", "get")
    one = fields_parameter("/api/v1/journeys/{slug}/", "get")
    assert listed["schema"]["items"]["enum"] == HealthSnapshotSerializer.Meta.fields
    assert (listed["style"], listed["explode"], listed["in"]) == ("form", False, "query")
    assert one["schema"]["items"]["enum"] == readable_field_names(JourneyDetailSerializer())
    assert {"version", "stages"} <= set(one["schema"]["items"]["enum"])
    assert fields_parameter("/api/v1/journeys/", "post") is None
    assert fields_parameter("/api/v1/journeys/{slug}/", "patch") is None
