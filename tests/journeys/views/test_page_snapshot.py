"""The journey page reads its latest overall snapshot once for the blueprint and every panel: the same page."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from journeys import panels
from journeys.models import HealthSnapshot, Journey, PathSummary
from journeys.selectors import maps, where
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    # Half the demo: onboarding has enough complete cases for key drivers (tests/e2e/test_owner_finds_where_to_act)
    call_command("seed_demo", scale=0.5, no_recompute=True, stdout=io.StringIO())
    call_command("recompute_health", since=2, verbosity=0, stdout=io.StringIO())


def _comparable(html: str) -> str:
    """A panel's HTML without what differs on every render: the charts' ids and the masked CSRF token."""
    html = re.sub(r"(chart|emotion)-\d+", r"\1-N", html)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken"', html)


def _manager():
    return get_user_model().objects.get(username="manager")  # the demo's manager


def _page(slug: str, user, *, prepared: bool) -> tuple[dict, int]:
    """The blueprint's stage health and each panel's HTML (chart ids made equal), and the queries they cost."""
    request = RequestFactory().get(f"/journeys/{slug}/")
    request.user, request.session = user, SessionStore()
    journey = maps.journey_map_queryset().get(slug=slug)
    with CaptureQueriesContext(connection) as queries:
        if prepared:
            where.remember_page_snapshot(journey)
        blueprint = maps.journey_blueprint(journey)
        rendered = panels.render_context(request, journey)
    page = {
        "blueprint": (
            blueprint.snapshot.pk if blueprint.snapshot else None,
            [(column.stage.pk, column.health.pk if column.health else None) for column in blueprint.columns],
        ),
        **{item["panel"].key: _comparable(item["html"]) for item in rendered},
    }
    return page, len(queries)


def test_the_prepared_page_is_the_page_each_panel_reads_for_itself_in_fewer_queries(demo):
    # One demo load for both cases (it costs seconds): the latest snapshot with paths and drivers, then without.
    journey = Journey.objects.get(slug="onboarding")
    latest = HealthSnapshot.objects.filter(journey=journey, segment="").latest("as_of")
    # the shared read has something to share
    assert hasattr(latest, "paths")
    assert hasattr(latest, "drivers")

    fresh, fresh_queries = _page("onboarding", _manager(), prepared=False)
    prepared, prepared_queries = _page("onboarding", _manager(), prepared=True)

    assert prepared == fresh
    assert "Where to act" in prepared["where"]
    assert "Journey health" in prepared["health"]
    assert prepared_queries <= fresh_queries - 5

    # when the latest snapshot has no paths, an older one's are still found
    PathSummary.objects.filter(snapshot=latest).delete()
    assert PathSummary.objects.filter(snapshot__journey=journey, snapshot__segment="").exists()

    fresh, _ = _page("onboarding", _manager(), prepared=False)
    prepared, _ = _page("onboarding", _manager(), prepared=True)

    assert prepared == fresh
    assert "flow" in prepared["where"].lower()


def test_a_journey_without_health_reads_the_same(manager_user):
    manager = manager_user
    factories.JourneyFactory(slug="new-journey")

    fresh, _ = _page("new-journey", manager, prepared=False)
    prepared, _ = _page("new-journey", manager, prepared=True)

    assert prepared == fresh
    assert prepared["blueprint"] == (None, [])
