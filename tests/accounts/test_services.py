"""Invitations, deactivation, API tokens and the mapping of single sign-on claims to logins and people."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from rest_framework.authtoken.models import Token

from accounts import services
from accounts.models import Invitation
from accounts.tokens import invitation_token
from core.errors import ApplicationError
from core.rules import MANAGERS_GROUP
from owners.models import Person
from tests import factories

pytestmark = pytest.mark.django_db
User = get_user_model()
SITE = "http://throughline.example/"


def _link(message) -> str:
    return re.search(r"http://throughline\.example(/accounts/invitation/\S+/)", message.body).group(1)


# --- invitations -------------------------------------------------------------------------------


def test_inviting_a_new_address_adds_the_person_and_mails_a_one_time_link(manager_user, mailoutbox):
    # when a manager invites someone nobody knows yet
    invitation = services.login_invite(
        name="Grace Hopper", email="Grace@Example.org", invited_by=manager_user, site_url=SITE, title="Analyst"
    )

    # then a person holds a login without a password, and the e-mail carries a working link
    person = Person.objects.get(email="Grace@example.org")
    assert person.name == "Grace Hopper"
    assert person.title == "Analyst"
    assert person.user == invitation.user
    assert invitation.user.username == "grace@example.org"
    assert not invitation.user.has_usable_password()
    assert invitation.invited_by == manager_user
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["Grace@example.org"]
    assert "Manager Person invited you" in mailoutbox[0].body
    uidb64, token = _link(mailoutbox[0]).split("/")[3:5]
    assert invitation_token.check_token(invitation.user, token)


def test_inviting_someone_already_in_people_links_that_person(manager_user, mailoutbox):
    person = factories.PersonFactory(name="Linus", email="linus@example.org")

    invitation = services.login_invite(
        name="ignored", email="LINUS@example.org", invited_by=manager_user, site_url=SITE
    )

    person.refresh_from_db()
    assert person.user == invitation.user
    assert person.name == "Linus"
    assert Person.objects.filter(email__iexact="linus@example.org").count() == 1


def test_a_person_with_a_login_is_not_invited_twice_and_nothing_changes(manager_user, viewer_user, mailoutbox):
    email = viewer_user.person.email
    users_before = User.objects.count()

    with pytest.raises(ApplicationError, match="already has a login"):
        services.login_invite(name="Again", email=email, invited_by=manager_user, site_url=SITE)

    assert User.objects.count() == users_before
    assert Invitation.objects.count() == 0
    assert mailoutbox == []


def test_an_invitation_that_cannot_be_mailed_leaves_no_login_behind(manager_user, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens there

    with pytest.raises(ApplicationError, match="could not be sent"):
        services.login_invite(name="Nobody", email="nobody@example.org", invited_by=manager_user, site_url=SITE)

    assert not User.objects.filter(email="nobody@example.org").exists()
    assert not Person.objects.filter(email="nobody@example.org").exists()
    assert Invitation.objects.count() == 0


def test_accepting_sets_the_password_and_the_link_works_only_once(manager_user, mailoutbox):
    invitation = services.login_invite(name="Ann", email="ann@example.org", invited_by=manager_user, site_url=SITE)
    token = _link(mailoutbox[0]).split("/")[4]

    services.invitation_accept(user=invitation.user, password="a-long-new-passphrase")

    invitation.refresh_from_db()
    invitation.user.refresh_from_db()
    assert invitation.accepted_at is not None
    assert invitation.user.check_password("a-long-new-passphrase")
    assert not invitation_token.check_token(invitation.user, token)


def test_an_invitation_link_is_not_a_password_reset_link(manager_user):
    from django.contrib.auth.tokens import default_token_generator

    user = factories.UserFactory(username="someone")

    assert not default_token_generator.check_token(user, invitation_token.make_token(user))
    assert not invitation_token.check_token(user, default_token_generator.make_token(user))


def test_the_invitation_is_sent_again_only_to_someone_who_has_not_joined(manager_user, viewer_user, mailoutbox):
    invitation = services.login_invite(name="Bo", email="bo@example.org", invited_by=manager_user, site_url=SITE)

    services.invitation_resend(user=invitation.user, invited_by=manager_user, site_url=SITE)
    with pytest.raises(ApplicationError, match="already set a password"):
        services.invitation_resend(user=viewer_user, invited_by=manager_user, site_url=SITE)

    assert len(mailoutbox) == 2
    assert Invitation.objects.filter(user=invitation.user).count() == 2
    assert not Invitation.objects.filter(user=viewer_user).exists()


# --- deactivation ------------------------------------------------------------------------------


def test_deactivating_a_login_ends_its_api_token(manager_user, viewer_user):
    Token.objects.create(user=viewer_user)

    services.login_deactivate(user=viewer_user, by=manager_user)

    viewer_user.refresh_from_db()
    assert not viewer_user.is_active
    assert not Token.objects.filter(user=viewer_user).exists()
    services.login_reactivate(user=viewer_user)
    viewer_user.refresh_from_db()
    assert viewer_user.is_active


def test_nobody_deactivates_their_own_login_and_a_manager_not_an_administrators(manager_user, admin_user):
    with pytest.raises(ApplicationError, match="your own login"):
        services.login_deactivate(user=manager_user, by=manager_user)
    with pytest.raises(ApplicationError, match="Only an administrator"):
        services.login_deactivate(user=admin_user, by=manager_user)

    assert User.objects.filter(pk__in=[manager_user.pk, admin_user.pk], is_active=True).count() == 2


# --- API tokens --------------------------------------------------------------------------------


def test_rotating_the_token_replaces_the_old_one(viewer_user):
    first = services.api_token_rotate(user=viewer_user)
    second = services.api_token_rotate(user=viewer_user)

    assert first != second
    assert list(Token.objects.filter(user=viewer_user).values_list("key", flat=True)) == [second]
    services.api_token_revoke(user=viewer_user)
    assert not Token.objects.filter(user=viewer_user).exists()


# --- single sign-on claims ---------------------------------------------------------------------


@pytest.fixture
def sso_settings(settings):
    settings.OIDC_MANAGER_CLAIM = "groups"
    settings.OIDC_MANAGER_VALUE = "throughline-managers"
    settings.OIDC_CREATE_USER = True
    return settings


def test_claims_of_a_known_login_find_it_by_email_in_any_case(sso_settings, viewer_user):
    claims = {"email": viewer_user.email.upper(), "email_verified": True, "groups": []}

    assert services.sso_user_for_claims(claims=claims) == viewer_user


def test_claims_match_the_login_of_the_person_with_that_email(sso_settings, viewer_user):
    viewer_user.email = "old-address@example.org"
    viewer_user.save()

    claims = {"email": viewer_user.person.email, "groups": []}

    assert services.sso_user_for_claims(claims=claims) == viewer_user


def test_claims_of_a_person_without_login_give_them_one(sso_settings):
    person = factories.PersonFactory(name="Kay", email="kay@example.org")

    user = services.sso_user_for_claims(claims={"email": "KAY@example.org", "name": "K. Other", "groups": []})

    person.refresh_from_db()
    assert person.user == user
    assert person.name == "Kay"  # People keeps its name; the claims do not overwrite it
    assert not user.has_usable_password()


def test_claims_of_a_stranger_create_a_person_named_from_the_claims(sso_settings):
    user = services.sso_user_for_claims(
        claims={"email": "new@example.org", "given_name": "Nora", "family_name": "Field", "groups": "staff"}
    )

    assert user.person.name == "Nora Field"
    assert user.get_full_name() == "Nora Field"
    assert not user.groups.exists()


def test_a_stranger_is_refused_when_creating_logins_is_off(sso_settings):
    sso_settings.OIDC_CREATE_USER = False

    assert services.sso_user_for_claims(claims={"email": "new@example.org"}) is None
    assert not User.objects.filter(email="new@example.org").exists()
    assert not Person.objects.filter(email="new@example.org").exists()


@pytest.mark.parametrize(
    ("groups", "is_manager"),
    [
        (["staff", "throughline-managers"], True),
        ("staff throughline-managers", True),
        ("throughline-managers,staff", True),
        (["staff"], False),
        (None, False),
        (["throughline-managers-old"], False),
    ],
)
def test_the_managers_group_follows_the_configured_claim(sso_settings, manager_user, groups, is_manager):
    claims = {"email": manager_user.email} if groups is None else {"email": manager_user.email, "groups": groups}

    user = services.sso_user_for_claims(claims=claims)

    assert user.groups.filter(name=MANAGERS_GROUP).exists() is is_manager


def test_a_claim_of_another_name_and_value_can_make_managers(sso_settings, viewer_user):
    sso_settings.OIDC_MANAGER_CLAIM = "roles"
    sso_settings.OIDC_MANAGER_VALUE = "journey-manager"

    user = services.sso_user_for_claims(claims={"email": viewer_user.email, "roles": ["journey-manager"]})

    assert user.groups.filter(name=MANAGERS_GROUP).exists()


def test_without_a_manager_claim_throughline_keeps_its_own_managers(sso_settings, manager_user):
    sso_settings.OIDC_MANAGER_CLAIM = ""

    services.sso_user_for_claims(claims={"email": manager_user.email, "groups": []})

    assert manager_user.groups.filter(name=MANAGERS_GROUP).exists()
    assert Group.objects.filter(name=MANAGERS_GROUP).count() == 1


@pytest.mark.parametrize("claims", [{}, {"email": ""}, {"email": "kay@example.org", "email_verified": False}])
def test_claims_without_a_verified_email_log_nobody_in(sso_settings, claims):
    factories.PersonFactory(email="kay@example.org")

    assert services.sso_user_for_claims(claims=claims) is None
    assert not User.objects.exists()


def test_an_email_shared_by_two_logins_logs_nobody_in(sso_settings):
    one = factories.UserFactory(username="one", email="shared@example.org")
    other = factories.UserFactory(username="other", email="other@example.org")
    factories.PersonFactory(user=other, email="SHARED@example.org")

    assert services.sso_user_for_claims(claims={"email": "shared@example.org"}) is None
    assert User.objects.filter(pk__in=[one.pk, other.pk]).count() == User.objects.count() == 2


def test_a_deactivated_login_keeps_its_groups_and_is_returned_inactive(sso_settings, viewer_user, manager_user):
    services.login_deactivate(user=viewer_user, by=manager_user)

    user = services.sso_user_for_claims(claims={"email": viewer_user.email, "groups": ["throughline-managers"]})

    # the callback refuses an inactive login; it does not become a manager on the way
    assert user == viewer_user
    assert not user.is_active
    assert not user.groups.filter(name=MANAGERS_GROUP).exists()
