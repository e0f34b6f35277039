"""journeys in the admin, read-only: maps change through journeys.services (versions, renumbering),
instances and interactions through ingest (its rules and the data-changed mark), health through its recompute."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyAdminMixin, ReadOnlyTabularInline

from .models import (
    HealthSnapshot,
    Import,
    Interaction,
    Journey,
    JourneyInstance,
    PendingRecompute,
    Persona,
    RetentionMark,
    Stage,
    StageHealth,
    Touchpoint,
)


class StageInline(ReadOnlyTabularInline):
    model = Stage
    fields = ("position", "name")
    ordering = ("position",)


class TouchpointInline(ReadOnlyTabularInline):
    model = Touchpoint
    fields = ("position", "key", "name", "channel", "is_moment_of_truth")
    ordering = ("position",)


@admin.register(Journey)
class JourneyAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
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
    inlines = [StageInline]
    readonly_fields = ("data_changed_at", "created_at", "updated_at")


@admin.register(Persona)
class PersonaAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("name", "journey", "segment")
    list_filter = ("journey",)
    search_fields = ("name", "segment", "journey__name")
    list_select_related = ("journey",)


@admin.register(Stage)
class StageAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("name", "journey", "position")
    list_filter = ("journey",)
    search_fields = ("name", "journey__name")
    list_select_related = ("journey",)
    inlines = [TouchpointInline]


@admin.register(Touchpoint)
class TouchpointAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("name", "key", "journey", "stage", "channel", "is_moment_of_truth")
    list_filter = ("journey", "channel", "is_moment_of_truth")
    search_fields = ("name", "key", "description")
    list_select_related = ("journey", "stage")


@admin.register(JourneyInstance)
class JourneyInstanceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("external_id", "journey", "segment", "outcome", "started_at", "ended_at", "satisfaction")
    list_filter = ("journey", "outcome", "segment")
    search_fields = ("external_id", "customer_ref")
    list_select_related = ("journey",)
    date_hierarchy = "started_at"
    show_full_result_count = False


@admin.register(Interaction)
class InteractionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
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


class StageHealthInline(ReadOnlyTabularInline):
    model = StageHealth
    readonly_fields = ("stage", "reached", "abandoned_here", "interactions", "csat")


@admin.register(HealthSnapshot)
class HealthSnapshotAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("journey", "segment", "as_of", "score", "status", "sample_size", "alerts")
    list_filter = ("status", "journey")
    search_fields = ("journey__name", "segment")
    list_select_related = ("journey",)
    date_hierarchy = "as_of"
    inlines = [StageHealthInline]


@admin.register(Import)
class ImportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
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


@admin.register(PendingRecompute)
class PendingRecomputeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Which journeys wait for a health recompute after new data, from which day, and whether a job runs."""

    list_display = ("journey", "first_day", "claimed_first_day", "running_since", "enqueued_at", "updated_at")
    list_select_related = ("journey",)


@admin.register(RetentionMark)
class RetentionMarkAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """How far back retention (RETENTION_DAYS) removed each journey's instances, and how many rows so far."""

    list_display = ("journey", "removed_before", "instances_removed", "interactions_removed", "updated_at")
    list_select_related = ("journey",)
