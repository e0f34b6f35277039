"""The API of incentive measurements and evidence: bulk ingest, reads, permissions, query counts, the real worker."""

from decimal import Decimal

import pytest
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from owners.choices import Direction, EvidenceSignal
from owners.models import Incentive, IncentiveEvidence, IncentiveMeasurement
from owners.services import incentive_evidence_compute
from owners.tasks import compute_all_incentive_evidence
from tests import factories
from tests.celery_worker import running_worker
from tests.journeys.test_tasks import wait_for
from tests.owners.conftest import build_organisation
from tests.owners.test_services_evidence import HANDLE_TIMES, MONTHS, SCORES

pytestmark = pytest.mark.django_db

URL = "/api/v1/incentive-measurements/"


def _client(user):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def _batch(incentive, months=MONTHS, values=HANDLE_TIMES):
    return {
        "measurements": [
            {"incentive": incentive.pk, "period_end": day.isoformat(), "value": value, "source": "WFM"}
            for day, value in zip(months, values, strict=True)
        ]
    }


def _snapshots(journey):
    for day, score in zip(MONTHS, SCORES, strict=True):
        factories.HealthSnapshotFactory(journey=journey, as_of=day, score=Decimal(str(score)))


@pytest.mark.parametrize("role", ["manager", "integration", "admin"])
def test_managers_and_integration_accounts_feed_measurements(request, organisation, role):
    user = request.getfixturevalue(f"{role}_user")

    response = _client(user).post(URL, _batch(organisation.handle_time), format="json")

    assert response.status_code == 200, response.content
    assert response.json() == {"created": 12, "updated": 0}
    assert IncentiveMeasurement.objects.count() == 12


@pytest.mark.parametrize(("role", "expected"), [("viewer", 403), ("owner", 403), (None, 401)])
def test_others_cannot_feed_measurements_and_nothing_is_written(request, organisation, role, expected):
    user = request.getfixturevalue(f"{role}_user") if role else None

    response = _client(user).post(URL, _batch(organisation.handle_time), format="json")

    assert response.status_code == expected
    assert IncentiveMeasurement.objects.count() == 0


def test_a_bad_measurement_is_a_400_addressed_by_position_and_nothing_is_written(organisation, manager_user):
    body = _batch(organisation.handle_time)
    body["measurements"][3]["value"] = "six"

    response = _client(manager_user).post(URL, body, format="json")

    assert response.status_code == 400
    assert response.json() == {"measurements[3].value": ["'six' is not a number."]}
    assert IncentiveMeasurement.objects.count() == 0


@pytest.mark.parametrize("body", [[], "text", {"measurements": "x"}])
def test_a_body_of_the_wrong_shape_is_a_400(organisation, manager_user, body):
    response = _client(manager_user).post(URL, body, format="json")

    assert response.status_code == 400


def test_evidence_of_an_incentive_and_of_a_journey_is_read_by_anyone_logged_in(organisation, viewer_user):
    organisation.handle_time.direction = Direction.LOWER_IS_BETTER
    organisation.handle_time.save()
    _snapshots(organisation.journey)
    for day, value in zip(MONTHS, HANDLE_TIMES, strict=True):
        factories.IncentiveMeasurementFactory(incentive=organisation.handle_time, period_end=day, value=value)
    incentive_evidence_compute(incentive=organisation.handle_time)
    stored = IncentiveEvidence.objects.get(incentive=organisation.handle_time, journey=organisation.journey)

    by_incentive = _client(viewer_user).get(f"/api/v1/incentives/{organisation.handle_time.pk}/evidence/")
    by_journey = _client(viewer_user).get("/api/v1/journeys/onboarding/incentive-evidence/")
    anonymous = _client(None).get("/api/v1/journeys/onboarding/incentive-evidence/")

    assert by_incentive.status_code == 200
    [row] = by_incentive.json()
    assert row["journey"] == "onboarding"
    assert row["direction"] == "lower_is_better"
    assert (row["periods"], row["rho"], row["ci_low"], row["ci_high"]) == (
        12,
        stored.rho,
        stored.ci_low,
        stored.ci_high,
    )
    assert row["signal"] == EvidenceSignal.CONFLICT
    assert row["points"][0] == {"period_end": MONTHS[0].isoformat(), "value": HANDLE_TIMES[0], "score": SCORES[0]}
    assert {item["component"] for item in row["components"]} >= {"journey_csat", "repeat_rate"}
    assert [item["incentive_name"] for item in by_journey.json()] == ["Average handle time"]
    assert anonymous.status_code == 401


def test_the_measurement_list_filters_by_incentive_in_a_constant_number_of_queries(
    organisation, viewer_user, django_assert_max_num_queries
):
    for day, value in zip(MONTHS, HANDLE_TIMES, strict=True):
        factories.IncentiveMeasurementFactory(incentive=organisation.handle_time, period_end=day, value=value)
        factories.IncentiveMeasurementFactory(incentive=organisation.first_contact, period_end=day, value=0.8)

    with django_assert_max_num_queries(4):
        response = _client(viewer_user).get(f"{URL}?incentive={organisation.first_contact.pk}&page_size=200")

    assert response.json()["count"] == 12
    assert {row["incentive"] for row in response.json()["results"]} == {organisation.first_contact.pk}


def test_the_journey_evidence_costs_the_same_queries_for_one_incentive_and_for_many(
    organisation, viewer_user, django_assert_max_num_queries
):
    incentive_evidence_compute(incentive=organisation.handle_time)
    with CaptureQueriesContext(connection) as few:
        _client(viewer_user).get("/api/v1/journeys/onboarding/incentive-evidence/")
    for incentive in Incentive.objects.filter(active=True):
        incentive_evidence_compute(incentive=incentive)

    with django_assert_max_num_queries(len(few)):
        response = _client(viewer_user).get("/api/v1/journeys/onboarding/incentive-evidence/")

    assert len(response.json()) == 3


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_computes_the_evidence_after_measurements_commit_and_daily(manager_user):
    # given
    journey = factories.JourneyFactory(name="Onboarding", slug="onboarding")
    organisation = build_organisation(journey, today=timezone.localdate())
    organisation.handle_time.direction = Direction.LOWER_IS_BETTER
    organisation.handle_time.save()
    _snapshots(journey)

    with running_worker():
        # when: measurements arrive through the API
        response = _client(manager_user).post(URL, _batch(organisation.handle_time), format="json")
        assert response.status_code == 200

        # then: the worker stores the evidence once they have committed
        assert wait_for(lambda: _evidence_stored(organisation.handle_time))
        first = IncentiveEvidence.objects.get(incentive=organisation.handle_time, journey=journey)
        assert first.signal == EvidenceSignal.CONFLICT

        # and the daily job recomputes every active incentive, the same figures again
        assert compute_all_incentive_evidence.delay().get(timeout=60) == 3
        again = IncentiveEvidence.objects.get(incentive=organisation.handle_time, journey=journey)
        assert again.computed_at > first.computed_at
        assert (again.rho, again.ci_low, again.ci_high) == (first.rho, first.ci_low, first.ci_high)


def _evidence_stored(incentive) -> bool:
    try:
        return IncentiveEvidence.objects.filter(incentive=incentive).exists()
    except OperationalError:  # SQLite's shared in-memory test database while the worker writes
        return False
