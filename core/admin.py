"""What every app's admin shares."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied


class ReadOnlyAdminMixin:
    """An admin page that shows rows but never writes them.

    For models whose only safe writer is a service: a save from the admin would skip what the
    service does (the version bump, the ingest rules, the data-changed mark, the history reason,
    the owner's e-mail). Works for ``ModelAdmin``, ``SimpleHistoryAdmin`` and inlines.
    """

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # django-simple-history saves a posted past version ("Revert") for anyone who may view it.
        if request.method == "POST":
            raise PermissionDenied("This admin is read-only: the app's pages and API make the changes.")
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnlyTabularInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0
