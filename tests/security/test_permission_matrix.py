"""Every page and API endpoint, every method, every role of design section 9 against permission_matrix.py.

The routes come from the URL conf and the API router, so a new page or endpoint that the table does not
cover fails ``test_the_matrix_covers_every_route``. Each (route, method) test builds journey J once and
tries every role inside a savepoint: an allowed request passes the permission check (2xx, 3xx, or a 400/409
about the data), a refused one answers 401/403 (a page sends anonymous visitors to the login page) and
leaves every table exactly as it was.
"""

import io
import re
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from config.api_router import router
from tests.security import permission_matrix as matrix

pytestmark = pytest.mark.django_db

API_PREFIX = "api/"
CHECKED_PAGE_METHODS = ("GET", "POST")
API_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
AUDITED_APPS = (
    "auth",
    "authtoken",
    "journeys",
    "owners",
    "improvements",
    "accounts",
    "webhooks",
    "notifications",
    "django_celery_beat",
)


@dataclass(frozen=True)
class Route:
    name: str
    pattern: str
    is_api: bool
    methods: tuple[str, ...]  # what the view itself declares (API); pages list theirs in the table
    parameters: tuple[str, ...]


def _view_methods(callback) -> tuple[str, ...]:
    actions = getattr(callback, "actions", None)
    if actions:  # a router viewset: {"get": "list", "post": "create"}
        return tuple(sorted(method.upper() for method in actions))
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if view_class is None:
        return ()
    return tuple(method for method in API_METHODS if hasattr(view_class, method.lower()))


def _routes(patterns=None, prefix="", namespace=None):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            route = prefix + str(pattern.pattern)
            if "format" in pattern.pattern.regex.groupindex:
                continue  # DRF's ".json" suffix twins of the same view
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            parameters = tuple(name for name in pattern.pattern.regex.groupindex)
            yield Route(name, route, route.startswith(API_PREFIX), _view_methods(pattern.callback), parameters)


ROUTES = {route.name: route for route in _routes()}
ADMIN_ROUTES = {name for name in ROUTES if name.startswith(matrix.ADMIN_NAMESPACE + ":")}


def test_the_matrix_covers_every_route():
    # given every named route of the URL conf and every viewset of the API router
    router_names = {f"{basename}-list" for _, _, basename in router.registry}
    # then each has its line in the table, and the table names no route that is gone
    pages = {name for name, route in ROUTES.items() if not route.is_api and name not in ADMIN_ROUTES}
    api = {name for name, route in ROUTES.items() if route.is_api}
    assert pages - set(matrix.PAGES) == set(), "pages missing from permission_matrix.PAGES"
    assert set(matrix.PAGES) - pages == set(), "permission_matrix.PAGES names pages that do not exist"
    assert api - set(matrix.API) == set(), "API routes missing from permission_matrix.API"
    assert set(matrix.API) - api == set(), "permission_matrix.API names routes that do not exist"
    assert router_names <= api
    assert set(matrix.ADMIN_PAGES) <= ADMIN_ROUTES


@pytest.mark.parametrize("name", sorted(matrix.API))
def test_the_matrix_lists_exactly_the_methods_each_api_route_allows(name):
    assert tuple(sorted(matrix.API[name])) == tuple(sorted(ROUTES[name].methods))


# --- objects in URLs and valid bodies -------------------------------------------------------------

API_OBJECTS = {
    "journey": "journey",
    "stage": "stage",
    "touchpoint": "touchpoint",
    "journey-persona": "persona",
    "journeyinstance": "instance",
    "interaction": "interaction",
    "import": "import_record",
    "health-snapshot": "snapshot",
    "function": "function",
    "person": "person",
    "ownership": "ownership",
    "team-member": "team_membership",
    "responsibility": "responsibility",
    "incentive": "incentive",
    "incentive-review": "incentive_review",
    "incentive-measurement": "measurement",
    "issue": "issue",
    "initiative": "initiative",
    "initiative-update": "initiative_update",
    "comment": "comment",
    "webhook-subscription": "webhook_subscription",
    "webhook-delivery": "webhook_delivery",
}

PAGE_OBJECTS = {
    "owners:person-": "person",
    "owners:measurement-import-": "measurement_import",
    "journeys:import-": "import_record",
    "owners:incentive-": "incentive",
    "owners:review": "incentive",
    "owners:journey-team-": "team_membership",
    "improvements:issue-": "issue",
    "improvements:initiative-": "initiative",
    "improvements:comment-": "comment",
    "webhooks:subscription-": "webhook_subscription",
}


# Pages that read which journey they are about from the query string.
QUERIES = {"improvements:initiative-create": "?journey=onboarding"}


