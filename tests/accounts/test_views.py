"""The accounts pages through Django's test client: invitations, logins, password reset, the profile."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts import services
from accounts.models import Invitation
from accounts.oidc import OrganisationOIDCBackend
from owners.models import Person
from tests import factories

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def manager_client(manager_user):
    client = Client()
    client.force_login(manager_user)
    return client


@pytest.fixture
def viewer_client(viewer_user):
    client = Client()
    client.force_login(viewer_user)
    return client


def _path_in(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


# --- invitations -------------------------------------------------------------------------------


def test_a_manager_invites_and_the_invited_person_chooses_a_password_and_logs_in(manager_client, mailoutbox):
    # when a manager fills the invitation form
    response = manager_client.post(
        "/accounts/logins/invite/", {"name": "Grace Hopper", "email": "grace@example.org", "title": "Analyst"}
    )
    # then the logins page says so and an e-mail has the link
    assert response.status_code == 302
    assert "An invitation was sent to grace@example.org" in manager_client.get(response["Location"]).text
    link = _path_in(mailoutbox[0])
    assert link.startswith("/accounts/invitation/")

    # when Grace opens the link and chooses a password
    grace = Client()
    page = grace.get(link)
    assert "Choose the password for your Throughline login" in page.text
    answer = grace.post(link, {"new_password1": "journeys-not-moments", "new_password2": "journeys-not-moments"})
    assert answer.status_code == 302
    # then she logs in with it, and the link no longer works
    assert (
        grace.post("/accounts/login/", {"username": "grace@example.org", "password": "journeys-not-moments"})[
            "Location"
        ]
        == "/"
    )
    assert "This invitation link no longer works" in Client().get(link).text
    assert Invitation.objects.get().accepted_at is not None


def test_a_weak_password_is_refused_on_the_invitation_page_and_nothing_changes(manager_user, mailoutbox):
    services.login_invite(name="Ann", email="ann@example.org", invited_by=manager_user, site_url="http://testserver/")
    link = _path_in(mailoutbox[0])

    response = Client().post(link, {"new_password1": "12345678", "new_password2": "12345678"})

    assert response.status_code == 400
    assert "This password is too common" in response.text
    assert not User.objects.get(email="ann@example.org").has_usable_password()


@pytest.mark.parametrize("link", ["/accounts/invitation/MQ/abc-123/", "/accounts/invitation/!!!/x/"])
def test_a_forged_invitation_link_explains_itself(link, manager_user):
    response = Client().get(link)

    assert response.status_code == 200
    assert "This invitation link no longer works" in response.text


def test_the_invitation_form_shows_why_it_refused(manager_client, viewer_user, mailoutbox):
    response = manager_client.post("/accounts/logins/invite/", {"name": "V", "email": viewer_user.person.email})

    assert response.status_code == 400
    assert "already has a login" in response.text
    assert mailoutbox == []

    response = manager_client.post("/accounts/logins/invite/", {"name": "", "email": "not-an-address"})
    assert response.status_code == 400
    assert "Enter a valid email address." in response.text


def test_people_who_are_not_managers_cannot_invite(viewer_client, mailoutbox):
    response = viewer_client.post("/accounts/logins/invite/", {"name": "X", "email": "x@example.org"})

    assert response.status_code == 403
    assert not Person.objects.filter(email="x@example.org").exists()
    assert mailoutbox == []


# --- the logins page ---------------------------------------------------------------------------


def test_the_logins_page_shows_who_has_never_logged_in(manager_client, manager_user, viewer_user):
    # given one login that logged in and one invited person who never did
    User.objects.filter(pk=viewer_user.pk).update(last_login=timezone.now())
    services.login_invite(name="Ann", email="ann@example.org", invited_by=manager_user, site_url="http://t/")

    never = manager_client.get("/accounts/logins/?state=never").text
    invited = manager_client.get("/accounts/logins/?state=invited").text

    assert "ann@example.org" in never
    assert "viewer@example.com" not in never
    assert "Invited, not joined yet" in invited
    assert "Send the invitation again" in invited


def test_the_logins_page_costs_the_same_queries_for_many_logins(
    manager_client, manager_user, django_assert_max_num_queries
):
    for number in range(3):
        services.login_invite(
            name=f"P{number}", email=f"p{number}@example.org", invited_by=manager_user, site_url="http://t/"
        )
    with django_assert_max_num_queries(12) as few:
        manager_client.get("/accounts/logins/")
    for number in range(3, 30):
        services.login_invite(
            name=f"P{number}", email=f"p{number}@example.org", invited_by=manager_user, site_url="http://t/"
        )

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = manager_client.get("/accounts/logins/")

    assert response.text.count("Send the invitation again") == 30


def test_deactivating_ends_the_logins_session_and_reactivating_lets_them_back(manager_client, viewer_user):
    viewer = Client()
    viewer.force_login(viewer_user)
    assert viewer.get("/").status_code == 200

    assert manager_client.post(f"/accounts/logins/{viewer_user.pk}/deactivate/").status_code == 302

    assert viewer.get("/")["Location"].startswith("/accounts/login/")
    assert Client().post("/accounts/login/", {"username": "viewer", "password": "password"}).status_code == 200
    manager_client.post(f"/accounts/logins/{viewer_user.pk}/reactivate/")
    assert Client().post("/accounts/login/", {"username": "viewer", "password": "password"}).status_code == 302


def test_a_refused_deactivation_is_explained_on_the_logins_page(manager_client, manager_user):
    response = manager_client.post(f"/accounts/logins/{manager_user.pk}/deactivate/", follow=True)

    assert "You cannot deactivate your own login." in response.text
    manager_user.refresh_from_db()
    assert manager_user.is_active


def test_a_single_sign_on_session_of_a_deactivated_login_ends_too(viewer_user, manager_user):
    backend = OrganisationOIDCBackend.__new__(OrganisationOIDCBackend)  # no provider needed to look a user up
    backend.UserModel = User
    assert backend.get_user(viewer_user.pk) == viewer_user

    services.login_deactivate(user=viewer_user, by=manager_user)

    assert backend.get_user(viewer_user.pk) is None


# --- password reset ----------------------------------------------------------------------------


def test_a_forgotten_password_is_reset_through_the_emailed_link(viewer_user, mailoutbox):
    client = Client()
    response = client.post("/accounts/password-reset/", {"email": viewer_user.email.upper()})
    assert response["Location"] == "/accounts/password-reset/sent/"
    assert mailoutbox[0].subject == "[Throughline] Reset your password"
    link = _path_in(mailoutbox[0])

    form = client.get(link, follow=True)
    assert "Choose a new password" in form.text
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": "a-better-passphrase", "new_password2": "a-better-passphrase"}
    )

    assert done["Location"] == "/accounts/password-reset/complete/"
    viewer_user.refresh_from_db()
    assert viewer_user.check_password("a-better-passphrase")
    assert "This link no longer works" in Client().get(link, follow=True).text


def test_asking_a_reset_for_an_unknown_address_says_the_same_and_sends_nothing(mailoutbox):
    response = Client().post("/accounts/password-reset/", {"email": "nobody@example.org"})

    assert response["Location"] == "/accounts/password-reset/sent/"
    assert mailoutbox == []


# --- the profile -------------------------------------------------------------------------------


def test_a_person_edits_their_own_name_title_and_function(viewer_client, viewer_user):
    function = factories.FunctionFactory(name="Billing", slug="billing")

    response = viewer_client.post(
        "/accounts/profile/", {"name": "Vera V.", "title": "Analyst", "function": function.pk}
    )

    assert response.status_code == 302
    person = Person.objects.get(user=viewer_user)
    assert (person.name, person.title, person.function) == ("Vera V.", "Analyst", function)


def test_a_blank_name_is_refused_and_nothing_changes(viewer_client, viewer_user):
    response = viewer_client.post("/accounts/profile/", {"name": "", "title": "Analyst"})

    assert response.status_code == 400
    assert "This field is required." in response.text
    assert Person.objects.get(user=viewer_user).name == "Viewer Person"


def test_the_profile_has_the_notifications_section_filled_by_the_notifications_app(viewer_client):
    response = viewer_client.get("/accounts/profile/")

    assert "Notifications" in response.text
    assert "does not send notifications yet" not in response.text  # the placeholder was replaced
    assert 'id="section-notifications"' in response.text


def test_the_api_token_is_shown_once_and_a_new_one_replaces_it(viewer_client, viewer_user):
    created = viewer_client.post("/accounts/profile/token/", follow=True)
    key = Token.objects.get(user=viewer_user).key
    assert key in created.text

    again = viewer_client.get("/accounts/profile/")
    assert key not in again.text
    assert "You have an API token, created on" in again.text
    assert Client().get("/api/v1/journeys/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200

    replaced = viewer_client.post("/accounts/profile/token/", follow=True)
    new_key = Token.objects.get(user=viewer_user).key
    assert new_key != key
    assert new_key in replaced.text
    assert Client().get("/api/v1/journeys/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401


def test_a_login_without_a_person_sees_why_and_can_still_have_a_token(admin_user):
    client = Client()
    client.force_login(admin_user)

    page = client.get("/accounts/profile/")
    refused = client.post("/accounts/profile/", {"name": "Root"}, follow=True)

    assert "not linked to a person yet" in page.text
    assert "not linked to a person yet" in refused.text
    assert not Person.objects.filter(name="Root").exists()
    assert client.post("/accounts/profile/token/")["Location"] == "/accounts/profile/"


# --- single sign-on pages with single sign-on off ---------------------------------------------


@pytest.mark.parametrize("path", ["/accounts/sso/login/", "/accounts/sso/callback/?code=x&state=y"])
def test_the_single_sign_on_pages_send_back_to_the_login_page_when_it_is_off(path, settings):
    settings.OIDC_ENABLED = False

    response = Client().get(path, follow=True)

    assert response.redirect_chain[-1][0] == "/accounts/login/"
    assert "Single sign-on is not set up here" in response.text
    assert "Log in with" not in response.text


def test_deleting_the_api_token_asks_first_and_deletes_only_once_confirmed(viewer_client, viewer_user):
    # given
    viewer_client.post("/accounts/profile/token/")

    # when the delete button is pressed once
    asked = viewer_client.post("/accounts/profile/token/revoke/")

    # then the confirmation step says what will stop working, and the token is kept
    assert asked.status_code == 200
    assert "Programs and integrations that use it can no longer connect" in asked.content.decode()
    assert 'name="confirm" value="yes"' in asked.content.decode()
    assert Token.objects.filter(user=viewer_user).exists()

    # when confirmed
    done = viewer_client.post("/accounts/profile/token/revoke/", {"confirm": "yes"})

    # then
    assert done["Location"] == "/accounts/profile/"
    assert not Token.objects.filter(user=viewer_user).exists()
