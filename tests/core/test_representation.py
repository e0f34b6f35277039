"""The fast list representation (core.representation) and the orjson renderer (core.renderers) give
what DRF gives: for the four big lists, row by row against each serializer's own to_representation,
and byte for byte against DRF's JSONRenderer."""

import datetime as dt
import json
import types

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer as DRFJSONRenderer
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from core.renderers import JSONRenderer
from core.representation import FastListSerializer, _class_fields, compile_fields, represent, represent_plain
from improvements.api.serializers import IssueSerializer
from improvements.selectors import issue_list
from journeys.api.serializers import (
    HealthAlertSerializer,
    HealthComponentSerializer,
    HealthSnapshotSerializer,
    JourneyInstanceSerializer,
    JourneySerializer,
    StageHealthSerializer,
)
from journeys.choices import Outcome
from journeys.models import Journey
from journeys.selectors import health
from journeys.selectors.health import snapshot_list
from journeys.selectors.ingest import instance_list, instance_rows
from journeys.selectors.maps import journey_list
from tests import factories

pytestmark = pytest.mark.django_db

LISTS = {
    "/api/v1/journeys/": (JourneySerializer, journey_list),
    "/api/v1/instances/": (JourneyInstanceSerializer, instance_list),
    "/api/v1/issues/": (IssueSerializer, issue_list),
    "/api/v1/health-snapshots/": (HealthSnapshotSerializer, snapshot_list),
}


@pytest.fixture
def varied_rows(db):
    """Rows with and without their optional parts: owner, stage, assignee, end, rating, segment."""
    owned = factories.JourneyFactory(
        name="Déménagement", description="Line\u2028separator and \u00e9 \u2603", target_score=70
    )
    bare = factories.JourneyFactory(name="Bare journey", description="")
    factories.OwnershipFactory(journey=owned, person=factories.PersonFactory(name="Zoë Owner"))
    stage = factories.StageFactory(journey=owned, name="Étape 1")
    touchpoint = factories.TouchpointFactory(stage=stage, key="call-1")
    factories.JourneyInstanceFactory(journey=owned, segment="gold")
    factories.JourneyInstanceFactory(journey=bare, ended_at=None, satisfaction=None, outcome=Outcome.IN_PROGRESS)
    factories.InteractionFactory(instance=factories.JourneyInstanceFactory(journey=owned), touchpoint=touchpoint)
    issue = factories.IssueFactory(
        journey=owned, stage=stage, touchpoint=touchpoint, assignee=factories.PersonFactory(name="Assignee")
    )
    issue.functions.add(factories.FunctionFactory(name="Billing"), factories.FunctionFactory(name="Claims"))
    factories.IssueFactory(journey=bare, reported_by=None)
    earlier = factories.HealthSnapshotFactory(journey=owned, as_of=timezone.localdate() - dt.timedelta(days=1))
    factories.StageHealthFactory(snapshot=earlier, stage=stage)
    factories.HealthSnapshotFactory(journey=owned, score=None, sample_size=0, journey_csat=4.25)
    factories.HealthSnapshotFactory(journey=bare, segment="gold", computed_at=timezone.now() - dt.timedelta(hours=3))
    return owned


@pytest.mark.parametrize("path", list(LISTS))
def test_each_big_list_answers_what_its_serializer_gives_row_by_row(api_client, viewer_user, varied_rows, path):
    # given
    serializer_class, selector = LISTS[path]
    api_client.force_authenticate(viewer_user)
    # when
    response = api_client.get(path)
    # then: the same keys and values as DRF's own per-row representation of the same rows
    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) >= 2
    by_id = {row.pk: row for row in selector().filter(pk__in=[result["id"] for result in results])}
    context = {"request": Request(APIRequestFactory().get(path))}
    drf_rows = [serializer_class(context=context).to_representation(by_id[result["id"]]) for result in results]
    assert results == json.loads(json.dumps(drf_rows, cls=DRFJSONRenderer.encoder_class))
    assert list(results[0]) == list(drf_rows[0])  # the keys in the same order


