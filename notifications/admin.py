"""Admins read the delivery log (status, attempts, last error) and manage the chat webhooks."""

from django.contrib import admin

from core.admin import ReadOnlyAdminMixin

from .models import ChatWebhook, Delivery, Notification


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "event", "channel", "address", "status", "attempts", "sent_at", "short_error"]
    list_filter = ["status", "channel", "event"]
    search_fields = ["address", "key", "last_error"]
    list_select_related = True

    @admin.display(description="last error")
    def short_error(self, obj):
        return obj.last_error[:120]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "recipient", "event", "title", "read_at"]
    list_filter = ["event"]
    search_fields = ["title", "key", "recipient__name"]
    list_select_related = ["recipient"]


@admin.register(ChatWebhook)
class ChatWebhookAdmin(admin.ModelAdmin):
    list_display = ["journey", "name", "kind", "active"]
    list_filter = ["kind", "active"]
    list_select_related = ["journey"]
