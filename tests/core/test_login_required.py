"""Every page but the login page, the health check and the ways into a login (invitation, password reset,
single sign-on) asks for a login; the API answers 401/403."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

PUBLIC = {
    "/accounts/login/",
    "/healthz",
    "/accounts/invitation/sample/sample/",
    "/accounts/password-reset/",
    "/accounts/password-reset/sent/",
    "/accounts/password-reset/sample/sample/",
    "/accounts/password-reset/complete/",
}
# Public too, but they answer with a redirect: to the provider, or back to the login page.
SINGLE_SIGN_ON = {"/accounts/sso/login/", "/accounts/sso/callback/"}
SAMPLE_ARGUMENTS = {
    "int": "1",
    "slug": "sample",
    "str": "sample",
    "path": "sample",
    "uuid": "00000000-0000-0000-0000-000000000000",
}


def _page_paths(patterns=None, prefix=""):
    """Every concrete page path of the URL conf, with sample values for its parameters."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        route = str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _page_paths(pattern.url_patterns, prefix + route)
        elif isinstance(pattern, URLPattern):
            full = prefix + route
            if full.startswith(("admin/", "api/")) or route.startswith("^"):
                continue
            yield "/" + re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE_ARGUMENTS[m.group(1) or "str"], full)


PAGES = sorted(set(_page_paths()))


def test_the_url_conf_has_pages_to_check():
    assert "/" in PAGES
    assert "/accounts/logout/" in PAGES


@pytest.mark.parametrize("path", [p for p in PAGES if p not in PUBLIC | SINGLE_SIGN_ON])
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("path", sorted(PUBLIC))
def test_public_pages_answer_without_a_login(client, path):
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("path", sorted(SINGLE_SIGN_ON))
def test_single_sign_on_pages_do_not_ask_for_a_login_first(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"


def test_the_api_refuses_anonymous_requests_without_redirecting(client):
    response = client.get("/api/v1/")

    assert response.status_code in (401, 403)


def test_a_logged_in_user_sees_the_portfolio_with_journeys_and_owners(client, owner_user, journey):
    client.force_login(owner_user)

    response = client.get("/")

    assert response.status_code == 200
    assert "Journey portfolio" in response.text
    assert "Onboarding" in response.text
    assert "Owner Person" in response.text


def test_a_journey_without_an_owner_says_so_on_the_portfolio(client, viewer_user, journey):
    client.force_login(viewer_user)

    response = client.get("/")

    assert "No owner" in response.text
