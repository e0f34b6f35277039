"""Pages of the accounts app, all under /accounts/ beside core's login and logout."""

from django.urls import path

from . import oidc, views

app_name = "accounts"

urlpatterns = [
    path("accounts/sso/login/", oidc.SSOLoginView.as_view(), name="sso-login"),
    path("accounts/sso/callback/", oidc.SSOCallbackView.as_view(), name="sso-callback"),
    path("accounts/logins/", views.login_list, name="login-list"),
    path("accounts/logins/invite/", views.login_invite, name="login-invite"),
    path("accounts/logins/<int:user_id>/deactivate/", views.login_deactivate, name="login-deactivate"),
    path("accounts/logins/<int:user_id>/reactivate/", views.login_reactivate, name="login-reactivate"),
    path("accounts/logins/<int:user_id>/invite-again/", views.login_invite_again, name="login-invite-again"),
    path("accounts/invitation/<uidb64>/<token>/", views.invitation_accept, name="invitation-accept"),
    path("accounts/password-reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path("accounts/password-reset/sent/", views.PasswordResetSentView.as_view(), name="password-reset-sent"),
    path(
        "accounts/password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "accounts/password-reset/complete/",
        views.PasswordResetCompleteView.as_view(),
        name="password-reset-complete",
    ),
    path("accounts/profile/", views.profile, name="profile"),
    path("accounts/profile/token/", views.api_token_rotate, name="api-token-rotate"),
    path("accounts/profile/token/revoke/", views.api_token_revoke, name="api-token-revoke"),
]
