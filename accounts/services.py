"""Writes of the accounts app: invitations, deactivation, API tokens, the profile, single sign-on logins."""

import logging
import smtplib
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from core.errors import ApplicationError
from core.rules import MANAGERS_GROUP
from owners import services as owners_services
from owners.models import Function, Person

from .models import Invitation
from .tokens import invitation_token, user_reference

logger = logging.getLogger(__name__)
User = get_user_model()

ALREADY_HAS_LOGIN = "{person} already has a login ({username})."
OWN_LOGIN = "You cannot deactivate your own login."
ADMIN_LOGIN = "Only an administrator can deactivate an administrator's login."
ALREADY_JOINED = "{user} has already set a password; they can reset it from the login page if they forgot it."
NOT_SENT = "The e-mail could not be sent ({error}); nothing was changed. Try again later or check EMAIL_URL."


# --- invitations -------------------------------------------------------------------------------


def _free_username(email: str) -> str:
    """The e-mail address as the username (what people type at the login page), made unique if taken."""
    base = email.lower()[:140]
    username, number = base, 1
    while User.objects.filter(username__iexact=username).exists():
        number += 1
        username = f"{base}-{number}"
    return username


def _send(*, subject: str, body: str, to: str) -> None:
    try:
        send_mail(subject=subject, message=body, from_email=None, recipient_list=[to], fail_silently=False)
    except (smtplib.SMTPException, OSError) as error:
        # Raised inside the caller's transaction: the login and the invitation row are rolled back.
        logger.warning("accounts: e-mail to %s not sent: %s", to, error)
        raise ApplicationError(NOT_SENT.format(error=error.__class__.__name__)) from error


def _invitation_link(user, site_url: str) -> str:
    path = reverse(
        "accounts:invitation-accept",
        kwargs={"uidb64": user_reference(user), "token": invitation_token.make_token(user)},
    )
    return site_url.rstrip("/") + path


def _send_invitation(*, user, person: Person, invited_by, site_url: str) -> Invitation:
    invitation = Invitation.objects.create(user=user, invited_by=invited_by)
    days = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
    inviter = getattr(getattr(invited_by, "person", None), "name", None) or invited_by.get_username()
    _send(
        subject="[Throughline] You are invited to Throughline",
        body=(
            f"Hello {person.name},\n\n"
            f"{inviter} invited you to Throughline, where your organisation runs its customer journeys.\n\n"
            f"Choose your password here (the link works once, for {days} days):\n"
            f"{_invitation_link(user, site_url)}\n\n"
            f"Your username is {user.get_username()}.\n"
        ),
        to=user.email,
    )
    return invitation


@transaction.atomic
def login_invite(*, name: str, email: str, invited_by, site_url: str, title: str = "", function=None) -> Invitation:
    """Give a person a login and e-mail them a one-time link to choose its password.

    The person is matched by e-mail (any case) or created; a person who already has a login is refused.
    """
    email = User.objects.normalize_email(email.strip())
    person = Person.objects.select_for_update().filter(email__iexact=email).first()
    if person is None:
        person = owners_services.person_create(name=name.strip(), email=email, title=title, function=function)
    elif person.user_id is not None:
        raise ApplicationError(
            ALREADY_HAS_LOGIN.format(person=person.name, username=person.user.get_username()), field="email"
        )
    # The header greets a login by its full name: the person's name is the whole of it.
    user = User(username=_free_username(email), email=email, first_name=person.name[:150])
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    owners_services.person_update(person=person, user=user)
    return _send_invitation(user=user, person=person, invited_by=invited_by, site_url=site_url)


@transaction.atomic
def invitation_resend(*, user, invited_by, site_url: str) -> Invitation:
    """A new one-time link for someone who has not chosen a password yet (the old link keeps working
    until it expires: both are tokens of the same unchanged password)."""
    if user.has_usable_password():
        raise ApplicationError(ALREADY_JOINED.format(user=user.get_username()))
    person = Person.objects.filter(user=user).first()
    if person is None:
        raise ApplicationError(f"{user.get_username()} is not linked to a person; link them on the People page.")
    return _send_invitation(user=user, person=person, invited_by=invited_by, site_url=site_url)


@transaction.atomic
def invitation_accept(*, user, password: str) -> None:
    """Set the invited person's password (validated by the caller's SetPasswordForm); the link dies with it."""
    user.set_password(password)
    user.save(update_fields=["password"])
    Invitation.objects.filter(user=user, accepted_at__isnull=True).update(accepted_at=timezone.now())


