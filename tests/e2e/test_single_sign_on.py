"""Logging in with the organisation's identity provider: a real OpenID Connect provider
(django-oauth-toolkit, in its own process) and Throughline's live server, driven through Chromium."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from accounts import services
from core.rules import MANAGERS_GROUP
from owners.models import Person
from tests import factories
from tests.oidc_provider.server import PEOPLE, OIDCProvider

pytestmark = pytest.mark.django_db(transaction=True)
User = get_user_model()
ADA, BEN = PEOPLE


@pytest.fixture(scope="module")
def provider(live_server):
    with OIDCProvider(redirect_uri=f"{live_server.url}/accounts/sso/callback/") as running:
        yield running


@pytest.fixture
def sso_on(settings, provider):
    for name, value in provider.client_settings().items():
        setattr(settings, name, value)
    return provider


def sign_on(page, person):
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Log in with Example IdP").click()
    page.get_by_label("Provider username").fill(person.username)
    page.get_by_label("Provider password").fill(person.password)
    page.get_by_role("button", name="Sign in to the provider").click()
    page.wait_for_load_state("networkidle")


def test_a_person_already_in_people_signs_on_and_becomes_a_manager_by_the_providers_group(page, sso_on, live_server):
    # given Ada in People (her e-mail in other letter case) with no login yet
    ada = factories.PersonFactory(name="Ada Lovelace", email="ada.lovelace@example.org", title="Head of Onboarding")

    # when she logs in with the organisation's provider
    sign_on(page, ADA)

    # then she is on the portfolio, logged in as a manager, and her person has her login
    assert page.url == f"{live_server.url}/"
    expect(page.locator(".account .badge", has_text="manager")).to_be_visible()
    ada.refresh_from_db()
    assert ada.user is not None
    assert ada.user.groups.filter(name=MANAGERS_GROUP).exists()
    assert not ada.user.has_usable_password()
    # and her profile shows the details People held
    page.get_by_role("link", name="Profile").click()
    expect(page.locator("#id_name")).to_have_value("Ada Lovelace")
    expect(page.locator("#id_title")).to_have_value("Head of Onboarding")
    assert page.problems == []


def test_a_newcomer_gets_a_person_and_a_deactivated_login_is_turned_away(page, sso_on, live_server):
    # given nobody with Ben's e-mail, and a manager who was named in Throughline
    factories.ManagerUserFactory(username="boss")

    # when Ben logs in with the provider
    sign_on(page, BEN)

    # then a person named from the provider's claims holds his new login, which is no manager's
    ben = Person.objects.select_related("user").get(email__iexact=BEN.email)
    assert ben.name == "Ben Okafor"
    assert page.url == f"{live_server.url}/"
    expect(page.locator(".account .badge", has_text="manager")).not_to_be_visible()

    # when a manager deactivates his login
    services.login_deactivate(user=ben.user, by=User.objects.get(username="boss"))
    page.goto("/")
    # then his session is over, and signing on again does not let him in
    assert "/accounts/login/" in page.url
    page.get_by_role("link", name="Log in with Example IdP").click()
    page.wait_for_load_state("networkidle")
    assert "/accounts/login/" in page.url
    expect(page.get_by_text("Single sign-on did not log you in")).to_be_visible()
    assert page.problems == []


def test_the_login_page_has_no_single_sign_on_button_when_it_is_off(page, settings):
    settings.OIDC_ENABLED = False

    page.goto("/accounts/login/")

    expect(page.get_by_role("link", name="Forgot your password?")).to_be_visible()
    expect(page.get_by_role("link", name="Log in with")).to_have_count(0)
