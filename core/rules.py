"""Role predicates and object permissions of design section 9, used by the UI and the API alike.

Journey-scoped roles (owner, team member) are looked up through the app registry so that this
module does not import the owners app: the dependency direction stays journeys <- owners.
Permission names are strings (``user.has_perm("journeys.change_journey", journey)``).
"""

import rules
from django.apps import apps

MANAGERS_GROUP = "Managers"


def _journey_of(obj):
    """The journey an object belongs to (a journey itself, or anything with a ``journey``)."""
    if obj is None:
        return None
    if obj._meta.label == "journeys.Journey":
        return obj
    return getattr(obj, "journey", None)


def _person_id(user):
    cache = getattr(user, "_throughline_person_id", ...)
    if cache is ...:
        Person = apps.get_model("owners", "Person")  # noqa: N806
        cache = Person.objects.filter(user=user).values_list("id", flat=True).first()
        user._throughline_person_id = cache
    return cache


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


@rules.predicate
def is_journey_owner(user, obj):
    journey = _journey_of(obj)
    if journey is None or not user.is_authenticated:
        return False
    person_id = _person_id(user)
    if person_id is None:
        return False
    Ownership = apps.get_model("owners", "Ownership")  # noqa: N806
    return Ownership.objects.filter(journey_id=journey.pk, person_id=person_id, ended_on__isnull=True).exists()


@rules.predicate
def is_journey_team_member(user, obj):
    journey = _journey_of(obj)
    if journey is None or not user.is_authenticated:
        return False
    person_id = _person_id(user)
    if person_id is None:
        return False
    TeamMembership = apps.get_model("owners", "TeamMembership")  # noqa: N806
    return TeamMembership.objects.filter(journey_id=journey.pk, person_id=person_id).exists()


can_steer_journey = is_manager | is_journey_owner
can_contribute_to_journey = can_steer_journey | is_journey_team_member

# Journey map, targets, recompute and team: the journey's owner or a manager.
rules.add_perm("journeys.change_journey", can_steer_journey)
rules.add_perm("journeys.recompute_journey", can_steer_journey)
rules.add_perm("journeys.review_map", can_steer_journey)
rules.add_perm("owners.manage_team", can_steer_journey)
# Organisation-wide: managers only.
rules.add_perm("journeys.create_journey", is_manager)
rules.add_perm("journeys.delete_journey", is_manager)
rules.add_perm("owners.assign_owner", is_manager)
rules.add_perm("owners.review_incentive", is_manager)
rules.add_perm("owners.manage_organisation", is_manager)
# Improvement loop.
rules.add_perm("improvements.log_issue", can_contribute_to_journey)
rules.add_perm("improvements.post_update", can_contribute_to_journey)
rules.add_perm("improvements.triage_issue", can_steer_journey)
rules.add_perm("improvements.manage_initiative", can_steer_journey)
# Audit history: owners and managers.
rules.add_perm("core.view_history", can_steer_journey)

INGEST_PERMISSION = "journeys.add_journeyinstance"


def can_ingest(user) -> bool:
    """Ingest is granted per account through Django's model permission (integration accounts)."""
    return user.is_authenticated and user.has_perm(INGEST_PERMISSION)