def _url(route: Route, world) -> str:
    kwargs = {}
    for parameter in route.parameters:
        if parameter == "slug":
            kwargs["slug"] = world.function.slug if "function" in route.name else world.journey.slug
        elif parameter in ("template", "key"):
            kwargs[parameter] = "repair"  # a journey template (journeys.map_templates)
        elif parameter == "stage_id":
            kwargs["stage_id"] = world.stage.pk
        elif parameter == "touchpoint_id":
            kwargs["touchpoint_id"] = world.touchpoint.pk
        elif parameter == "persona_id":
            kwargs["persona_id"] = world.persona.pk
        elif parameter == "user_id":
            kwargs["user_id"] = world.login.pk
        elif parameter == "uidb64":
            kwargs["uidb64"] = "MQ"  # a one-time link's parts: any value must be answered, never a 500
        elif parameter == "token":
            kwargs["token"] = "not-a-token"
        elif route.name.startswith("notifications:chat-"):
            kwargs[parameter] = world.chat_webhook.pk
        elif route.name.startswith("notifications:"):
            kwargs[parameter] = world_notification(world).pk
        elif route.is_api:
            basename = route.name.rsplit("-", 1)[0]
            kwargs[parameter] = getattr(world, API_OBJECTS[basename]).pk
        else:
            prefix = next(prefix for prefix in PAGE_OBJECTS if route.name.startswith(prefix))
            kwargs[parameter] = getattr(world, PAGE_OBJECTS[prefix]).pk
    url = reverse(route.name, kwargs=kwargs)
    return url + QUERIES.get(route.name, "")


def _bodies(world) -> dict[tuple[str, str], dict]:
    """Valid bodies for the writes whose permission depends on what the body names (its journey...)."""
    journey = world.journey
    issue_fields = {
        "journey": journey.slug,
        "title": "Welcome call missed",
        "symptom": "Customers call back.",
        "category": "operational_capability",
        "severity": 2,
    }
    webhook_fields = {"name": "Jira bridge", "url": "http://127.0.0.1:9/new", "event_types": ["issue.created"]}
    return {
        ("journey-list", "POST"): {"name": "Renewal", "slug": "renewal"},
        ("journey-copy", "POST"): {"name": "Onboarding again", "slug": "onboarding-again"},
        ("journeys:copy", "POST"): {"name": "Onboarding again", "slug": "onboarding-again"},
        ("journeys:create-from-template", "POST"): {"name": "Repair", "slug": "repair-journey"},
        ("stage-list", "POST"): {"journey": journey.slug, "name": "Farewell"},
        ("stage-reorder", "POST"): {
            "journey": journey.slug,
            "stage_ids": list(journey.stages.order_by("-position").values_list("id", flat=True)),
        },
        ("touchpoint-list", "POST"): {"stage": world.stage.pk, "key": "letter", "name": "Letter", "channel": "mail"},
        ("journey-persona-list", "POST"): {"name": "Busy parent", "segment": "family"},
        ("journey-persona-detail", "PUT"): {"name": "Busy parent", "segment": "family"},
        ("journeys:persona-add", "POST"): {"name": "Busy parent", "segment": "family"},
        ("journeys:persona-edit", "POST"): {"name": "Busy parent", "segment": "family"},
        ("journeyinstance-list", "POST"): {
            "journey": journey.slug,
            "external_id": "inst-new",
            "started_at": "2026-11-01T10:00:00Z",
            "outcome": "in_progress",
        },
        ("interaction-list", "POST"): {
            "instance": world.instance.pk,
            "external_id": "int-new",
            "touchpoint": world.touchpoint.key,
            "occurred_at": world.instance.started_at.isoformat(),
        },
        ("ingest", "POST"): {
            "journey": journey.slug,
            "instances": [{"external_id": "inst-ingested", "started_at": "2026-11-01T10:00:00Z"}],
        },
        ("team-member-list", "POST"): {"journey": journey.slug, "person": world.person.pk, "role": "analyst"},
        ("responsibility-list", "POST"): {
            "touchpoint": world.touchpoint.pk,
            "function": matrix_function_slug(world),
        },
        ("issue-list", "POST"): issue_fields,
        ("incentive-measurement-list", "POST"): {
            "measurements": [{"incentive": world.incentive.pk, "period_end": "2026-10-31", "value": 6.1}]
        },
        ("initiative-list", "POST"): {
            "journey": journey.slug,
            "title": "Call-back promise",
            "hypothesis": "Fewer repeat calls.",
            "target_component": "journey_csat",
            "issues": [world.issue.pk],
        },
        ("initiative-update-list", "POST"): {"initiative": world.initiative.pk, "body": "Started.", "progress": 10},
        ("issue-comments", "POST"): {"body": "Seen it too."},
        ("initiative-comments", "POST"): {"body": "Seen it too."},
        ("comment-detail", "PUT"): {"body": "Edited."},
        ("comment-detail", "PATCH"): {"body": "Edited."},
        ("improvements:issue-comment", "POST"): {"body": "Seen it too."},
        ("improvements:initiative-comment", "POST"): {"body": "Seen it too."},
        ("improvements:comment-edit", "POST"): {"body": "Edited."},
        ("improvements:issue-create", "POST"): {**issue_fields, "journey": journey.pk},
        ("improvements:initiative-create", "POST"): {
            "journey": journey.pk,
            "title": "Call-back promise",
            "hypothesis": "Fewer repeat calls.",
            "target_component": "journey_csat",
        },
        ("improvements:initiative-update-create", "POST"): {"body": "Started.", "progress": 10},
        ("journeys:stage-move", "POST"): {"direction": "down"},
        ("webhook-subscription-list", "POST"): webhook_fields,
        ("webhook-subscription-detail", "PUT"): webhook_fields,
        ("webhook-subscription-detail", "PATCH"): {"name": "Renamed"},
        ("webhooks:subscription-create", "POST"): webhook_fields,
        ("notifications:chat-webhooks", "POST"): {"kind": "teams", "name": "#ops", "url": "http://127.0.0.1:9/ops"},
        ("notifications:chat-webhook-delete", "POST"): {"confirm": "yes"},
        ("journeys:touchpoint-move", "POST"): {"direction": "down"},
    }