# --- deactivation ------------------------------------------------------------------------------


@transaction.atomic
def login_deactivate(*, user, by) -> None:
    """The login can no longer log in (password, single sign-on or API token); its sessions end at
    their next request and its API token is deleted. Everything it did stays, with its name."""
    if user.pk == by.pk:
        raise ApplicationError(OWN_LOGIN)
    if user.is_superuser and not by.is_superuser:
        raise ApplicationError(ADMIN_LOGIN)
    User.objects.filter(pk=user.pk).update(is_active=False)
    Token.objects.filter(user=user).delete()
    user.is_active = False


@transaction.atomic
def login_reactivate(*, user) -> None:
    User.objects.filter(pk=user.pk).update(is_active=True)
    user.is_active = True


# --- the person's own profile ------------------------------------------------------------------


@transaction.atomic
def profile_update(*, person: Person, name: str, title: str, function: Function | None) -> Person:
    return owners_services.person_update(person=person, name=name, title=title, function=function)


@transaction.atomic
def api_token_rotate(*, user) -> str:
    """A new API token for the user, replacing the old one (which stops working at once). The key is
    returned to be shown once; the pages never show it again."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user).key


@transaction.atomic
def api_token_revoke(*, user) -> None:
    Token.objects.filter(user=user).delete()


# --- single sign-on ----------------------------------------------------------------------------


def _claim_values(value) -> set[str]:
    if value is None:
        return set()
    if isinstance(value, str):
        # Some providers send a space- or comma-separated string instead of a list.
        return {part for part in value.replace(",", " ").split() if part}
    if isinstance(value, Iterable):
        return {str(part) for part in value}
    return {str(value)}


def claims_say_manager(claims: dict) -> bool | None:
    """True or False when the provider decides who is a manager (OIDC_MANAGER_CLAIM set), else None."""
    claim = settings.OIDC_MANAGER_CLAIM
    if not claim:
        return None
    return settings.OIDC_MANAGER_VALUE in _claim_values(claims.get(claim))


def _name_from(claims: dict, email: str) -> str:
    name = str(claims.get("name") or "").strip()
    if not name:
        name = " ".join(str(claims.get(part) or "").strip() for part in ("given_name", "family_name")).strip()
    return (name or email.split("@", 1)[0])[:200]


def _sync_managers(user, claims: dict) -> None:
    is_manager = claims_say_manager(claims)
    if is_manager is None:
        return
    group, _ = Group.objects.get_or_create(name=MANAGERS_GROUP)
    if is_manager:
        user.groups.add(group)
    else:
        user.groups.remove(group)


@transaction.atomic
def sso_user_for_claims(*, claims: dict):
    """The login of the person the provider's claims describe, or None when they may not log in.

    Matched by e-mail (any case): a login with that e-mail, or the login of the person with that e-mail.
    Otherwise, when OIDC_CREATE_USER is on, a login is created and linked to the person with that
    e-mail, or to a new person named from the claims. The Managers group follows OIDC_MANAGER_CLAIM
    at every login. An unverified e-mail (``email_verified`` false) or an ambiguous match logs nobody in.
    """
    email = str(claims.get("email") or "").strip()
    if not email or claims.get("email_verified") is False:
        logger.warning("accounts: single sign-on refused: no verified e-mail in the claims")
        return None
    # Ids first, then the rows locked by id: PostgreSQL locks no row reached through an outer join or DISTINCT.
    ids = set(User.objects.filter(email__iexact=email).values_list("pk", flat=True)[:2])
    ids |= set(Person.objects.filter(email__iexact=email, user__isnull=False).values_list("user_id", flat=True))
    users = list(User.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    if len(users) > 1:
        logger.warning("accounts: single sign-on refused: several logins have the e-mail %s", email)
        return None
    if users:
        user = users[0]
    elif not settings.OIDC_CREATE_USER:
        logger.info("accounts: single sign-on refused: no login for %s and OIDC_CREATE_USER is off", email)
        return None
    else:
        person = Person.objects.select_for_update().filter(email__iexact=email).first()
        user = User(
            username=_free_username(email),
            email=email,
            first_name=str(claims.get("given_name") or "")[:150],
            last_name=str(claims.get("family_name") or "")[:150],
        )
        user.set_unusable_password()
        user.save()
        if person is None:
            owners_services.person_create(name=_name_from(claims, email), email=email, user=user)
        else:
            owners_services.person_update(person=person, user=user)
    if user.is_active:
        _sync_managers(user, claims)
    return user
