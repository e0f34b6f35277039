"""The Mermaid `journey` export of a journey map: the selector, and the page that serves its text."""

import datetime as dt

import pytest
from django.utils import timezone

from journeys.models import Touchpoint
from journeys.selectors import maps as selectors
from tests import factories

pytestmark = pytest.mark.django_db


def rate(touchpoint, *scores, started_days_ago=5):
    for score in scores:
        instance = factories.JourneyInstanceFactory(
            journey=touchpoint.journey, started_at=timezone.now() - dt.timedelta(days=started_days_ago)
        )
        factories.InteractionFactory(instance=instance, touchpoint=touchpoint, satisfaction=score)


@pytest.fixture
def rated_map(drawn_map):
    touchpoints = drawn_map["touchpoints"]
    rate(touchpoints["order-0"], 4, 5)  # 4.5 rounds half up to 5
    rate(touchpoints["order-1"], 2, 3)  # 2.5 rounds half up to 3
    rate(touchpoints["install-0"], 4, 4, 5, 4, 5)  # 4.4 -> 4
    rate(touchpoints["install-1"], 1)
    rate(touchpoints["install-1"], 5, 5, started_days_ago=200)  # outside the 90-day window
    factories.InteractionFactory(
        instance=factories.JourneyInstanceFactory(journey=drawn_map["journey"]),
        touchpoint=touchpoints["first-bill-0"],
        satisfaction=None,  # unrated: no data
    )
    Touchpoint.objects.filter(key="first-bill-1").update(
        is_moment_of_truth=True, name="Bill: explained", channel="mail"
    )
    return drawn_map


def test_mermaid_text_has_a_section_per_stage_and_a_scored_task_per_touchpoint(client, viewer_user, rated_map):
    client.force_login(viewer_user)

    response = client.get("/journeys/onboarding/map.mmd")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == (
        "journey\n"
        "    title Onboarding\n"
        "    section Order\n"
        "      Order step 0: 5: Phone\n"
        "      Order step 1: 3: Phone\n"
        "    section Install\n"
        "      Install step 0: 4: Phone\n"
        "      Install step 1: 1: Phone\n"
        "    section First bill\n"
        "      %% First bill step 0 (Phone): not scored, no rated interactions in the last 90 days\n"
        "      %% ★ Bill - explained (Mail): not scored, no rated interactions in the last 90 days\n"
    )
    assert response["Content-Disposition"] == 'inline; filename="onboarding.mmd"'


def test_the_mermaid_download_is_a_file_named_after_the_journey(client, viewer_user, rated_map):
    client.force_login(viewer_user)

    response = client.get("/journeys/onboarding/map.mmd", {"download": "1"})

    assert response["Content-Disposition"] == 'attachment; filename="onboarding.mmd"'
    assert response.content.decode().startswith("journey\n    title Onboarding\n")


def test_the_mermaid_page_shows_the_text_a_download_a_copy_button_and_what_is_not_scored(
    client, viewer_user, rated_map, django_assert_max_num_queries
):
    client.force_login(viewer_user)

    with django_assert_max_num_queries(8):
        response = client.get("/journeys/onboarding/mermaid/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Install step 0: 4: Phone" in page
    assert 'href="/journeys/onboarding/map.mmd?download=1" download="onboarding.mmd"' in page
    assert 'data-copy-target="mermaid-text"' in page
    assert "/static/js/copy-text.js" in page
    note = page[page.index('id="mermaid-unscored"') :]
    assert "First bill step 0, Bill: explained." in note[: note.index("</div>")]


def test_a_fully_rated_map_has_no_unscored_note(client, viewer_user, drawn_map):
    for touchpoint in drawn_map["touchpoints"].values():
        rate(touchpoint, 4)
    client.force_login(viewer_user)

    page = client.get("/journeys/onboarding/mermaid/").content.decode()

    assert "mermaid-unscored" not in page
    assert "%%" not in page


def test_mermaid_export_costs_one_aggregate_query_over_the_map(
    client, viewer_user, rated_map, django_assert_num_queries
):
    client.force_login(viewer_user)

    # session, user, journey, stages, touchpoints, satisfaction aggregate
    with django_assert_num_queries(6):
        client.get("/journeys/onboarding/map.mmd")


def test_an_empty_map_exports_just_the_title(journey):
    text = selectors.journey_mermaid(selectors.journey_get(slug="onboarding"))

    assert text == "journey\n    title Onboarding\n"


@pytest.mark.parametrize(("mean", "score"), [(None, None), (1.0, 1), (1.49, 1), (2.5, 3), (3.5, 4), (4.5, 5), (5.0, 5)])
def test_mermaid_scores_round_half_up_within_1_to_5(mean, score):
    assert selectors.mermaid_score(mean) == score


def test_the_mermaid_export_needs_a_login(client, journey):
    response = client.get("/journeys/onboarding/map.mmd")

    assert response.status_code == 302
