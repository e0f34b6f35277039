"""owners' part of a journey's audit history (``core.history``), registered by ``OwnersConfig.ready()``."""

from django.db.models import Q

from core.history import HistorySource

from .models import IncentiveReview, Ownership, Person, TeamMembership


def journey_history_sources(journey) -> list[HistorySource]:
    """The journey's ownerships, team memberships and incentive reviews."""
    on_journey = Q(journey_id=journey.pk)
    return [
        HistorySource("Ownership", Ownership, on_journey, "person"),
        HistorySource("Team member", TeamMembership, on_journey, "person"),
        HistorySource("Incentive review", IncentiveReview, on_journey, "incentive"),
    ]


def people_names_of_users(user_ids: set[int]) -> dict[int, str]:
    """{user id: the person's name} for the history's "who" (one query)."""
    return dict(Person.objects.filter(user_id__in=user_ids).values_list("user_id", "name"))
