"""Pages of the webhooks app, under /webhooks/."""

from django.urls import path

from . import views

app_name = "webhooks"

urlpatterns = [
    path("webhooks/", views.subscription_list, name="subscription-list"),
    path("webhooks/new/", views.subscription_create, name="subscription-create"),
    path("webhooks/<int:pk>/", views.subscription_detail, name="subscription-detail"),
    path("webhooks/<int:pk>/test/", views.subscription_test, name="subscription-test"),
    path("webhooks/<int:pk>/toggle/", views.subscription_toggle, name="subscription-toggle"),
    path("webhooks/<int:pk>/secret/", views.subscription_rotate_secret, name="subscription-rotate-secret"),
    path("webhooks/<int:pk>/delete/", views.subscription_delete, name="subscription-delete"),
]