@pytest.mark.parametrize("path", list(LISTS))
def test_each_big_list_renders_the_bytes_drfs_renderer_renders(api_client, viewer_user, varied_rows, path):
    api_client.force_authenticate(viewer_user)

    response = api_client.get(path)

    assert response.status_code == 200
    assert response.content == DRFJSONRenderer().render(response.data)


def test_the_fast_list_is_used_by_the_big_lists():
    for serializer_class, _selector in LISTS.values():
        assert isinstance(serializer_class(many=True), FastListSerializer)


class Probe(serializers.ModelSerializer):
    """Fields of every kind the compiler treats, and some it leaves to DRF."""

    url = serializers.HyperlinkedIdentityField(view_name="journey-detail", lookup_field="slug")
    status_display = serializers.CharField(source="get_status_display")
    owner_name = serializers.CharField(source="owner.name", default="nobody")
    stage_count = serializers.SerializerMethodField()
    score_text = serializers.DecimalField(source="target_score", max_digits=6, decimal_places=2, allow_null=True)
    created_local = serializers.DateTimeField(source="created_at", default_timezone=dt.timezone(dt.timedelta(hours=2)))
    created_formatted = serializers.DateTimeField(source="created_at", format="%Y-%m-%d")
    whole = serializers.SerializerMethodField()

    class Meta:
        model = Journey
        fields = [
            "id",
            "url",
            "slug",
            "status",
            "status_display",
            "owner_name",
            "stage_count",
            "score_text",
            "created_local",
            "created_formatted",
            "map_reviewed_on",
            "target_duration",
            "whole",
            "updated_at",
        ]

    def get_stage_count(self, journey) -> int:
        return journey.stages.count()

    def get_whole(self, journey) -> dict:
        return {"slug": journey.slug, "when": journey.created_at}


def test_compiled_fields_equal_drfs_for_callables_defaults_decimals_zones_and_formats(varied_rows):
    # given: journeys with and without a review date and a target score
    Journey.objects.filter(pk=varied_rows.pk).update(
        map_reviewed_on=dt.date(2026, 3, 1), target_duration=dt.timedelta(days=3)
    )
    rows = list(Journey.objects.order_by("pk"))
    context = {"request": Request(APIRequestFactory().get("/api/v1/journeys/"))}
    serializer = Probe(context=context)

    # when
    fast = represent(serializer, rows)

    # then
    assert fast == [serializer.to_representation(row) for row in rows]
    assert fast[0]["owner_name"] == "nobody"
    assert fast[0]["created_local"].endswith("+02:00")
    assert fast[0]["url"] == f"http://testserver/api/v1/journeys/{rows[0].slug}/"


def test_the_orjson_renderer_writes_drfs_bytes_for_text_numbers_times_and_nesting():
    data = {
        "text": 'é \u2603 \u2028 \u2029 "quoted" \\ </script>',
        "numbers": [0, -1, 2**62, 0.1, 72.5, 1e16, 1.0, None, True, False],
        "when": dt.datetime(2026, 5, 1, 12, 30, 15, 123456, tzinfo=dt.UTC),
        "day": dt.date(2026, 5, 1),
        "nested": {"list": [{"a": 1}], "empty": {}, "tuple": (1, 2)},
        "lazy": timezone.now().date().isoformat(),
    }

    assert JSONRenderer().render(data) == DRFJSONRenderer().render(data)


def test_the_orjson_renderer_hands_what_it_refuses_to_drf():
    data = {1: "integer key", "big": 2**70}

    assert JSONRenderer().render(data) == DRFJSONRenderer().render(data)


def test_an_indented_answer_is_drfs():
    data = {"a": [1, 2]}

    rendered = JSONRenderer().render(data, "application/json; indent=2")

    assert rendered == DRFJSONRenderer().render(data, "application/json; indent=2")
    assert b"\n" in rendered


def test_the_nested_rows_of_a_snapshot_equal_drfs_many_serializers(varied_rows):
    # given: a snapshot with stage health, components (with and without data) and alerts
    snapshot = snapshot_list().filter(stage_health__isnull=False).first()
    nested = [
        (HealthComponentSerializer, health.component_rows(snapshot)),
        (HealthAlertSerializer, [{"code": "drop", "label": "Drop", "explanation": "Fell by 5 points."}]),
        (StageHealthSerializer, list(snapshot.stage_health.all())),
    ]
    for serializer_class, rows in nested:
        # when / then
        assert represent_plain(serializer_class, rows) == serializer_class(rows, many=True).data
    assert len(nested[0][1]) >= 5


