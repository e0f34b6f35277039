"""The imports API: multipart upload (202), status, progress, counts and errors."""

import pytest
from django.core.files.base import ContentFile

from journeys.models import Import
from tests import factories
from tests.journeys.csv_files import a_row, csv_bytes, run_import, valid_rows

pytestmark = pytest.mark.django_db


# --- API -------------------------------------------------------------------------------------------------


def test_the_api_accepts_a_multipart_upload_with_202_and_the_imports_url(api_client, integration_user, mapped_journey):
    api_client.force_authenticate(integration_user)

    response = api_client.post(
        "/api/v1/imports/",
        {"file": ContentFile(csv_bytes(valid_rows()), name="feed.csv"), "journey": "onboarding"},
        format="multipart",
    )

    assert response.status_code == 202, response.json()
    record = Import.objects.get()
    body = response.json()
    assert (body["id"], body["status"], body["journey"]) == (record.pk, "queued", "onboarding")
    assert body["url"].endswith(f"/api/v1/imports/{record.pk}/")
    assert response["Location"] == body["url"]


def test_the_api_shows_an_imports_status_progress_counts_and_errors(api_client, viewer_user, mapped_journey):
    failed = run_import(csv_bytes([a_row(outcome="done")]))
    succeeded = run_import(csv_bytes(valid_rows()))
    api_client.force_authenticate(viewer_user)

    listing = api_client.get("/api/v1/imports/", {"status": "succeeded"}).json()
    detail = api_client.get(f"/api/v1/imports/{failed.pk}/").json()

    assert [row["id"] for row in listing["results"]] == [succeeded.pk]
    assert {key: listing["results"][0][key] for key in ("created", "updated", "total_rows", "processed_rows")} == {
        "created": 5,
        "updated": 0,
        "total_rows": 3,
        "processed_rows": 3,
    }
    assert "errors" not in listing["results"][0]
    assert detail["status"] == "failed"
    assert detail["errors"][0]["row"] == 2
    assert detail["errors"][0]["column"] == "outcome"


def test_the_api_refuses_an_oversized_upload_with_413(api_client, integration_user, settings):
    settings.IMPORT_MAX_BYTES = 100
    api_client.force_authenticate(integration_user)

    response = api_client.post(
        "/api/v1/imports/", {"file": ContentFile(b"x" * 500, name="big.csv")}, format="multipart"
    )

    assert response.status_code == 413
    assert "over the limit of" in response.json()["file"][0]
    assert not Import.objects.exists()


def test_the_api_refuses_an_upload_without_a_file_or_with_an_unknown_journey(api_client, integration_user):
    api_client.force_authenticate(integration_user)

    no_file = api_client.post("/api/v1/imports/", {}, format="multipart")
    unknown = api_client.post(
        "/api/v1/imports/", {"file": ContentFile(b"a", name="a.csv"), "journey": "nope"}, format="multipart"
    )

    assert no_file.status_code == 400
    assert "file" in no_file.json()
    assert unknown.status_code == 400
    assert "journey" in unknown.json()
    assert not Import.objects.exists()


def test_a_viewer_cannot_upload_through_the_api(api_client, viewer_user):
    api_client.force_authenticate(viewer_user)

    response = api_client.post("/api/v1/imports/", {"file": ContentFile(b"a", name="a.csv")}, format="multipart")

    assert response.status_code == 403
    assert not Import.objects.exists()


def test_the_import_list_endpoint_costs_a_constant_number_of_queries(
    api_client, viewer_user, mapped_journey, django_assert_max_num_queries
):
    for n in range(30):
        factories.ImportFactory(journey=mapped_journey, created_by=viewer_user, original_name=f"f{n}.csv")
    api_client.force_authenticate(viewer_user)

    with django_assert_max_num_queries(2):
        response = api_client.get("/api/v1/imports/")

    assert response.json()["count"] == 30
