"""Reads of the journey framework: the tree of journeys (a journey may be part of a wider one) with
each journey's owner, health and worst segment, and every parent's roll-up.

The roll-up of a parent is the sample-weighted mean of its children's scores: each child weighs as
many customer journeys as its latest overall snapshot saw. A child that is itself a parent without
a verdict of its own stands in with its own roll-up (weighing the journeys that roll-up covers).
Children that cannot be judged (draft or retired, never computed, too few journeys) are left out and
listed with the reason. A parent's own data is shown beside its roll-up, never mixed into it: a
lifecycle journey's customers are mostly the same customers its parts already counted.

Three queries for the whole framework, whatever its size: the journeys with their owners, the latest
overall snapshot of each, and the segment snapshots of those days. The tree and the roll-ups are
then assembled in Python (a framework has tens of journeys, at most ``MAX_FRAMEWORK_DEPTH`` deep).
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from ..choices import HealthStatus, JourneyStatus
from ..health_components import AT_RISK_FROM, HEALTHY_FROM, too_few_to_judge
from ..models import HealthSnapshot, Journey
from .health import latest_overall_snapshots, worst_segments
from .maps import journey_list


@dataclass
class RollupPart:
    """A child counted in its parent's roll-up."""

    journey: Journey
    score: Decimal
    sample_size: int
    from_rollup: bool = False  # the child has no verdict of its own; its own roll-up stands in


@dataclass
class Exclusion:
    """A child left out of its parent's roll-up, and why, in an owner's words."""

    journey: Journey
    reason: str


