"""Reads of the accounts app: the logins managers look after."""

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import OuterRef, Q, QuerySet, Subquery

from .models import Invitation

User = get_user_model()

LOGIN_STATES = {
    "": "Everyone",
    "never": "Never logged in",
    "invited": "Invited, not joined yet",
    "inactive": "Deactivated",
}


def login_list(*, state: str = "", search: str = "") -> QuerySet:
    """Every login with its person and its latest invitation, newest first; in a constant number of queries."""
    latest = Invitation.objects.filter(user=OuterRef("pk")).order_by("-created_at", "-id")
    logins = (
        User.objects.select_related("person", "person__function")
        .annotate(
            invited_at=Subquery(latest.values("created_at")[:1]),
            invitation_accepted_at=Subquery(latest.values("accepted_at")[:1]),
        )
        .order_by("-date_joined", "-id")
    )
    if state == "never":
        logins = logins.filter(last_login__isnull=True, is_active=True)
    elif state == "invited":
        logins = logins.filter(last_login__isnull=True, is_active=True, password__startswith=UNUSABLE_PASSWORD_PREFIX)
    elif state == "inactive":
        logins = logins.filter(is_active=False)
    if search:
        logins = logins.filter(
            Q(username__icontains=search) | Q(email__icontains=search) | Q(person__name__icontains=search)
        )
    return logins
