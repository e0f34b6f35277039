"""When the broker is unreachable, requests that queue work answer clearly instead of failing with a 500."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from config.celery import app
from journeys.models import Import

pytestmark = pytest.mark.django_db


def _drop_producer_pool():
    # The app keeps its producer pool for the URL it was created with; kombu keeps one pool per URL.
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker_down():
    # Producers publish through broker_write_url; nothing listens on port 1.
    original = app.conf.broker_write_url
    _drop_producer_pool()
    app.conf.broker_write_url = "redis://127.0.0.1:1/0"
    yield
    app.conf.broker_write_url = original
    _drop_producer_pool()


# Outside a test transaction, as in a real request: the send happens at once.
@pytest.mark.django_db(transaction=True)
def test_the_recompute_endpoint_answers_503_when_the_broker_is_down(api_client, owner_user, journey, broker_down):
    api_client.force_authenticate(owner_user)

    response = api_client.post(f"/api/v1/journeys/{journey.slug}/recompute/")

    assert response.status_code == 503
    assert "task queue is unavailable" in response.json()["detail"]


# Outside a test transaction, as in a real request: the send happens at once.
@pytest.mark.django_db(transaction=True)
def test_recompute_now_says_nothing_was_queued_when_the_broker_is_down(client, owner_user, journey, broker_down):
    client.force_login(owner_user)

    response = client.post(f"/journeys/{journey.slug}/recompute/", follow=True)

    assert response.status_code == 200
    assert "The task queue is unavailable right now" in response.content.decode()


def test_an_upload_while_the_broker_is_down_fails_its_import_with_a_message(
    api_client, integration_user, journey, broker_down, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = str(tmp_path)
    api_client.force_authenticate(integration_user)
    upload = SimpleUploadedFile("feed.csv", b"journey,instance_external_id\n", content_type="text/csv")

    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post("/api/v1/imports/", {"file": upload}, format="multipart")

    assert response.status_code == 202
    record = Import.objects.get()
    assert record.status == "failed"
    assert "task queue is unavailable" in record.errors[0]["message"]
