"""improvements in the admin, read-only: issues and initiatives move through improvements.services
(their status transitions, baselines and results, versions)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyAdminMixin, ReadOnlyTabularInline

from .models import Initiative, InitiativeUpdate, Issue


@admin.register(Issue)
class IssueAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("title", "journey", "category", "severity", "status", "assignee", "created_at")
    list_filter = ("status", "category", "severity", "journey")
    search_fields = ("title", "symptom", "root_cause")
    list_select_related = ("journey", "assignee")
    filter_horizontal = ("functions",)
    raw_id_fields = ("stage", "touchpoint")


class InitiativeUpdateInline(ReadOnlyTabularInline):
    model = InitiativeUpdate
    fields = ("author", "progress", "body")


@admin.register(Initiative)
class InitiativeAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("title", "journey", "status", "lead", "target_component", "due_date", "expected_gain", "effort")
    list_filter = ("status", "target_component", "journey")
    search_fields = ("title", "hypothesis")
    list_select_related = ("journey", "lead")
    filter_horizontal = ("functions", "issues")
    inlines = [InitiativeUpdateInline]


@admin.register(InitiativeUpdate)
class InitiativeUpdateAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("initiative", "author", "progress", "created_at")
    list_select_related = ("initiative", "author")
