"""owners in the admin, read-only: owners.services is the one writer (ownership hand-overs, history reasons,
the guards that keep reviewed incentives and owners' history)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyAdminMixin, ReadOnlyTabularInline

from .models import Function, Incentive, IncentiveReview, Ownership, Person, Responsibility, TeamMembership


@admin.register(Function)
class FunctionAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("name", "slug", "head")
    search_fields = ("name",)
    list_select_related = ("head",)


@admin.register(Person)
class PersonAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """People, read-only, with their history. Nobody is deleted here (someone who took part in anything
    would lose their name on it): the person's page deactivates."""

    list_display = ("name", "email", "title", "function", "user", "is_active")
    list_filter = ("is_active", "function")
    search_fields = ("name", "email", "title")
    list_select_related = ("function", "user")


@admin.register(Ownership)
class OwnershipAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("journey", "person", "started_on", "ended_on")
    list_filter = ("journey", ("ended_on", admin.EmptyFieldListFilter))
    search_fields = ("journey__name", "person__name")
    list_select_related = ("journey", "person")


@admin.register(TeamMembership)
class TeamMembershipAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("journey", "person", "role")
    list_filter = ("journey",)
    search_fields = ("person__name", "role")
    list_select_related = ("journey", "person")


@admin.register(Responsibility)
class ResponsibilityAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("touchpoint", "function")
    list_filter = ("function", "touchpoint__journey")
    list_select_related = ("touchpoint", "function")


class IncentiveReviewInline(ReadOnlyTabularInline):
    model = IncentiveReview
    fields = ("journey", "verdict", "rationale", "reviewer", "reviewed_at")


@admin.register(Incentive)
class IncentiveAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("name", "function", "measure", "target", "weight", "active")
    list_filter = ("function", "active")
    search_fields = ("name", "measure")
    list_select_related = ("function",)
    inlines = [IncentiveReviewInline]


@admin.register(IncentiveReview)
class IncentiveReviewAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("incentive", "journey", "verdict", "reviewer", "reviewed_at")
    list_filter = ("verdict", "journey")
    search_fields = ("incentive__name", "rationale")
    list_select_related = ("incentive", "journey", "reviewer")
