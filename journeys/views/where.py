"""The "Where to act" panel of the journey page (design section 13): weakest touchpoints, the sortable
touchpoint table, the hand-off heat-map, the real paths and the key drivers beside the journey's tier."""

from ..choices import Tier
from ..models import Journey, Stage
from ..selectors import where

# The touchpoint table's sortable columns: ?touchpoints=<column> or -<column> (descending).
SORTABLE = {
    "name": "Touchpoint",
    "stage": "Stage",
    "csat": "Satisfaction",
    "reach": "Reach",
    "interactions": "Interactions",
    "repeat_rate": "Repeat share",
    "reidentification_rate": "Re-identified",
    "abandoned_after": "Abandoned after",
    "journey_csat_reached": "Journey satisfaction if reached",
}
DEFAULT_SORT = "csat"
TIER_ADVICE = {
    Tier.LEADERSHIP: "The business seeks service leadership on this journey: fund the stages to fix first and protect "
    "the ones that lead.",
    Tier.PARITY: "The business seeks competitive parity on this journey: fix what falls below par and avoid "
    "over-investing where it already performs.",
}


def _sorted_rows(rows: list[dict], sort: str) -> tuple[list[dict], str]:
    column = sort.lstrip("-")
    if column not in SORTABLE:
        sort, column = DEFAULT_SORT, DEFAULT_SORT
    descending = sort.startswith("-")
    key_column = "stage_position" if column == "stage" else column
    present = [row for row in rows if row[key_column] is not None]
    missing = [row for row in rows if row[key_column] is None]  # empty values last, whichever the direction
    present.sort(key=lambda row: (row[key_column], row["stage_position"], row["name"]), reverse=descending)
    return present + missing, sort


def where_panel_context(request, journey: Journey) -> dict:
    """Context of the "Where to act" panel: a constant number of queries whatever the size of the journey."""
    snapshot = where.page_snapshot_or(journey, where.latest_snapshot)
    if snapshot is None:
        where.remember_touchpoint_figures(journey, [])
        return {"where": {"snapshot": None}}
    rows = where.touchpoint_rows(snapshot)
    where.remember_touchpoint_figures(journey, rows)  # the blueprint's cards show the same rows
    sorted_rows, sort = _sorted_rows(rows, request.GET.get("touchpoints", DEFAULT_SORT))
    stages = dict(Stage.objects.filter(journey=journey).values_list("position", "name"))
    paths_snapshot = where.page_with_paths(journey)
    drivers_snapshot = where.page_with_drivers(journey)
    drivers = drivers_snapshot.drivers if drivers_snapshot else None
    predictors = where.drivers_rows(drivers) if drivers else []
    return {
        "where": {
            "snapshot": snapshot,
            "weakest": where.weakest_touchpoints(rows),
            "touchpoints": sorted_rows,
            "sort": sort,
            "columns": [
                {
                    "key": key,
                    "label": label,
                    "next": f"-{key}" if sort == key else key,
                    "active": sort.lstrip("-") == key,
                }
                for key, label in SORTABLE.items()
            ],
            "descending": sort.startswith("-"),
            "handoffs": where.handoff_matrix(snapshot),
            "paths": paths_snapshot.paths if paths_snapshot else None,
            "stages": stages,
            "flow_rows": [
                {
                    "source": where.node_label(edge["source"], stages),
                    "target": where.node_label(edge["target"], stages),
                    "count": edge["count"],
                }
                for edge in (paths_snapshot.paths.flow if paths_snapshot else [])
            ],
            "drivers": drivers,
            "drivers_as_of": drivers_snapshot.as_of if drivers_snapshot else None,
            "drivers_message": where.drivers_message(drivers) if drivers else "",
            "predictors": predictors,
            "fix_first": [p for p in predictors if p.get("quadrant") == "fix first"],
            "tier": journey.get_tier_display(),
            "tier_advice": TIER_ADVICE.get(journey.tier, ""),
        }
    }
