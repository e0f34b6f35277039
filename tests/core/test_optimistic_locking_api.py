"""Optimistic locking through the API (design section 10): the second writer of a stale journey,
issue or initiative is told (409 for a stale ``version`` in the body, 412 for a stale ``If-Match``),
and nothing it sent is written. Reads carry the version as an ETag."""

import threading

import pytest
from django.db import connection

from core.concurrency import if_match_tags, version_etag
from improvements.models import Initiative, Issue
from journeys.models import Journey
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def objects(journey):
    issue = factories.IssueFactory(journey=journey, title="Technician arrives without the router")
    initiative = factories.InitiativeFactory(journey=journey, title="Kit check before dispatch")
    initiative.issues.add(issue)
    return {"journey": journey, "issue": issue, "initiative": initiative}


# kind -> (model, detail URL of the object, a full PUT body renaming it to ``name``, the renamed field)
def _target(kind: str, objects: dict):
    obj = objects[kind]
    if kind == "journey":
        return Journey, f"/api/v1/journeys/{obj.slug}/", {"name": None}, "name"
    if kind == "issue":
        return Issue, f"/api/v1/issues/{obj.pk}/", {"title": None}, "title"
    return Initiative, f"/api/v1/initiatives/{obj.pk}/", {"title": None, "issues": [objects["issue"].pk]}, "title"


KINDS = ["journey", "issue", "initiative"]


def _body(template: dict, field: str, value: str, **extra) -> dict:
    return {**template, field: value, **extra}


@pytest.fixture
def manager_client(api_client, manager_user):
    api_client.force_authenticate(manager_user)
    return api_client


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("method", ["put", "patch"])
def test_a_write_with_a_stale_version_answers_409_with_a_message_and_keeps_the_first_write(
    manager_client, objects, kind, method
):
    model, url, template, field = _target(kind, objects)
    # given someone else saved version 1 first
    first = getattr(manager_client, method)(url, _body(template, field, "First writer", version=1), format="json")
    assert first.status_code == 200, first.json()

    # when a second writer sends the version it read (1)
    second = getattr(manager_client, method)(url, _body(template, field, "Second writer", version=1), format="json")

    # then
    assert second.status_code == 409
    assert "changed by someone else" in second.json()["detail"]
    assert second.json()["current_version"] == 2
    stored = model.objects.get(pk=objects[kind].pk)
    assert (getattr(stored, field), stored.version) == ("First writer", 2)


@pytest.mark.parametrize("kind", KINDS)
def test_a_read_carries_the_version_as_an_etag_and_a_write_returns_the_new_one(manager_client, objects, kind):
    _model, url, template, field = _target(kind, objects)

    read = manager_client.get(url)
    written = manager_client.patch(url, {field: "Renamed"}, format="json", HTTP_IF_MATCH=read["ETag"])

    assert read["ETag"] == '"1"'
    assert written.status_code == 200
    assert written["ETag"] == '"2"'
    assert written.json()["version"] == 2


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("method", ["put", "patch"])
def test_a_write_with_a_stale_if_match_answers_412_and_changes_nothing(manager_client, objects, kind, method):
    model, url, template, field = _target(kind, objects)
    etag = manager_client.get(url)["ETag"]
    manager_client.patch(url, {field: "First writer"}, format="json", HTTP_IF_MATCH=etag)

    body = _body(template, field, "Second writer")
    response = getattr(manager_client, method)(url, body, format="json", HTTP_IF_MATCH=etag)

    assert response.status_code == 412
    assert "changed by someone else" in response.json()["detail"]
    assert response.json()["current_version"] == 2
    stored = model.objects.get(pk=objects[kind].pk)
    assert (getattr(stored, field), stored.version) == ("First writer", 2)


@pytest.mark.parametrize("kind", KINDS)
def test_if_match_star_or_a_list_naming_the_current_version_lets_the_write_through(manager_client, objects, kind):
    model, url, _template, field = _target(kind, objects)

    star = manager_client.patch(url, {field: "Any version"}, format="json", HTTP_IF_MATCH="*")
    listed = manager_client.patch(url, {field: "Listed"}, format="json", HTTP_IF_MATCH='"7", "2"')

    assert (star.status_code, listed.status_code) == (200, 200)
    stored = model.objects.get(pk=objects[kind].pk)
    assert (getattr(stored, field), stored.version) == ("Listed", 3)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("header", ['W/"1"', "1", "garbage", '""'])
def test_a_weak_or_malformed_if_match_never_matches(manager_client, objects, kind, header):
    model, url, _template, field = _target(kind, objects)

    response = manager_client.patch(url, {field: "Renamed"}, format="json", HTTP_IF_MATCH=header)

    assert response.status_code == 412
    assert model.objects.get(pk=objects[kind].pk).version == 1


@pytest.mark.parametrize(
    ("kind", "body"), [("issue", {"status": "investigating"}), ("initiative", {"status": "approved"})]
)
def test_a_transition_honours_if_match_too(manager_client, objects, kind, body):
    model, url, _template, _field = _target(kind, objects)
    model.objects.filter(pk=objects[kind].pk).update(version=4)

    stale = manager_client.post(f"{url}transition/", body, format="json", HTTP_IF_MATCH='"1"')
    current = manager_client.post(f"{url}transition/", body, format="json", HTTP_IF_MATCH='"4"')

    assert stale.status_code == 412
    assert current.status_code == 200
    assert current["ETag"] == '"5"'
    assert model.objects.get(pk=objects[kind].pk).status == body["status"]


def test_a_viewer_with_a_matching_if_match_is_still_forbidden(api_client, viewer_user, objects):
    api_client.force_authenticate(viewer_user)

    url = f"/api/v1/issues/{objects['issue'].pk}/"
    response = api_client.patch(url, {"title": "No"}, format="json", HTTP_IF_MATCH='"1"')

    assert response.status_code == 403
    assert Issue.objects.get(pk=objects["issue"].pk).title == "Technician arrives without the router"


def test_if_match_tags_and_version_etags_read_as_rfc_9110_writes_them():
    assert version_etag(3) == '"3"'
    assert if_match_tags(' "1", W/"2" ,, "3"') == ['"1"', 'W/"2"', '"3"']


# --- two real writers at once -------------------------------------------------------------------------

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="two concurrent writers need PostgreSQL's row locks (SQLite: one writer)"
)


@postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", KINDS)
def test_of_two_concurrent_writers_of_the_same_version_exactly_one_wins(manager_user, kind):
    from rest_framework.test import APIClient

    journey = factories.JourneyFactory(name="Onboarding", slug="onboarding")
    issue = factories.IssueFactory(journey=journey, title="Original")
    initiative = factories.InitiativeFactory(journey=journey, title="Original")
    initiative.issues.add(issue)
    model, url, template, field = _target(kind, {"journey": journey, "issue": issue, "initiative": initiative})
    start = threading.Barrier(2)
    answers: dict[str, int] = {}

    def write(name: str) -> None:
        # Each thread is its own client with its own database connection.
        client = APIClient()
        client.force_authenticate(manager_user)
        start.wait(timeout=10)
        try:
            answers[name] = client.patch(url, _body(template, field, name, version=1), format="json").status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(name,)) for name in ("Writer A", "Writer B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(answers.values()) == [200, 409]
    winner = next(name for name, code in answers.items() if code == 200)
    stored = model.objects.get(pk={"journey": journey, "issue": issue, "initiative": initiative}[kind].pk)
    assert (getattr(stored, field), stored.version) == (winner, 2)
