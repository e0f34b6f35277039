from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        # Imported here: these modules import the models of the apps below.
        from accounts.profile import NOTIFICATIONS, ProfileSection, register_section
        from core.events import register_listener

        from . import receivers  # noqa: F401  (connects the signal receivers)
        from .receivers import mentions_heard
        from .views import preferences_context

        register_listener(mentions_heard)

        register_section(
            ProfileSection(
                key=NOTIFICATIONS,
                title="Notifications",
                template="notifications/partials/preferences.html",
                context=preferences_context,
                order=20,
            )
        )
