from django.apps import AppConfig


class JourneysConfig(AppConfig):
    name = "journeys"
    verbose_name = "Journeys"

    def ready(self):
        from . import receivers  # noqa: F401  (connects the signal receivers)
        from .panels import Panel, register_panel
        from .views.health import health_panel_context

        register_panel(
            Panel(
                key="health",
                title="Journey health",
                template="journeys/partials/health_panel.html",
                context=health_panel_context,
                order=10,
            )
        )
