"""SQL queries per request of every API list endpoint and main page, at page sizes 10 and 200.

Django's test client inside the benchmark process, on the reference data; a count that grows with
the page size is an N+1.
"""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve

from .report import Figure, unavailable

SECTION = "queries"
PAGE_SIZES = (10, 200)
PAGES = [
    "/",
    "/journeys/",
    "/journeys/{slug}/",
    "/issues/",
    "/initiatives/",
    "/initiatives/ranked/",
    "/imports/",
    "/people/",
    "/functions/",
    "/incentives/",
    "/incentives/list/",
    "/incentives/reviews/",
    "/ownerships/",
    "/team-members/",
    "/responsibilities/",
    "/gaps/",
]
EXPECTED_API = ["journeys", "instances", "issues", "health-snapshots"]


def _user():
    """A manager: the role that sees the most on every page (controls, gaps, every journey)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user, _ = get_user_model().objects.get_or_create(username="bench-manager", defaults={"email": "m@example.com"})
    group, _ = Group.objects.get_or_create(name="Managers")
    user.groups.add(group)
    return user


def _count(client: Client, path: str, page_size: int, **headers) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, {"page_size": page_size}, **headers)
    return response.status_code, len(queries)


def _api_paths() -> list[tuple[str, str]]:
    from config.api_router import router

    return [(prefix, f"/api/v1/{prefix}/") for prefix, _viewset, _basename in router.registry]


def _resolves(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def measure() -> list[Figure]:
    from rest_framework.authtoken.models import Token

    from journeys.models import Journey

    user = _user()
    token, _ = Token.objects.get_or_create(user=user)
    api_client, page_client = Client(raise_request_exception=False), Client(raise_request_exception=False)
    page_client.force_login(user)
    slug = Journey.objects.order_by("pk").values_list("slug", flat=True).first()
    figures = []

    def add(kind: str, path: str, client: Client, **headers):
        results = [_count(client, path, size, **headers) for size in PAGE_SIZES]
        statuses = {status for status, _ in results}
        counts = [count for _, count in results]
        # No query per row: a page of 200 costs no more queries than a page of 10. It may cost fewer:
        # a page holding the last row knows the count without a COUNT(*) (core.pagination).
        constant = counts[1] <= counts[0]
        figures.append(
            Figure(
                SECTION,
                f"{kind} {path} at page_size {PAGE_SIZES[0]} / {PAGE_SIZES[1]}",
                " / ".join(str(count) for count in counts),
                "queries",
                beside="" if statuses == {200} else f"HTTP {', '.join(str(status) for status in sorted(statuses))}",
                target="no more at 200",
                ok=constant and statuses == {200},
                details={"counts": dict(zip(PAGE_SIZES, counts, strict=True)), "statuses": sorted(statuses)},
            )
        )

    api_paths = _api_paths()
    registered = {prefix for prefix, _ in api_paths}
    for _prefix, path in api_paths:
        add("API", path, api_client, HTTP_AUTHORIZATION=f"Token {token.key}")
    figures.extend(unavailable(SECTION, f"API list /api/v1/{name}/") for name in EXPECTED_API if name not in registered)
    for template in PAGES:
        path = template.format(slug=slug)
        if _resolves(path):
            add("page", path, page_client)
        else:
            figures.append(unavailable(SECTION, f"page {template}"))
    return figures
