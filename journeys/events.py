"""The journeys app's domain events (``core.events``): health alerts raised by a recompute."""

from core.events import emit, register_event_type

from .health_components import ALERTS_BY_CODE

HEALTH_ALERT_RAISED = "health.alert_raised"


def register_event_types() -> None:
    register_event_type(
        HEALTH_ALERT_RAISED,
        "A health alert was raised on a journey",
        "Sent once per alert that a recompute finds and the previous overall snapshot did not have.",
    )


def journey_reference(journey) -> dict:
    return {"slug": journey.slug, "name": journey.name}


def health_alerts_emit(*, journey, snapshot, new_alerts: list[str]) -> None:
    """One event per new alert, after the recompute commits."""
    for code in new_alerts:
        alert = ALERTS_BY_CODE.get(code)

        def payload(code=code, alert=alert):
            return {
                "journey": journey_reference(journey),
                "alert": {
                    "code": code,
                    "label": alert.label if alert else code,
                    "explanation": alert.explain(snapshot) if alert else "",
                },
                "snapshot": {
                    "as_of": snapshot.as_of.isoformat(),
                    "score": float(snapshot.score) if snapshot.score is not None else None,
                    "status": snapshot.status,
                    "sample_size": snapshot.sample_size,
                },
            }

        emit(HEALTH_ALERT_RAISED, payload)
