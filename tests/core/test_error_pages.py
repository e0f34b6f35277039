"""Debug off by default: the product's own 400, 403, 404 and 500 pages, JSON errors under /api/,
static files from whitenoise, and 403s logged in one line."""

import logging.config
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory

from config.settings import base as base_settings
from core import views

pytestmark = pytest.mark.django_db


def _debug_setting(**environment) -> str:
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_DEBUG"}
    env.update(environment)
    result = subprocess.run(
        [sys.executable, "-c", "from config.settings import base; print(base.DEBUG)"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_debug_is_off_unless_django_debug_asks_for_it():
    assert _debug_setting() == "False"
    assert _debug_setting(DJANGO_DEBUG="true") == "True"


def _in_the_product_look(page: str) -> None:
    assert 'class="topbar"' in page
    assert "/static/css/app.css" in page
    assert "URLconf" not in page
    assert "Traceback" not in page


def test_an_unknown_page_is_the_products_404_page(client, viewer_user):
    client.force_login(viewer_user)

    response = client.get("/issues/99999/")

    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page
    _in_the_product_look(page)


def test_an_unknown_api_address_answers_json(client, viewer_user):
    client.force_login(viewer_user)

    for url in ("/api/", "/api/v1/no-such-thing/"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json() == {"detail": "Not found."}


def test_a_refused_page_is_the_products_403_page_with_the_reason(client, viewer_user):
    client.force_login(viewer_user)

    response = client.get("/imports/new/")

    assert response.status_code == 403
    page = response.content.decode()
    assert "You cannot do this" in page
    assert "Importing data needs the ingest permission." in page
    _in_the_product_look(page)


def test_a_refusal_under_api_answers_json():
    request = RequestFactory().get("/api/v1/anything/")

    response = views.permission_denied(request, PermissionDenied("Only managers may."))

    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert response.content == b'{"detail": "Only managers may."}'


def test_a_form_sent_without_its_security_token_gets_the_products_403_page(viewer_user, journey):
    client = Client(enforce_csrf_checks=True)
    client.force_login(viewer_user)

    response = client.post(f"/journeys/{journey.slug}/review-map/", {})

    assert response.status_code == 403
    page = response.content.decode()
    assert "This form could not be accepted" in page
    _in_the_product_look(page)


def test_a_tampered_form_is_the_products_400_page(client, integration_user):
    client.force_login(integration_user)
    stuffed = "&".join(f"field{number}=x" for number in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))

    response = client.generic("POST", "/imports/new/", stuffed, content_type="application/x-www-form-urlencoded")

    assert response.status_code == 400
    page = response.content.decode()
    assert "That request could not be handled" in page
    _in_the_product_look(page)


@pytest.mark.urls("tests.core.error_urls")
def test_a_bug_shows_the_products_500_page_and_json_under_api(viewer_user):
    client = Client(raise_request_exception=False)
    client.force_login(viewer_user)

    page = client.get("/broken/")
    api = client.get("/api/v1/broken/")

    assert page.status_code == 500
    assert "Something went wrong on our side" in page.content.decode()
    assert "a bug the test put here" not in page.content.decode()
    assert api.status_code == 500
    assert api.json() == {"detail": "Something went wrong on our side; the error has been logged."}


def test_static_files_are_served_by_whitenoise_with_debug_off(client):
    assert settings.DEBUG is False

    response = client.get("/static/css/app.css")

    assert response.status_code == 200
    assert type(response).__module__.startswith("whitenoise")
    assert ":root" in b"".join(response.streaming_content).decode()
    assert "max-age" in response["Cache-Control"]


@pytest.fixture
def project_logging():
    """The logging of config.settings.base (the test settings keep the log quiet), for one test."""
    logging.config.dictConfig(base_settings.LOGGING)
    yield
    logging.config.dictConfig(settings.LOGGING)


def test_a_refusal_is_logged_in_one_line_without_a_traceback(client, viewer_user, project_logging, capsys):
    client.force_login(viewer_user)
    logging.config.dictConfig(base_settings.LOGGING)  # its console handler writes to the captured stderr

    assert client.get("/imports/new/").status_code == 403

    logged = capsys.readouterr().err
    assert "WARNING django.request: Forbidden (Permission denied): /imports/new/" in logged
    assert "Traceback" not in logged
    assert "PermissionDenied" not in logged


def test_a_bug_is_still_logged_with_its_traceback(viewer_user, project_logging, capsys, settings):
    settings.ROOT_URLCONF = "tests.core.error_urls"
    client = Client(raise_request_exception=False)
    client.force_login(viewer_user)
    logging.config.dictConfig(base_settings.LOGGING)

    assert client.get("/broken/").status_code == 500

    logged = capsys.readouterr().err
    assert "Traceback" in logged
    assert "a bug the test put here" in logged