def world_notification(world):
    """The notification J's owner got when named owner (each role opening it sees only their own)."""
    from notifications.models import Notification

    return Notification.objects.filter(recipient=world.ownership.person).order_by("pk").first()


def matrix_function_slug(world) -> str:
    """A function not yet responsible for the touchpoint (the world's one already is)."""
    from tests import factories

    return factories.FunctionFactory(name="Billing", slug="billing").slug


def _fingerprint() -> dict:
    """Every row of every table a request could write, so a refused write is seen whatever it changed.

    Read as the database gives the rows back (one plain query a table, many-to-many tables included),
    not as model instances: the matrix takes a fingerprint after each refused write.
    """
    rows = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            if model._meta.app_label in AUDITED_APPS:
                table, key = quote(model._meta.db_table), quote(model._meta.pk.column)
                cursor.execute(f"SELECT * FROM {table} ORDER BY {key}")  # noqa: S608 (our own table names)
                rows[model._meta.label] = cursor.fetchall()
    return rows


# --- the requests ---------------------------------------------------------------------------------


@pytest.fixture
def role_clients(world, viewer_user, integration_user, team_user, owner_user, manager_user, admin_user, token_for):
    """role -> (client for pages, extra headers for the API)."""
    users = {
        matrix.VIEWER: viewer_user,
        matrix.INTEGRATION: integration_user,
        matrix.TEAM: team_user,
        matrix.OWNER: owner_user,
        matrix.MANAGER: manager_user,
        matrix.ADMIN: admin_user,
    }
    clients = {matrix.ANONYMOUS: (Client(), {})}
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        clients[role] = (client, {"HTTP_AUTHORIZATION": f"Token {token_for(user)}"})
    return clients


def _send(route, method, url, role, role_clients, body):
    page_client, api_headers = role_clients[role]
    if route.is_api:
        client, headers = Client(), api_headers  # token auth, as API clients do
        if route.name == "import-list" and method == "POST":
            upload = io.BytesIO(b"journey,instance_external_id\n")
            upload.name = "empty.csv"
            return client.post(url, {"file": upload}, **headers)
        send = getattr(client, method.lower())
        return send(url, body or {}, content_type="application/json", **headers)
    return getattr(page_client, method.lower())(url, body or {})


def _verdict(route, response) -> str:
    status = response.status_code
    location = response.get("Location", "")
    if status == 302 and re.match(r"^/(accounts|admin)/login/\?next=", location):
        return "refused"
    if status in (401, 403):
        return "refused"
    if status == 405:
        return "not allowed"
    if status >= 500 or status == 404:
        return f"broken ({status})"
    return "allowed"


