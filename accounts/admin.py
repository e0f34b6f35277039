from django.contrib import admin

from core.admin import ReadOnlyAdminMixin

from .models import Invitation


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["user", "invited_by", "created_at", "accepted_at"]
    list_select_related = ["user", "invited_by"]
