"""The blueprint cards' touchpoint figures on the journey page, with the product's own panels."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from journeys.models import TouchpointHealth
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_cards_show_the_where_panel_s_rows_without_reading_them_again(client, viewer_user, drawn_map):
    # given: the latest overall snapshot has figures for one touchpoint
    snapshot = factories.HealthSnapshotFactory(journey=drawn_map["journey"])
    TouchpointHealth.objects.create(
        snapshot=snapshot,
        touchpoint=drawn_map["touchpoints"]["order-0"],
        interactions=30,
        instances=20,
        reach=0.5,
        csat=4.6,
        repeat_rate=0.25,
    )
    client.force_login(viewer_user)

    # when
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/journeys/onboarding/")

    # then: the card carries the figures, and the touchpoint health was read once for the panel and the cards
    text = " ".join(response.content.decode().split())
    assert text.count("reach 50% · repeat 25%") == 1
    reads = [q["sql"] for q in queries.captured_queries if 'FROM "journeys_touchpointhealth"' in q["sql"]]
    assert len(reads) == 1