def _journey_rows():
    return list(journey_list().order_by("pk"))


def _context(host="testserver"):
    return {"request": Request(APIRequestFactory().get("/api/v1/journeys/", HTTP_HOST=host))}


@pytest.mark.parametrize("serializer_class", [serializer_class for serializer_class, _selector in LISTS.values()])
def test_the_big_lists_build_their_fields_once_for_the_process_not_once_a_page(serializer_class, varied_rows):
    # given: a serializer as a list page makes it
    serializer = serializer_class(context=_context())

    # when
    compiled = compile_fields(serializer)

    # then: compiled from the class's shared fields; this serializer's own were never built
    assert [name for name, _value in compiled] == [field.field_name for field in _class_fields(serializer_class)]
    assert "fields" not in serializer.__dict__
    assert [name for name, _value in compiled] == [field.field_name for field in serializer._readable_fields]


def test_shared_fields_take_each_pages_host_and_time_zone(varied_rows, settings):
    settings.ALLOWED_HOSTS = ["a.example", "b.example"]
    rows = _journey_rows()
    for host, zone in (("a.example", "Europe/Paris"), ("b.example", "UTC"), ("a.example", "America/New_York")):
        with timezone.override(zone):
            serializer = JourneySerializer(context=_context(host))
            # when
            fast = represent(serializer, rows)
            # then
            assert fast == [JourneySerializer(context=_context(host)).to_representation(row) for row in rows]
            assert fast[0]["url"].startswith(f"http://{host}/api/v1/journeys/")
            assert fast[0]["created_at"] == timezone.localtime(rows[0].created_at).isoformat().replace("+00:00", "Z")


class ContextDefault:
    """A default that reads the serializer's context, as CurrentUserDefault does."""

    requires_context = True

    def __call__(self, serializer_field):
        return serializer_field.context["nobody"]


class OwnerOrContext(serializers.ModelSerializer):
    owner_name = serializers.CharField(source="owner.name", default=ContextDefault())

    class Meta:
        model = Journey
        fields = ["id", "slug", "owner_name"]


def test_a_default_that_needs_the_context_gets_the_pages_own(varied_rows):
    # given: journeys without an owner attribute, so DRF's default decides
    rows = list(Journey.objects.order_by("pk"))
    serializer = OwnerOrContext(context={"nobody": "no owner yet"})

    # when
    fast = represent(serializer, rows)

    # then
    assert _class_fields(OwnerOrContext) is not None
    assert {row["owner_name"] for row in fast} == {"no owner yet"}
    assert fast == [OwnerOrContext(context={"nobody": "no owner yet"}).to_representation(row) for row in rows]


class BriefWhenAsked(serializers.ModelSerializer):
    """Fields that depend on the context: such a class builds its own every time."""

    class Meta:
        model = Journey
        fields = ["id", "slug", "description"]

    def get_fields(self):
        fields = super().get_fields()
        if self.context.get("brief"):
            fields.pop("description")
        return fields


def test_a_serializer_that_builds_its_own_fields_is_not_shared(varied_rows):
    rows = list(Journey.objects.order_by("pk"))

    brief = represent(BriefWhenAsked(context={"brief": True}), rows)
    full = represent(BriefWhenAsked(context={}), rows)

    assert _class_fields(BriefWhenAsked) is None
    assert list(brief[0]) == ["id", "slug"]
    assert list(full[0]) == ["id", "slug", "description"]


