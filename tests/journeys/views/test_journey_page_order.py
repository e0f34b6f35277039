"""The journey page follows the design's order: owner and team, health, blueprint, issues and initiatives."""

from pathlib import Path

import pytest
from django.conf import settings

from tests import factories

pytestmark = pytest.mark.django_db


def test_the_journey_page_shows_owner_health_blueprint_then_issues_in_that_order(client, owner_user, journey):
    factories.HealthSnapshotFactory(journey=journey, alerts=["health_drop"])
    client.force_login(owner_user)

    html = client.get(f"/journeys/{journey.slug}/").text

    positions = [
        html.index(marker)
        for marker in ("Owner, team and gaps", 'id="health-title"', 'id="blueprint-title"', "Issues and initiatives")
    ]
    assert positions == sorted(positions)


def test_the_alerts_of_the_health_panel_are_a_list_without_bullets(client, owner_user, journey):
    factories.HealthSnapshotFactory(journey=journey, alerts=["health_drop"])
    client.force_login(owner_user)

    html = client.get(f"/journeys/{journey.slug}/").text
    css = (Path(settings.BASE_DIR) / "static" / "css" / "app.css").read_text()

    assert '<ul class="plain">' in html
    assert "ul.plain { list-style: none;" in css
