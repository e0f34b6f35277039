"""improvements' part of a journey's audit history (``core.history``), registered by ``ImprovementsConfig.ready()``."""

from django.db.models import Q

from core.history import HistorySource

from .models import Initiative, Issue


def journey_history_sources(journey) -> list[HistorySource]:
    """The journey's issues and initiatives."""
    on_journey = Q(journey_id=journey.pk)
    return [
        HistorySource("Issue", Issue, on_journey, "title"),
        HistorySource("Initiative", Initiative, on_journey, "title"),
    ]