@pytest.mark.parametrize("path", ["/api/v1/instances/", "/api/v1/health-snapshots/", "/api/v1/issues/"])
def test_a_list_reads_of_the_journey_only_its_slug_in_the_same_queries_at_any_page_size(
    api_client, viewer_user, varied_rows, path
):
    # given: rows of two journeys
    api_client.force_authenticate(viewer_user)
    with CaptureQueriesContext(connection) as one:
        assert api_client.get(path, {"page_size": 1}).status_code == 200

    # when
    with CaptureQueriesContext(connection) as many:
        response = api_client.get(path, {"page_size": 200})

    # then: every row's journey slug, no deferred column loaded afterwards, no description read
    assert {row["journey"] for row in response.json()["results"]} == set(Journey.objects.values_list("slug", flat=True))
    page = next(query["sql"] for query in many.captured_queries if '"journeys_journey"."slug"' in query["sql"])
    assert '"journeys_journey"."description"' not in page
    assert len(many) <= len(one)


def test_the_journeys_list_reads_of_a_parent_only_its_slug_in_one_query(api_client, viewer_user, varied_rows):
    # given: two journeys under the varied rows' journey
    api_client.force_authenticate(viewer_user)
    for name in ("Part one", "Part two"):
        factories.JourneyFactory(name=name, parent=varied_rows)

    # when
    with CaptureQueriesContext(connection) as queries:
        response = api_client.get("/api/v1/journeys/")

    # then: each part names its parent by slug; the page's one query joins the parent for its slug alone
    parents = {row["name"]: row["parent"] for row in response.json()["results"]}
    assert parents == {
        "Déménagement": None,
        "Bare journey": None,
        "Part one": varied_rows.slug,
        "Part two": varied_rows.slug,
    }
    (page,) = [query["sql"] for query in queries.captured_queries if "journeys_journey" in query["sql"]]
    assert page.count('."slug"') == 2  # the journey's and its parent's
    assert page.count('."description"') == 1  # the journey's own


def test_the_issues_list_and_an_issue_name_their_people_and_places_from_the_rows_own_query(
    api_client, viewer_user, varied_rows
):
    # given: one issue with a stage, a touchpoint and an assignee, one of another journey without them
    api_client.force_authenticate(viewer_user)
    issue = varied_rows.issues.get()

    # when
    with CaptureQueriesContext(connection) as queries:
        listed = api_client.get("/api/v1/issues/", {"ordering": "created_at"}).json()["results"]
    people = [query for query in queries.captured_queries if query["sql"].startswith('SELECT "owners_person"')]
    one = api_client.get(f"/api/v1/issues/{issue.pk}/").json()

    # then: the names come with the page's row; no query of its own looks the people up
    names = ("journey", "journey_name", "stage_name", "touchpoint_key", "reported_by_name", "assignee_name")
    expected = (varied_rows.slug, "Déménagement", "Étape 1", "call-1", issue.reported_by.name, "Assignee")
    assert tuple(listed[0][name] for name in names) == expected
    assert tuple(one[name] for name in names) == expected
    assert listed[1]["stage_name"] is None
    assert listed[1]["reported_by_name"] is None
    assert listed[1]["assignee_name"] is None
    assert len(queries) <= 3  # the page, its count if more follow, the functions' slugs
    assert not people


def test_a_list_column_is_read_from_the_row_and_from_the_field_for_a_row_without_it(varied_rows):
    # given: the API list's rows (the journey's slug as a column) and rows of the detail's selector (without it)
    request = Request(APIRequestFactory().get("/api/v1/instances/"))
    listed = list(instance_rows().order_by("pk"))
    whole = list(instance_list().order_by("pk"))

    # when
    from_columns = JourneyInstanceSerializer(listed, many=True, context={"request": request}).data
    from_fields = JourneyInstanceSerializer(whole, many=True, context={"request": request}).data

    # then: both are what DRF gives row by row, the journey's slug included
    expected = [JourneyInstanceSerializer(row, context={"request": request}).data for row in whole]
    assert [dict(row) for row in from_columns] == [dict(row) for row in expected]
    assert [dict(row) for row in from_fields] == [dict(row) for row in expected]
    assert {row["journey"] for row in from_columns} == {row.journey.slug for row in whole}
    assert type(listed[0]) is dict  # the list's rows are its columns: no instance model, nor its journey's


