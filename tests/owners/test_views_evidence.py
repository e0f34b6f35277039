"""The evidence on the pages: the matrix mark, the review form's scatter and sentence, the gaps page."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from owners.choices import Direction
from owners.services import incentive_evidence_compute
from tests import factories
from tests.owners.test_services_evidence import HANDLE_TIMES, MONTHS, SCORES

pytestmark = pytest.mark.django_db


def _measured(incentive, journey, *, direction=Direction.LOWER_IS_BETTER, months=MONTHS):
    incentive.direction = direction
    incentive.save()
    for day, value, score in zip(months, HANDLE_TIMES, SCORES, strict=False):
        factories.HealthSnapshotFactory(journey=journey, as_of=day, score=Decimal(str(score)))
        factories.IncentiveMeasurementFactory(incentive=incentive, period_end=day, value=value)
    incentive_evidence_compute(incentive=incentive)


def test_the_matrix_marks_a_conflict_in_words(client, organisation, viewer_user):
    _measured(organisation.handle_time, organisation.journey)
    client.force_login(viewer_user)

    html = client.get("/incentives/").content.decode()

    assert "▼ Evidence: conflict" in html
    assert "12 months" in html
    assert "Customer Service did better on “Average handle time”" in html  # the sentence, as the mark's title


def test_the_review_form_draws_the_periods_and_says_what_they_support(client, organisation, manager_user):
    _measured(organisation.handle_time, organisation.journey)
    client.force_login(manager_user)

    html = client.get(f"/incentives/{organisation.handle_time.pk}/review/onboarding/").content.decode()

    assert html.count('class="scatter-point"') == 12
    assert '<svg class="chart scatter"' in html
    assert "This supports a conflicting verdict" in html
    assert "not proof" in html
    assert f"Period ending {MONTHS[0].isoformat()}: Average handle time 6.4, health score 71.0" in html


def test_the_review_form_says_when_there_is_not_enough_history(client, organisation, viewer_user):
    _measured(organisation.first_contact, organisation.journey, months=MONTHS[:5])
    client.force_login(viewer_user)

    html = client.get(f"/incentives/{organisation.first_contact.pk}/review/onboarding/").content.decode()

    assert "Not enough history: only 5 months" in html
    assert "at least 8" in html


def test_the_review_form_without_measurements_says_how_to_feed_them(client, organisation, viewer_user):
    client.force_login(viewer_user)

    html = client.get(f"/incentives/{organisation.jobs_per_day.pk}/review/onboarding/").content.decode()

    assert "No measurements of “Jobs per day” yet" in html
    assert "scatter-point" not in html


def test_an_aligned_verdict_the_evidence_contradicts_shows_on_the_gaps_page_and_the_portfolio(
    client, organisation, manager_user
):
    # first-contact resolution is reviewed "aligned"; its figures move against the journey
    _measured(organisation.first_contact, organisation.journey)
    client.force_login(manager_user)

    gaps = client.get("/gaps/?gap=evidence_disagrees").content.decode()
    portfolio = client.get("/").content.decode()
    matrix = client.get("/incentives/").content.decode()

    assert "Evidence disagrees with 1 “aligned” verdict" in gaps
    assert "Customer Service · First-contact resolution" in gaps
    assert "Evidence disagrees with an aligned verdict" in portfolio
    assert "Evidence disagrees with the verdict" in matrix


def test_the_matrix_and_review_form_cost_a_constant_number_of_queries(
    client, organisation, manager_user, django_assert_max_num_queries
):
    client.force_login(manager_user)
    _measured(organisation.handle_time, organisation.journey)
    review = f"/incentives/{organisation.handle_time.pk}/review/onboarding/"
    with CaptureQueriesContext(connection) as matrix_few:
        client.get("/incentives/")
    with CaptureQueriesContext(connection) as review_few:
        client.get(review)
    for incentive in (organisation.first_contact, organisation.jobs_per_day):
        _measured(incentive, organisation.journey, months=[])
    for extra in range(6):
        journey = factories.JourneyFactory()
        stage = factories.StageFactory(journey=journey)
        touchpoint = factories.TouchpointFactory(stage=stage, key=f"tp-{extra}")
        factories.ResponsibilityFactory(touchpoint=touchpoint, function=organisation.customer_service)
    incentive_evidence_compute(incentive=organisation.handle_time)

    with django_assert_max_num_queries(len(matrix_few)):
        client.get("/incentives/")
    with django_assert_max_num_queries(len(review_few)):
        client.get(review)
