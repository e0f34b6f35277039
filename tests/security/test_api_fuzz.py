"""Schemathesis drives every API operation of /api/schema/ in-process, as a manager and as a viewer.

Each operation gets a bounded, derandomised number of generated requests; half of the path parameters
point at real objects of journey J (the ``world`` fixture) so that detail, update and action endpoints
are exercised beyond 404. Every answer must be documented by the schema and never a 5xx.
"""

import os

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis import checks as schemathesis_checks
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi import checks as openapi_checks

from config.wsgi import application

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 25

# The coverage phase adds hundreds of boundary cases per operation: too slow for every run of the suite,
# so it runs on demand (THROUGHLINE_FUZZ_COVERAGE=1; it found the id-filter overflow of docs/security.md).
CONFIG = SchemathesisConfig.from_dict(
    {"phases": {"coverage": {"enabled": os.environ.get("THROUGHLINE_FUZZ_COVERAGE") == "1"}}}
)
schema = schemathesis.openapi.from_wsgi("/api/schema/", application, config=CONFIG)

# Filled by the ``seeded`` fixture before each test's examples run: path parameter values per resource.
SEEDED: dict[str, dict[str, object]] = {}

CHECKS = [
    schemathesis_checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
]


def _resource_of(path: str) -> str:
    """ "/api/v1/issues/{id}/transition/" -> "issues"."""
    return path.removeprefix("/api/v1/").split("/", 1)[0]


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    real = SEEDED.get(_resource_of(context.operation.path), {})
    real = {name: value for name, value in real.items() if name in (path_parameters or {})}
    if not real:
        return st.just(path_parameters)
    return st.sampled_from([path_parameters, {**path_parameters, **real}])


@schema.hook
def map_query(context, query):
    """No generated ``?fields=``: its answer leaves out fields the schema requires of the whole object, by
    design (tests/core/test_chosen_fields.py tests it, bad values included)."""
    if query and "fields" in query:
        return {name: value for name, value in query.items() if name != "fields"}
    return query


@pytest.fixture
def keep_test_connection():
    """The WSGI app closes "old" connections around each request, which would close the test's open
    transaction on PostgreSQL; Django's test client disconnects these handlers the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def seeded(world, keep_test_connection):
    SEEDED.clear()
    SEEDED.update(
        {
            "journeys": {"slug": world.journey.slug, "id": world.persona.pk},  # id: journeys/{slug}/personas/{id}/
            "functions": {"slug": world.function.slug},
            "stages": {"id": world.stage.pk},
            "touchpoints": {"id": world.touchpoint.pk},
            "instances": {"id": world.instance.pk},
            "interactions": {"id": world.interaction.pk},
            "imports": {"id": world.import_record.pk},
            "health-snapshots": {"id": world.snapshot.pk},
            "people": {"id": world.person.pk},
            "ownerships": {"id": world.ownership.pk},
            "team-members": {"id": world.team_membership.pk},
            "responsibilities": {"id": world.responsibility.pk},
            "incentives": {"id": world.incentive.pk},
            "incentive-reviews": {"id": world.incentive_review.pk},
            "issues": {"id": world.issue.pk},
            "initiatives": {"id": world.initiative.pk},
            "initiative-updates": {"id": world.initiative_update.pk},
        }
    )
    yield world
    SEEDED.clear()


FUZZ_SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@schema.parametrize()
@FUZZ_SETTINGS
def test_every_operation_answers_a_manager_as_documented(case, seeded, manager_user, token_for):
    case.call_and_validate(headers={"Authorization": f"Token {token_for(manager_user)}"}, checks=CHECKS)


@schema.parametrize()
@FUZZ_SETTINGS
def test_every_operation_answers_a_viewer_as_documented(case, seeded, viewer_user, token_for):
    case.call_and_validate(headers={"Authorization": f"Token {token_for(viewer_user)}"}, checks=CHECKS)
