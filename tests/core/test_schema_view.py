"""GET /api/schema/ builds the schema once per process for each version and language, and serves it."""

import json

import pytest
from django.conf import settings
from django.utils import translation
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer

from core import schema_view as schema_module

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_kept_schemas():
    schema_module._schemas.clear()
    yield
    schema_module._schemas.clear()


def fresh_schema(language=None):
    """The schema as drf-spectacular builds it, independently of the view and of what it kept."""
    with translation.override(language or settings.LANGUAGE_CODE):
        document = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(document))


def test_the_kept_schema_is_the_schema_built_afresh_whoever_asks(no_kept_schemas, client, admin_user, viewer_user):
    anonymous = client.get("/api/schema/", {"format": "json"})
    assert anonymous.status_code == 200
    key = (None, settings.LANGUAGE_CODE)
    assert list(schema_module._schemas) == [key]
    kept = schema_module._schemas[key]

    client.force_login(viewer_user)
    as_viewer = client.get("/api/schema/", {"format": "json"})
    client.force_login(admin_user)
    as_admin = client.get("/api/schema/", {"format": "json"})
    # Served from what the first request kept (the same object, not another build), and equal to a fresh build.
    assert schema_module._schemas[key] is kept
    assert anonymous.json() == as_viewer.json() == as_admin.json() == fresh_schema()
    assert 'filename="Throughline API.json"' in as_admin["Content-Disposition"]


def test_the_yaml_answer_comes_from_the_same_kept_schema(no_kept_schemas, client):
    assert client.get("/api/schema/", {"format": "json"}).status_code == 200
    yaml_answer = client.get("/api/schema/")
    assert yaml_answer.status_code == 200
    assert yaml_answer["Content-Type"].startswith("application/vnd.oai.openapi")
    assert b"openapi: 3.0.3" in yaml_answer.content
    assert len(schema_module._schemas) == 1


def test_each_configured_language_is_kept_once_and_any_other_is_answered_but_not_kept(no_kept_schemas, client):
    assert client.get("/api/schema/", {"format": "json", "lang": "fr"}).status_code == 200
    assert client.get("/api/schema/", {"format": "json", "lang": "fr"}).status_code == 200
    assert set(schema_module._schemas) == {(None, "fr")}
    # Anyone can send any ?lang=: a made-up one is answered, and what is kept stays bounded.
    made_up = client.get("/api/schema/", {"format": "json", "lang": "zz-made-up"})
    assert made_up.status_code == 200
    assert made_up.json() == fresh_schema("zz-made-up")
    assert set(schema_module._schemas) == {(None, "fr")}
