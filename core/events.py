"""Domain events that other systems may hear about (outbound webhooks), without the apps knowing who listens.

An app registers the event types it emits (from its ``AppConfig.ready()``) and calls ``emit`` from the
service that made the change; listeners (the webhooks app) register from theirs. ``emit`` runs the
listeners after the transaction commits, so an event is never announced for a change that rolled back,
and the payload is built then, from what was committed, only when a listener wants that type.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction


@dataclass(frozen=True)
class EventType:
    name: str  # "issue.created": what integrators subscribe to
    label: str  # "An issue was logged": what a manager reads when choosing
    description: str = ""


# A listener receives the event's name and a function returning its payload (a JSON-ready dict).
Listener = Callable[[str, Callable[[], dict]], None]

_TYPES: dict[str, EventType] = {}
_LISTENERS: list[Listener] = []


def register_event_type(name: str, label: str, description: str = "") -> None:
    _TYPES[name] = EventType(name=name, label=label, description=description)


def event_types() -> list[EventType]:
    """Every registered event type, by name."""
    return sorted(_TYPES.values(), key=lambda event_type: event_type.name)


def event_type(name: str) -> EventType | None:
    return _TYPES.get(name)


def register_listener(listener: Listener) -> None:
    if listener not in _LISTENERS:
        _LISTENERS.append(listener)


def emit(name: str, payload: Callable[[], dict]) -> None:
    """Tell the listeners about ``name`` once the current transaction commits (at once outside one)."""
    if name not in _TYPES:
        raise LookupError(f"Unknown event type {name!r}: register it from the emitting app's ready().")

    def announce():
        for listener in list(_LISTENERS):
            listener(name, payload)

    transaction.on_commit(announce)
