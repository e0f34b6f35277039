"""owners' permissions, and the checks behind journeys' owner and team-member roles.

``journey_owner_check`` and ``team_member_check`` are registered with ``journeys.rules`` by
``OwnersConfig.ready()``.
"""

import rules
from django.db.models import Exists

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


def _journey_roles(user, journey_id: int) -> tuple[bool, bool]:
    """(owns it, sits on its team) for one journey, looked up once per user object and journey.

    A page asks several permissions of the same journey (change, review the map, history, log an
    issue): each rests on the same two facts, so they cost one query per journey, not one per check.
    Like ``_person_id`` and ``core.rules.is_manager`` the answer lives on the user object, which is
    a request's (a change of ownership shows from the next request on).
    """
    cache = getattr(user, "_throughline_journey_roles", None)
    if cache is None:
        cache = user._throughline_journey_roles = {}
    if journey_id not in cache:
        person_id = _person_id(user)
        if person_id is None:
            cache[journey_id] = (False, False)
        else:
            owns = Ownership.objects.filter(journey_id=journey_id, person_id=person_id, ended_on__isnull=True)
            seat = TeamMembership.objects.filter(journey_id=journey_id, person_id=person_id)
            row = (
                Person.objects.filter(pk=person_id)
                .annotate(owns=Exists(owns), seat=Exists(seat))
                .values_list("owns", "seat")
                .first()
            )
            cache[journey_id] = (bool(row[0]), bool(row[1])) if row else (False, False)
    return cache[journey_id]


def journey_owner_check(user, journey_id: int) -> bool:
    return _journey_roles(user, journey_id)[0]


def team_member_check(user, journey_id: int) -> bool:
    return _journey_roles(user, journey_id)[1]


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
