"""owners' permissions, and the checks behind journeys' owner and team-member roles.

``journey_owner_check`` and ``team_member_check`` are registered with ``journeys.rules`` by
``OwnersConfig.ready()``.
"""

import rules

from core.rules import can_ingest, is_manager
from journeys.rules import can_steer_journey

from .models import Ownership, Person, TeamMembership


def _person_id(user) -> int | None:
    """The id of the user's person, looked up once per user object (a request's user)."""
    cache = getattr(user, "_throughline_person_id", ...)
    if cache is ...:
        cache = Person.objects.filter(user=user).values_list("id", flat=True).first()
        user._throughline_person_id = cache
    return cache


def journey_owner_check(user, journey_id: int) -> bool:
    person_id = _person_id(user)
    if person_id is None:
        return False
    return Ownership.objects.filter(journey_id=journey_id, person_id=person_id, ended_on__isnull=True).exists()


def team_member_check(user, journey_id: int) -> bool:
    person_id = _person_id(user)
    if person_id is None:
        return False
    return TeamMembership.objects.filter(journey_id=journey_id, person_id=person_id).exists()


# A journey's team: its owner or a manager.
rules.add_perm("owners.manage_team", can_steer_journey)
# Organisation-wide: managers only.
rules.add_perm("owners.assign_owner", is_manager)
rules.add_perm("owners.review_incentive", is_manager)
rules.add_perm("owners.manage_organisation", is_manager)


@rules.predicate
def is_ingest_account(user):
    return can_ingest(user)


# Incentive measurements: managers, and the integration accounts that feed data.
rules.add_perm("owners.feed_measurements", is_manager | is_ingest_account)
