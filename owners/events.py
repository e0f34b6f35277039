"""The owners app's domain events (``core.events``): a journey's owner named."""

from core.events import emit, register_event_type
from journeys.events import journey_reference

OWNER_ASSIGNED = "owner.assigned"


def register_event_types() -> None:
    register_event_type(OWNER_ASSIGNED, "A journey owner was named", "Sent when a person is named a journey's owner.")


def person_reference(person) -> dict | None:
    if person is None:
        return None
    return {"id": person.pk, "name": person.name, "email": person.email}


def ownership_assigned_emit(*, ownership, previous_person=None) -> None:
    def payload():
        return {
            "journey": journey_reference(ownership.journey),
            "owner": person_reference(ownership.person),
            "previous_owner": person_reference(previous_person),
            "mandate": ownership.mandate,
            "started_on": ownership.started_on.isoformat(),
        }

    emit(OWNER_ASSIGNED, payload)
