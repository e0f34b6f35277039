from django.contrib import admin

from core.admin import ReadOnlyAdminMixin

from .models import Delivery, Subscription


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("name", "url", "is_active", "consecutive_failures", "created_by", "created_at")
    list_filter = ("is_active",)
    exclude = ("secret",)


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("event", "subscription", "status", "attempts", "response_code", "last_attempt_at")
    list_filter = ("status",)
    list_select_related = ("event", "subscription")
