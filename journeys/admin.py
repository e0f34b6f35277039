from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import HealthSnapshot, Import, Interaction, Journey, JourneyInstance, Stage, StageHealth, Touchpoint


class StageInline(admin.TabularInline):
    model = Stage
    extra = 0
    fields = ("position", "name")
    ordering = ("position",)


class TouchpointInline(admin.TabularInline):
    model = Touchpoint
    extra = 0
    fields = ("position", "key", "name", "channel", "is_moment_of_truth")
    ordering = ("position",)


@admin.register(Journey)
class JourneyAdmin(SimpleHistoryAdmin):
    list_display = (
        "name",
        "slug",
        "status",
        "tier",
        "service_position",
        "target_score",
        "map_reviewed_on",
        "data_changed_at",
    )
    list_filter = ("status", "tier", "service_position")
    search_fields = ("name", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [StageInline]
    readonly_fields = ("data_changed_at", "created_at", "updated_at")


@admin.register(Stage)
class StageAdmin(SimpleHistoryAdmin):
    list_display = ("name", "journey", "position")
    list_filter = ("journey",)
    search_fields = ("name", "journey__name")
    list_select_related = ("journey",)
    inlines = [TouchpointInline]


@admin.register(Touchpoint)
class TouchpointAdmin(SimpleHistoryAdmin):
    list_display = ("name", "key", "journey", "stage", "channel", "is_moment_of_truth")
    list_filter = ("journey", "channel", "is_moment_of_truth")
    search_fields = ("name", "key", "description")
    list_select_related = ("journey", "stage")


@admin.register(JourneyInstance)
class JourneyInstanceAdmin(admin.ModelAdmin):
    list_display = ("external_id", "journey", "segment", "outcome", "started_at", "ended_at", "satisfaction")
    list_filter = ("journey", "outcome", "segment")
    search_fields = ("external_id", "customer_ref")
    list_select_related = ("journey",)
    date_hierarchy = "started_at"
    show_full_result_count = False


@admin.register(Interaction)
class InteractionAdmin(admin.ModelAdmin):
    list_display = (
        "external_id",
        "instance",
        "touchpoint",
        "channel",
        "occurred_at",
        "satisfaction",
        "repeat",
        "reidentified",
    )
    list_filter = ("channel", "repeat", "reidentified", "resolved")
    search_fields = ("external_id", "instance__external_id")
    list_select_related = ("instance", "touchpoint")
    raw_id_fields = ("instance", "touchpoint")
    show_full_result_count = False


class StageHealthInline(admin.TabularInline):
    model = StageHealth
    extra = 0
    readonly_fields = ("stage", "reached", "abandoned_here", "interactions", "csat")
    can_delete = False


@admin.register(HealthSnapshot)
class HealthSnapshotAdmin(admin.ModelAdmin):
    list_display = ("journey", "segment", "as_of", "score", "status", "sample_size", "alerts")
    list_filter = ("status", "journey")
    search_fields = ("journey__name", "segment")
    list_select_related = ("journey",)
    date_hierarchy = "as_of"
    inlines = [StageHealthInline]


@admin.register(Import)
class ImportAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "original_name",
        "journey",
        "status",
        "processed_rows",
        "total_rows",
        "error_count",
        "created_at",
    )
    list_filter = ("status",)
    search_fields = ("original_name",)
    list_select_related = ("journey",)
    readonly_fields = ("errors",)
