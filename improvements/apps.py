from django.apps import AppConfig


class ImprovementsConfig(AppConfig):
    name = "improvements"
    verbose_name = "Improvements"

    def ready(self):
        # The journey page cannot import this app (journeys <- owners <- improvements): register
        # the "Issues and initiatives" panel through its extension point instead.
        from journeys.panels import Panel, register_panel

        from .views import journey_panel_context

        register_panel(
            Panel(
                key="improvements",
                title="Issues and initiatives",
                template="improvements/partials/journey_panel.html",
                context=journey_panel_context,
                order=60,  # after the service blueprint (journeys.panels.BLUEPRINT_ORDER)
            )
        )
