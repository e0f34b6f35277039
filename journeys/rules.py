"""journeys' permissions, and the journey-scoped roles they rest on (design section 9).

Who owns a journey or is on its team is owners' knowledge, and journeys cannot import owners
(journeys <- owners <- improvements): owners registers those checks in ``journeys.roles`` from
its ``AppConfig.ready()``. Without a check for a role, nobody holds it.
``can_steer_journey`` and ``can_contribute_to_journey`` serve the other apps' permissions too.
"""

import rules

from core.rules import is_manager

from .models import Journey
from .roles import OWNER, TEAM_MEMBER, role_check


def journey_of(obj) -> Journey | None:
    """The journey an object belongs to (a journey itself, or anything with a ``journey``)."""
    if obj is None or isinstance(obj, Journey):
        return obj
    return getattr(obj, "journey", None)


def has_journey_role(user, obj, role: str) -> bool:
    journey = journey_of(obj)
    check = role_check(role)
    if journey is None or check is None or not user.is_authenticated:
        return False
    return check(user, journey.pk)


@rules.predicate
def is_journey_owner(user, obj):
    return has_journey_role(user, obj, OWNER)


@rules.predicate
def is_journey_team_member(user, obj):
    return has_journey_role(user, obj, TEAM_MEMBER)


can_steer_journey = is_manager | is_journey_owner
can_contribute_to_journey = can_steer_journey | is_journey_team_member

# Journey map, targets and recompute: the journey's owner or a manager.
rules.add_perm("journeys.change_journey", can_steer_journey)
rules.add_perm("journeys.recompute_journey", can_steer_journey)
rules.add_perm("journeys.review_map", can_steer_journey)
# Organisation-wide: managers only.
rules.add_perm("journeys.create_journey", is_manager)
rules.add_perm("journeys.delete_journey", is_manager)
# Audit history of a journey and what hangs off it: owners and managers. The name predates the
# split of the permissions by app and is kept (docs/security.md, every page that checks it).
rules.add_perm("core.view_history", can_steer_journey)
