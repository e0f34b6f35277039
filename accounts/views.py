"""Pages of the accounts app: logins and invitations (managers), accepting an invitation, password
reset, a person's own profile and API token.

Views stay thin: forms validate, services write, selectors read.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import urlsafe_base64_decode
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from rest_framework.authtoken.models import Token

from core import web
from core.errors import ApplicationError
from owners.models import Person

from . import selectors, services
from .forms import InviteForm, ProfileForm
from .profile import sections_for
from .tokens import invitation_token

User = get_user_model()

MANAGERS_ONLY = "Only managers invite people and look after logins."
PAGE_SIZE = 50


def _site_url(request) -> str:
    return request.build_absolute_uri("/")


# --- logins and invitations (managers) ----------------------------------------------------------


@require_GET
def login_list(request):
    web.require(request.user, "accounts.manage_logins", message=MANAGERS_ONLY)
    state = request.GET.get("state", "")
    if state not in selectors.LOGIN_STATES:
        state = ""
    search = request.GET.get("search", "").strip()[:200]
    page = Paginator(selectors.login_list(state=state, search=search), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/login_list.html",
        {
            "page": page,
            "logins": page.object_list,
            "state": state,
            "states": selectors.LOGIN_STATES,
            "search": search,
            "breadcrumbs": [{"label": "Logins", "url": ""}],
        },
    )


@require_http_methods(["GET", "POST"])
def login_invite(request):
    web.require(request.user, "accounts.manage_logins", message=MANAGERS_ONLY)
    form = InviteForm(request.POST or None, initial={"email": request.GET.get("email", "")[:254]})
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.login_invite(
                **form.cleaned_data, invited_by=request.user, site_url=_site_url(request)
            )
        except (ApplicationError, ValidationError) as error:
            web.add_service_error(form, error)
        else:
            messages.success(request, f"An invitation was sent to {invitation.user.email}. The link in it works once.")
            return redirect("accounts:login-list")
    return render(
        request,
        "accounts/invite_form.html",
        {
            "form": form,
            "breadcrumbs": [{"label": "Logins", "url": reverse("accounts:login-list")}, {"label": "Invite"}],
        },
        status=400 if form.errors else 200,
    )


def _managed_login(request, user_id):
    web.require(request.user, "accounts.manage_logins", message=MANAGERS_ONLY)
    return get_object_or_404(User, pk=user_id)


def _refusal(request, error: ApplicationError):
    messages.error(request, error.message)
    return redirect("accounts:login-list")


@require_POST
def login_deactivate(request, user_id):
    login = _managed_login(request, user_id)
    try:
        services.login_deactivate(user=login, by=request.user)
    except ApplicationError as error:
        return _refusal(request, error)
    messages.success(request, f"{login.get_username()} can no longer log in. Their work stays, with their name.")
    return redirect("accounts:login-list")


@require_POST
def login_reactivate(request, user_id):
    login = _managed_login(request, user_id)
    services.login_reactivate(user=login)
    messages.success(request, f"{login.get_username()} can log in again.")
    return redirect("accounts:login-list")


@require_POST
def login_invite_again(request, user_id):
    login = _managed_login(request, user_id)
    try:
        services.invitation_resend(user=login, invited_by=request.user, site_url=_site_url(request))
    except ApplicationError as error:
        return _refusal(request, error)
    messages.success(request, f"A new invitation was sent to {login.email}.")
    return redirect("accounts:login-list")


# --- accepting an invitation (anyone with the link) ---------------------------------------------


def _invited_user(uidb64: str, token: str):
    try:
        user = User.objects.get(pk=int(urlsafe_base64_decode(uidb64).decode()))
    except (ValueError, TypeError, OverflowError, UnicodeDecodeError, User.DoesNotExist):
        return None
    if not user.is_active or not invitation_token.check_token(user, token):
        return None
    return user


@login_not_required
@never_cache
@sensitive_post_parameters("new_password1", "new_password2")
@require_http_methods(["GET", "POST"])
def invitation_accept(request, uidb64, token):
    user = _invited_user(uidb64, token)
    if user is None:
        return render(request, "accounts/invitation_invalid.html", status=400 if request.method == "POST" else 200)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.invitation_accept(user=user, password=form.cleaned_data["new_password1"])
        messages.success(request, f"Welcome. Your password is set: log in as {user.get_username()}.")
        return redirect("login")
    person = Person.objects.filter(user=user).first()
    return render(
        request,
        "accounts/invitation_accept.html",
        {"form": form, "invited": user, "person": person},
        status=400 if form.errors else 200,
    )


# --- password reset by e-mail (Django's views, our templates and wording) -----------------------


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-sent")


class PasswordResetSentView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_sent.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


# --- a person's own profile ---------------------------------------------------------------------


def _profile_context(request, person, form, new_token: str | None = None) -> dict:
    token = Token.objects.filter(user=request.user).only("created").first()
    return {
        "person": person,
        "form": form,
        "token_created": token.created if token else None,
        "new_token": new_token,
        "sections": sections_for(request, person),
        "breadcrumbs": [{"label": "Your profile", "url": ""}],
    }


NEW_TOKEN_SESSION_KEY = "accounts.new_api_token"  # noqa: S105  (a session key name, not a secret)


@never_cache
@require_http_methods(["GET", "POST"])
def profile(request):
    person = Person.objects.select_related("function").filter(user=request.user).first()
    form = ProfileForm(request.POST or None, instance=person) if person else None
    status = 200
    if request.method == "POST":
        if person is None:
            messages.error(request, "Your login is not linked to a person yet; ask a manager to link it.")
            return redirect("accounts:profile")
        if form.is_valid():
            try:
                services.profile_update(person=person, **form.cleaned_data)
            except (ApplicationError, ValidationError) as error:
                web.add_service_error(form, error)
            else:
                messages.success(request, "Your profile was saved.")
                return redirect("accounts:profile")
        status = 400
    # A new token is shown on the first page after its creation only, then forgotten by the session.
    new_token = request.session.pop(NEW_TOKEN_SESSION_KEY, None) if request.method == "GET" else None
    return render(request, "accounts/profile.html", _profile_context(request, person, form, new_token), status=status)


@require_POST
def api_token_rotate(request):
    request.session[NEW_TOKEN_SESSION_KEY] = services.api_token_rotate(user=request.user)
    return redirect("accounts:profile")


@require_POST
def api_token_revoke(request):
    if not web.confirmed(request):
        return web.confirmation_page(
            request,
            title="Delete your API token?",
            question="Delete your API token?",
            consequence=(
                "Programs and integrations that use it can no longer connect until you create a new token "
                "and give it to them. This cannot be undone."
            ),
            confirm_label="Delete my token",
            cancel_url=reverse("accounts:profile"),
        )
    services.api_token_revoke(user=request.user)
    messages.success(request, "Your API token was deleted; programs using it can no longer connect.")
    return redirect("accounts:profile")
