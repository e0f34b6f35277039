"""Role predicates every app shares (design section 9): administrators, managers, integration accounts.

Each app declares its own permissions in its ``rules.py`` (found by ``rules.apps.AutodiscoverRulesConfig``):
journeys' journey-scoped predicates (owner, team member) in ``journeys/rules.py``, owners' and improvements'
permissions in theirs. Permission names are strings (``user.has_perm("journeys.change_journey", journey)``).
"""

import rules

MANAGERS_GROUP = "Managers"
INGEST_PERMISSION = "journeys.add_journeyinstance"


@rules.predicate
def is_admin(user):
    return user.is_active and user.is_superuser


@rules.predicate
def is_manager(user):
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    cache = getattr(user, "_throughline_is_manager", None)
    if cache is None:
        cache = user.groups.filter(name=MANAGERS_GROUP).exists()
        user._throughline_is_manager = cache
    return cache


def can_ingest(user) -> bool:
    """Ingest is granted per account through Django's model permission (integration accounts)."""
    return user.is_authenticated and user.has_perm(INGEST_PERMISSION)
