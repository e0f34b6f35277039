from django.contrib.auth import views as auth_views
from django.urls import path

from . import views
from .auth import ThrottledLoginView

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", ThrottledLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
]
