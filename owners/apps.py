from django.apps import AppConfig


class OwnersConfig(AppConfig):
    name = "owners"
    verbose_name = "Owners and incentives"

    def ready(self):
        from journeys.panels import Panel, register_lane_provider, register_panel

        from . import receivers  # noqa: F401  (connects the signal receivers)
        from .selectors import blueprint_lanes, journey_panel

        register_lane_provider(blueprint_lanes)
        register_panel(
            Panel(
                key="ownership",
                title="Owner, team and gaps",
                template="owners/partials/journey_panel.html",
                context=lambda request, journey: journey_panel(journey, user=request.user),
                order=5,
            )
        )
