from django.apps import AppConfig

from .panels import Panel, register_panel


class JourneysConfig(AppConfig):
    name = "journeys"
    verbose_name = "Journeys"

    def ready(self):
        # Imported here, not at the top: Django imports this module before any model is loaded,
        # and these modules import the models.
        from . import receivers  # noqa: F401  (connects the signal receivers)
        from .events import register_event_types
        from .views.health import health_panel_context
        from .views.personas import personas_panel_context
        from .views.where import where_panel_context

        register_panel(
            Panel(
                key="health",
                title="Journey health",
                template="journeys/partials/health_panel.html",
                context=health_panel_context,
                order=10,
            )
        )
        register_panel(
            Panel(
                key="where",
                title="Where to act",
                template="journeys/partials/where_panel.html",
                context=where_panel_context,
                order=55,  # right after the service blueprint, whose cards carry the touchpoint figures
            )
        )
        register_panel(
            Panel(
                key="personas",
                title="Personas",
                template="journeys/partials/personas_panel.html",
                context=personas_panel_context,
                order=57,  # after "Where to act": the stages of the blueprint, seen through each persona
            )
        )
        register_event_types()