def test_a_snapshots_components_are_what_drfs_serializer_makes_of_its_component_rows(varied_rows):
    # given: snapshots with and without data, one whose figures score whole numbers
    factories.HealthSnapshotFactory(
        journey=varied_rows,
        as_of=timezone.localdate() - dt.timedelta(days=5),
        completion_rate=1.0,
        on_time_rate=0.0,
        repeat_rate=None,
        journey_csat=5.0,
    )
    snapshots = list(snapshot_list())
    assert len(snapshots) >= 4
    for snapshot in snapshots:
        # when
        fast = health.component_representation(snapshot)
        # then: the same values, and the same JSON text (a float stays a float)
        drf = HealthComponentSerializer(health.component_rows(snapshot), many=True).data
        assert fast == drf
        assert json.dumps(fast) == json.dumps(drf)


class PlainColumns(serializers.ModelSerializer):
    """Plain columns of every kind the row loop reads in place (``Inline``), and a key and a method beside them."""

    parent_id = serializers.IntegerField(read_only=True, allow_null=True)
    upper = serializers.SerializerMethodField()

    class Meta:
        model = Journey
        list_serializer_class = FastListSerializer
        fields = [
            "id",
            "name",
            "status",
            "target_score",
            "target_duration",
            "map_reviewed_on",
            "created_at",
            "version",
            "parent_id",
            "upper",
        ]

    def get_upper(self, journey) -> str:
        name = journey["name"] if isinstance(journey, dict) else journey.name
        return str(name).upper()


def test_the_written_row_loop_reads_plain_columns_in_place_and_gives_drfs_values_for_odd_ones(varied_rows):
    # given: rows as a page reads them, and some whose columns hold what a page never reads from the database
    rows = list(Journey.objects.order_by("pk"))
    odd = rows[0]
    odd.name = 5  # an integer in a text column: DRF gives its text
    odd.status = ""  # a blank choice stays blank
    odd.created_at = dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))  # not UTC
    odd.map_reviewed_on = dt.date(2026, 3, 1)
    odd.target_duration = dt.timedelta(days=2, seconds=5)
    serializer = PlainColumns(context={})

    # when
    compiled = compile_fields(serializer)
    fast = represent(serializer, rows)

    # then: the columns are read in place, the rest by their functions; every value is DRF's
    in_place = {name for name, value in compiled if getattr(value, "inline", None) is not None}
    columns = ["id", "name", "status", "target_score", "target_duration", "map_reviewed_on", "created_at", "version"]
    assert in_place == set(columns)
    assert fast == [PlainColumns(context={}).to_representation(row) for row in rows]
    assert fast[0]["name"] == "5"
    assert fast[0]["upper"] == "5"
    assert fast[0]["created_at"] == "2026-05-01T10:00:00Z"
    assert fast[0]["target_duration"] == "2 00:00:05"


def test_rows_that_are_not_of_the_model_go_the_general_way(varied_rows):
    # given: a dict and an object of another class among the model's rows
    rows = list(Journey.objects.order_by("pk"))
    as_dict = {name: getattr(rows[1], name) for name in ("id", "name", "status", "target_score", "target_duration")}
    as_dict |= {"map_reviewed_on": None, "created_at": rows[1].created_at, "version": 3, "parent_id": None}
    stand_in = types.SimpleNamespace(**as_dict)
    serializer = PlainColumns(context={})

    # when
    fast = represent(serializer, [rows[0], as_dict, stand_in])

    # then
    drf = PlainColumns(context={})
    assert fast[0] == drf.to_representation(rows[0])
    assert fast[1] == fast[2] == drf.to_representation(stand_in)
    assert fast[1]["upper"] == str(rows[1].name).upper()


def test_the_rows_of_a_values_list_are_read_by_key_into_what_the_models_give(varied_rows):
    # given: the same rows as models and as dicts of their columns (a list selector's ``values()``)
    as_models = list(Journey.objects.order_by("pk"))
    as_dicts = list(Journey.objects.order_by("pk").values())
    assert len(as_models) >= 2
    assert type(as_dicts[0]) is dict
    serializer = PlainColumns(context={})

    # when
    from_dicts = represent(serializer, as_dicts)

    # then: DRF's representation of each model, the method field included
    assert from_dicts == represent(serializer, as_models)
    assert from_dicts == [PlainColumns(context={}).to_representation(row) for row in as_models]