@dataclass
class Rollup:
    parts: list[RollupPart] = field(default_factory=list)
    excluded: list[Exclusion] = field(default_factory=list)

    @property
    def sample_size(self) -> int:
        return sum(part.sample_size for part in self.parts)

    @property
    def score(self) -> Decimal | None:
        total = self.sample_size
        if not total:
            return None
        weighted = sum(part.score * part.sample_size for part in self.parts)
        return (Decimal(weighted) / Decimal(total)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def status(self) -> str:
        score = self.score
        if score is None:
            return HealthStatus.INSUFFICIENT_DATA
        if score >= HEALTHY_FROM:
            return HealthStatus.HEALTHY
        if score >= AT_RISK_FROM:
            return HealthStatus.AT_RISK
        return HealthStatus.CRITICAL

    @property
    def status_label(self) -> str:
        return HealthStatus(self.status).label


@dataclass
class FrameworkNode:
    journey: Journey
    depth: int = 0
    snapshot: HealthSnapshot | None = None
    worst_segment: HealthSnapshot | None = None
    children: list["FrameworkNode"] = field(default_factory=list)
    rollup: Rollup | None = None

    @property
    def has_verdict(self) -> bool:
        """Its own latest overall snapshot judges it (enough journeys, a score)."""
        return (
            self.snapshot is not None
            and self.snapshot.score is not None
            and self.snapshot.status != HealthStatus.INSUFFICIENT_DATA
        )

    @property
    def status_label(self) -> str:
        return HealthStatus(self.snapshot.status).label if self.snapshot else "Not computed"


@dataclass
class Framework:
    roots: list[FrameworkNode]
    nodes: dict[int, FrameworkNode]

    def rows(self) -> list[FrameworkNode]:
        """Every node depth-first, parents before their children, siblings by name: the page's order."""
        ordered: list[FrameworkNode] = []
        stack = list(reversed(self.roots))
        while stack:
            node = stack.pop()
            ordered.append(node)
            stack.extend(reversed(node.children))
        return ordered

    def node(self, journey: Journey) -> FrameworkNode:
        return self.nodes[journey.pk]


def framework_links() -> dict[int, tuple[int | None, str]]:
    """Every journey's parent and name, by id (one query): for walking ancestors and subtrees."""
    return {pk: (parent_id, name) for pk, parent_id, name in Journey.objects.values_list("pk", "parent_id", "name")}


def ancestors(journey: Journey) -> list[tuple[int, str]]:
    """The journeys above this one, the top first, as (id, name) (one query)."""
    links = framework_links()
    chain: list[tuple[int, str]] = []
    current, seen = journey.parent_id, {journey.pk}
    while current is not None and current not in seen:
        seen.add(current)
        parent_id, name = links[current]
        chain.append((current, name))
        current = parent_id
    return list(reversed(chain))


def journey_and_below(journey_id: int | None) -> set[int]:
    """The ids of a journey and of every journey below it: the parents it must not be given."""
    if journey_id is None:
        return set()
    children: dict[int, list[int]] = {}
    for pk, (parent_id, _name) in framework_links().items():
        if parent_id is not None:
            children.setdefault(parent_id, []).append(pk)
    found, frontier = {journey_id}, [journey_id]
    while frontier:
        frontier = [child for pk in frontier for child in children.get(pk, []) if child not in found]
        found.update(frontier)
    return found


def top_level_journeys() -> dict[int, Journey]:
    """Every journey's top-level journey (the one at the top of its branch; itself at the top), by id.
    One query, whatever the size of the framework."""
    journeys = {journey.pk: journey for journey in Journey.objects.only("pk", "parent_id", "name", "slug", "status")}
    tops: dict[int, Journey] = {}
    for pk, journey in journeys.items():
        current, seen = journey, {pk}
        while current.parent_id is not None and current.parent_id not in seen and current.parent_id in journeys:
            seen.add(current.parent_id)
            current = journeys[current.parent_id]
        tops[pk] = current
    return tops


def ancestor_journeys(journey: Journey) -> list[Journey]:
    """The journeys above this one, the top first (two queries at most, one for a top-level journey)."""
    if journey.parent_id is None:
        return []
    chain = [pk for pk, _name in ancestors(journey)]
    by_id = Journey.objects.in_bulk(chain)
    return [by_id[pk] for pk in chain]


def _exclusion_reason(node: FrameworkNode) -> str:
    journey = node.journey
    if journey.status != JourneyStatus.ACTIVE:
        return f"{JourneyStatus(journey.status).label}: only active journeys count"
    if node.snapshot is None:
        if node.children:
            return "None of its own parts can be judged yet, and its health has not been computed"
        return "Health not computed yet"
    return too_few_to_judge(node.snapshot.sample_size, journey.min_sample)


def _roll_up(node: FrameworkNode) -> None:
    """Fill the roll-ups of ``node``'s subtree, children first (they may stand in for their parent)."""
    if not node.children:
        return
    rollup = Rollup()
    for child in node.children:
        _roll_up(child)
        if child.journey.status != JourneyStatus.ACTIVE:
            rollup.excluded.append(Exclusion(child.journey, _exclusion_reason(child)))
        elif child.has_verdict:
            rollup.parts.append(RollupPart(child.journey, child.snapshot.score, child.snapshot.sample_size))
        elif child.rollup is not None and child.rollup.score is not None:
            rollup.parts.append(
                RollupPart(child.journey, child.rollup.score, child.rollup.sample_size, from_rollup=True)
            )
        else:
            rollup.excluded.append(Exclusion(child.journey, _exclusion_reason(child)))
    node.rollup = rollup


def journey_framework() -> Framework:
    """Every journey in its place in the framework, with owner, health, worst segment and roll-ups."""
    journeys = list(journey_list().order_by("name", "pk"))
    ids = [journey.pk for journey in journeys]
    snapshots = latest_overall_snapshots(ids)
    worst = worst_segments(ids, latest=snapshots)
    nodes = {
        journey.pk: FrameworkNode(
            journey=journey, snapshot=snapshots.get(journey.pk), worst_segment=worst.get(journey.pk)
        )
        for journey in journeys
    }
    roots: list[FrameworkNode] = []
    for journey in journeys:  # by name, so siblings come out by name
        node = nodes[journey.pk]
        parent = nodes.get(journey.parent_id) if journey.parent_id else None
        (parent.children if parent else roots).append(node)
    stack = [(root, 0) for root in roots]
    while stack:
        node, depth = stack.pop()
        node.depth = depth
        stack.extend((child, depth + 1) for child in node.children)
    for root in roots:
        _roll_up(root)
    return Framework(roots=roots, nodes=nodes)
