from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.notification_list, name="list"),
    path("notifications/<int:pk>/open/", views.notification_open, name="open"),
    path("notifications/read-all/", views.notifications_read_all, name="read-all"),
    path("notifications/preferences/", views.preferences, name="preferences"),
    path("journeys/<slug:slug>/chat/", views.chat_webhooks, name="chat-webhooks"),
    path("journeys/<slug:slug>/chat/<int:pk>/test/", views.chat_webhook_test, name="chat-webhook-test"),
    path("journeys/<slug:slug>/chat/<int:pk>/toggle/", views.chat_webhook_toggle, name="chat-webhook-toggle"),
    path("journeys/<slug:slug>/chat/<int:pk>/delete/", views.chat_webhook_delete, name="chat-webhook-delete"),
]
