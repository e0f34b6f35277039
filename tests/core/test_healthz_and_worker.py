import pytest

from config.celery import app
from core.tasks import ping
from tests.celery_worker import running_worker

pytestmark = pytest.mark.django_db


def test_healthz_is_public_and_reports_database_and_broker(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_healthz_answers_503_when_the_broker_is_down(client):
    # given a broker URL nothing listens on
    # (broker_write_url is what producers use; an environment CELERY_BROKER_URL would mask broker_url)
    original = app.conf.broker_write_url
    app.conf.broker_write_url = "redis://127.0.0.1:1/0"
    try:
        # when
        response = client.get("/healthz")
    finally:
        app.conf.broker_write_url = original

    # then
    assert response.status_code == 503
    assert response.json()["broker"] == "down"
    assert response.json()["database"] == "ok"


def test_healthz_answers_503_when_the_database_is_down(client, monkeypatch):
    from django.db import connection

    def refuse(*args, **kwargs):
        raise connection.Database.OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["database"] == "down"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_on_the_configured_broker_runs_a_task():
    with running_worker():
        result = ping.delay("journeys, not moments")

        assert result.get(timeout=30) == "journeys, not moments"
