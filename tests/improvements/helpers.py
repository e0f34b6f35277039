"""Helpers shared by the improvement loop's tests."""

from tests import factories


def snapshot(journey, as_of, **values):
    """A health snapshot (overall unless a segment is given) of the journey as of a day, with the given component values."""
    values.setdefault("score", 60)
    values.setdefault("segment", "")
    return factories.HealthSnapshotFactory(journey=journey, as_of=as_of, **values)
