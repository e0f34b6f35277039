"""Helpers shared by the improvement loop's tests."""

from tests import factories

ROLES = ("anonymous", "viewer", "team", "owner", "manager", "admin")
# Who may do what on the `journey` fixture (design section 9).
CONTRIBUTORS = {"team", "owner", "manager", "admin"}
STEERERS = {"owner", "manager", "admin"}


def snapshot(journey, as_of, **values):
    """A health snapshot of the journey as of a day (overall unless a segment is given)."""
    values.setdefault("score", 60)
    values.setdefault("segment", "")
    return factories.HealthSnapshotFactory(journey=journey, as_of=as_of, **values)
