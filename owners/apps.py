from django.apps import AppConfig

from core.history import JOURNEY_FEED, register_people_names, register_sources
from journeys.panels import Panel, register_lane_provider, register_panel
from journeys.roles import OWNER, TEAM_MEMBER, register_role_check


class OwnersConfig(AppConfig):
    name = "owners"
    verbose_name = "Owners and incentives"

    def ready(self):
        # Imported here, not at the top: Django imports this module before any model is loaded,
        # and these modules import the models.
        from . import receivers  # noqa: F401  (connects the signal receivers)
        from .events import register_event_types
        from .history import journey_history_sources, people_names_of_users
        from .rules import journey_owner_check, team_member_check
        from .selectors import blueprint_lanes, journey_panel

        register_role_check(OWNER, journey_owner_check)
        register_role_check(TEAM_MEMBER, team_member_check)
        register_sources(JOURNEY_FEED, journey_history_sources)
        register_people_names(people_names_of_users)
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
        register_event_types()
