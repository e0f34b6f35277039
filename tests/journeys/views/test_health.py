"""The "Journey health" panel of the journey page and the "Recompute now" button."""

import datetime as dt
import re

import pytest
from django.contrib.messages import get_messages
from django.template.loader import render_to_string
from django.test import RequestFactory

from journeys import panels
from journeys.models import HealthSnapshot
from journeys.services.health import journey_health_backfill, journey_health_compute
from tests import factories
from tests.journeys.conftest import AS_OF

pytestmark = pytest.mark.django_db


def render_panel(journey, user):
    request = RequestFactory().get(f"/journeys/{journey.slug}/")
    request.user = user
    panel = next(panel for panel in panels.panels() if panel.key == "health")
    context = {"journey": journey, "panel": panel, **panel.context(request, journey)}
    return render_to_string(panel.template, context, request=request)


def onboarding_history(journey_map):
    for segment, satisfaction in [("smb", 3), ("smb", 3), ("vip", 2)]:
        journey_map.add_instance(
            segment=segment,
            satisfaction=satisfaction,
            interactions=[
                {"touchpoint": "web-form", "satisfaction": 5},
                {"touchpoint": "visit", "satisfaction": 4},
            ],
        )
    journey_health_backfill(journey=journey_map.journey, first_as_of=AS_OF - dt.timedelta(days=5), last_as_of=AS_OF)


def test_the_health_panel_is_registered_on_the_journey_page():
    [panel] = [panel for panel in panels.panels() if panel.key == "health"]

    assert panel.title == "Journey health"
    assert panel.order == 10


def test_the_panel_explains_score_breakdown_alerts_segments_and_channel_mix(journey_map, viewer_user):
    onboarding_history(journey_map)

    html = render_panel(journey_map.journey, viewer_user)

    snapshot = HealthSnapshot.objects.get(journey=journey_map.journey, segment="", as_of=AS_OF)
    assert f">{snapshot.score}<" in html
    assert '<span class="status status-at_risk">At risk</span>' in html
    for label in ("Journey satisfaction", "Touchpoint satisfaction", "Satisfaction decay", "Channel hand-offs"):
        assert label in html
    assert "2.67 of 5" in html  # the journey's satisfaction, as a reader sees it
    assert "How satisfied customers are with the journey as a whole" in html
    assert "Each touchpoint scores 4.5 of 5 but customers rate the whole journey 2.7" in html
    # segments: smb is scored, vip has fewer journeys than the 2 needed for a verdict
    assert re.search(r"smb</th>\s*<td>2</td>", html)
    assert re.search(r"vip</th>\s*<td>1</td>", html)
    assert "Too few journeys to judge: 1 of the 2 needed" in html
    assert "min_sample" not in html
    assert "Assisted or offline only" in html
    assert "Cross-channel: 100%" in html
    # "Recompute now" is for the owner and managers only
    assert "Recompute now" not in html


def test_the_panel_draws_accessible_trend_and_paradox_charts_with_a_data_table(journey_map, viewer_user):
    onboarding_history(journey_map)

    html = render_panel(journey_map.journey, viewer_user)

    assert html.count('<svg class="chart"') == 3  # trend, paradox, channel mix
    assert "<title id=" in html
    assert "aria-labelledby=" in html
    assert "Health score and component scores over time" in html
    assert "Touchpoint satisfaction versus journey satisfaction over time" in html
    assert "<polyline" in html
    assert "Trend data as a table (6 daily snapshots)" in html
    assert "15 Nov 2026" in html


def test_the_panel_warns_when_the_sample_is_below_min_sample(journey_map, viewer_user):
    journey_map.add_instance()
    journey_health_compute(journey=journey_map.journey)

    html = render_panel(journey_map.journey, viewer_user)

    assert "Too few journeys to judge: 1 of the 2 needed (journeys started in the window)" in html
    assert "Insufficient data" in html
    assert "min_sample" not in html


def test_the_panel_says_what_to_do_when_health_was_never_computed(journey, owner_user):
    html = render_panel(journey, owner_user)

    assert "Health has not been computed yet." in html
    assert "Recompute now" in html


def test_the_panel_costs_the_same_queries_for_a_short_or_a_long_history(
    journey_map, viewer_user, django_assert_max_num_queries
):
    onboarding_history(journey_map)
    request = RequestFactory().get("/")
    request.user = viewer_user
    context = panels.render_context(request, journey_map.journey)  # warms the per-user role caches
    with django_assert_max_num_queries(20) as short:
        render_panel(journey_map.journey, viewer_user)
    journey_health_backfill(journey=journey_map.journey, first_as_of=AS_OF - dt.timedelta(days=60), last_as_of=AS_OF)

    with django_assert_max_num_queries(len(short.captured_queries)):
        render_panel(journey_map.journey, viewer_user)
    assert context


def test_the_owner_recomputes_from_the_journey_page_and_returns_to_it(
    client, journey, owner_user, django_capture_on_commit_callbacks
):
    client.force_login(owner_user)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(f"/journeys/{journey.slug}/recompute/", {"next": f"/journeys/{journey.slug}/"})

    assert response.status_code == 302
    assert response["Location"] == f"/journeys/{journey.slug}/"
    assert len(callbacks) == 1
    [message] = list(get_messages(response.wsgi_request))
    assert "being recomputed" in str(message)


def test_a_manager_recomputes_and_an_unsafe_next_falls_back(
    client, journey, manager_user, django_capture_on_commit_callbacks
):
    client.force_login(manager_user)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(f"/journeys/{journey.slug}/recompute/", {"next": "https://evil.example/"})

    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
    assert len(callbacks) == 1


def test_viewers_and_team_members_cannot_recompute(
    client, journey, viewer_user, team_user, django_capture_on_commit_callbacks
):
    for user in (viewer_user, team_user):
        client.force_login(user)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            response = client.post(f"/journeys/{journey.slug}/recompute/")

        assert response.status_code == 403
        assert callbacks == []


def test_recompute_only_answers_post(client, journey, owner_user):
    client.force_login(owner_user)

    assert client.get(f"/journeys/{journey.slug}/recompute/").status_code == 405
    assert client.post("/journeys/no-such-journey/recompute/").status_code == 404
    assert not factories.HealthSnapshotFactory._meta.model.objects.exists()
