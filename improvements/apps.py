from django.apps import AppConfig

from core.history import JOURNEY_FEED, register_sources
from journeys.panels import Panel, TouchpointAction, register_panel, register_touchpoint_action
from owners.links import register_alert_mail_section, register_conflict_issue_finder, register_conflict_issue_link


class ImprovementsConfig(AppConfig):
    name = "improvements"
    verbose_name = "Improvements"

    def ready(self):
        # Imported here, not at the top: Django imports this module before any model is loaded,
        # and these modules import the models.
        from . import deadlines  # noqa: F401  (registers the check of ISSUE_DUE_DAYS)
        from .events import register_event_types
        from .history import journey_history_sources, register_value_formats
        from .links import conflict_issue_path, touchpoint_issue_path
        from .selectors import conflict_issues, overdue_issue_mail_lines
        from .views import journey_panel_context

        # The apps below cannot import this one (journeys <- owners <- improvements): contribute
        # the journey page's "Issues and initiatives" panel, the journey's history and owners'
        # "raise a root-cause issue" link through their extension points.
        register_panel(
            Panel(
                key="improvements",
                title="Issues and initiatives",
                template="improvements/partials/journey_panel.html",
                context=journey_panel_context,
                order=60,  # after the service blueprint (journeys.panels.BLUEPRINT_ORDER)
            )
        )
        register_sources(JOURNEY_FEED, journey_history_sources)
        register_value_formats()
        register_conflict_issue_link(conflict_issue_path)
        register_conflict_issue_finder(conflict_issues)
        register_alert_mail_section(overdue_issue_mail_lines)
        register_touchpoint_action(
            TouchpointAction(
                key="log-issue", label="Log an issue", url=touchpoint_issue_path, permission="improvements.log_issue"
            )
        )
        register_event_types()
