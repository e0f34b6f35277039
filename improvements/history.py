"""improvements' part of a journey's audit history (``core.history``), registered by ``ImprovementsConfig.ready()``."""

from django.db.models import Q

from core.history import HistorySource, register_value_format

from .impact import format_value
from .models import Initiative, Issue


def journey_history_sources(journey) -> list[HistorySource]:
    """The journey's issues and initiatives."""
    on_journey = Q(journey_id=journey.pk)
    return [
        HistorySource("Issue", Issue, on_journey, "title"),
        HistorySource("Initiative", Initiative, on_journey, "title"),
    ]


def _component_value(record, raw) -> str:
    """An initiative's baseline, target or result, as its page shows it (a rate in %, a rating of 5...)."""
    return format_value(record.target_component, float(raw))


def register_value_formats() -> None:
    for name in ("baseline_value", "target_value", "result_value"):
        register_value_format(Initiative, name, _component_value)
