"""Extension point for the journey-scoped roles of ``journeys.rules``, like ``journeys.panels``.

Who owns a journey or is on its team is recorded by the owners app, which journeys cannot
import: owners registers a check per role from its ``AppConfig.ready()``,
``check(user, journey_id) -> bool`` for an authenticated user.
"""

from collections.abc import Callable

OWNER = "owner"
TEAM_MEMBER = "team member"

_role_checks: dict[str, Callable[..., bool]] = {}


def register_role_check(role: str, check: Callable[..., bool]) -> None:
    _role_checks[role] = check


def role_check(role: str) -> Callable[..., bool] | None:
    return _role_checks.get(role)