def _check_route(name, allowed_by_method, route, methods, world, role_clients):
    bodies = _bodies(world)
    public = any(matrix.ANONYMOUS in roles for roles in allowed_by_method.values())
    problems = []
    # Each request runs in a savepoint rolled back after it, so every request starts from the database
    # as it is now: one fingerprint of it serves every refused write (a rollback that missed a change
    # shows as a changed database on the next refused write, never as a pass).
    before = None
    for method in methods:
        allowed_roles = allowed_by_method.get(method)
        for role in matrix.ROLES:
            if allowed_roles is None:
                # Pages behind the login send anonymous visitors to it before looking at the method.
                login_first = not route.is_api and not public
                expected = "refused" if role == matrix.ANONYMOUS and login_first else "not allowed"
            else:
                expected = "allowed" if role in allowed_roles else "refused"
            checks_writes = expected != "allowed" and method != "GET"
            if checks_writes and before is None:
                before = _fingerprint()
            savepoint = transaction.savepoint()
            url = _url(route, world)
            response = _send(route, method, url, role, role_clients, bodies.get((name, method)))
            got = _verdict(route, response)
            if got != expected:
                problems.append(f"{method} {url} as {role}: expected {expected}, got {got} ({response.status_code})")
            elif checks_writes and _fingerprint() != before:
                problems.append(f"{method} {url} as {role}: refused, but the database changed")
            transaction.savepoint_rollback(savepoint)
    return problems


@pytest.mark.parametrize("name", sorted(matrix.PAGES))
def test_every_role_gets_the_expected_answer_from_each_page(name, world, role_clients):
    route = ROUTES[name]

    problems = _check_route(name, matrix.PAGES[name], route, CHECKED_PAGE_METHODS, world, role_clients)

    assert problems == []


@pytest.mark.parametrize("name", sorted(matrix.ADMIN_PAGES))
def test_only_admins_reach_the_django_admin(name, world, role_clients):
    route = ROUTES[name]

    problems = _check_route(name, matrix.ADMIN_PAGES[name], route, ("GET",), world, role_clients)

    assert problems == []


@pytest.mark.parametrize("name", sorted(matrix.API))
def test_every_role_gets_the_expected_answer_from_each_api_endpoint(name, world, role_clients):
    route = ROUTES[name]

    problems = _check_route(name, matrix.API[name], route, route.methods, world, role_clients)

    assert problems == []


def test_a_refused_write_is_reported_as_a_changed_database_when_it_writes(world):
    # the fingerprint sees an update that changes no row count
    before = _fingerprint()
    type(world.issue).objects.filter(pk=world.issue.pk).update(title="Changed behind the scenes")

    assert _fingerprint() != before


def test_a_refused_write_is_reported_as_a_changed_database_when_it_links_two_rows(world):
    # and a new row of a many-to-many table (an initiative addressing an issue) counts too
    before = _fingerprint()
    world.initiative.issues.add(world.issue)

    assert _fingerprint() != before


def test_url_parameters_are_filled_for_every_route(world):
    for route in ROUTES.values():
        if route.name in ADMIN_ROUTES:
            continue
        assert re.search(r"[<>(]", _url(route, world)) is None, route.name


# --- deny before validate ------------------------------------------------------------------------------


def _invalid_bodies(world) -> dict[str, dict]:
    """Bodies that name J (so the permission can be checked) but fail validation after that: a duplicate
    or an empty required value. A refused role must learn nothing from them ("already on the team")."""
    journey = world.journey
    return {
        "stage-list": {"journey": journey.slug, "name": ""},
        "touchpoint-list": {"stage": world.stage.pk, "key": world.touchpoint.key, "name": "Again", "channel": "mail"},
        "journeyinstance-list": {"journey": journey.slug, "external_id": world.instance.external_id},
        "interaction-list": {"instance": world.instance.pk, "external_id": world.interaction.external_id},
        "team-member-list": {"journey": journey.slug, "person": world.team_membership.person_id, "role": "again"},
        "responsibility-list": {"touchpoint": world.touchpoint.pk, "function": world.function.slug},
        "issue-list": {"journey": journey.slug, "title": ""},
        "initiative-list": {"journey": journey.slug, "title": ""},
    }


DENY_BEFORE_VALIDATE = [
    "stage-list",
    "touchpoint-list",
    "journeyinstance-list",
    "interaction-list",
    "team-member-list",
    "responsibility-list",
    "issue-list",
    "initiative-list",
]


@pytest.mark.parametrize("name", DENY_BEFORE_VALIDATE)
def test_a_refused_role_is_refused_before_its_body_is_validated(name, world, role_clients):
    route = ROUTES[name]
    body = _invalid_bodies(world)[name]
    answers = {}
    for role in matrix.ROLES:
        _page_client, headers = role_clients[role]
        answers[role] = Client().post(_url(route, world), body, content_type="application/json", **headers).status_code

    allowed = matrix.API[name]["POST"]
    assert {role: status for role, status in answers.items() if role not in allowed} == {
        role: 401 if role == matrix.ANONYMOUS else 403 for role in matrix.ROLES if role not in allowed
    }
    # and the body really is invalid: those allowed get its 400
    assert {answers[role] for role in allowed} == {400}
