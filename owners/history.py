"""owners' part of a journey's audit history (``core.history``), registered by ``OwnersConfig.ready()``."""

from django.db.models import Q

from core.history import HistorySource

from .models import IncentiveReview, Ownership, TeamMembership


def journey_history_sources(journey) -> list[HistorySource]:
    """The journey's ownerships, team memberships and incentive reviews."""
    on_journey = Q(journey_id=journey.pk)
    return [
        HistorySource("Ownership", Ownership, on_journey, "person"),
        HistorySource("Team member", TeamMembership, on_journey, "person"),
        HistorySource("Incentive review", IncentiveReview, on_journey, "incentive"),
    ]
