"""Load the reference data set into PostgreSQL with COPY.

At scale 1: 50 journeys (4-6 stages, 8-15 touchpoints each, channels mixed, moments of truth),
1,000,000 journey instances over 180 days and about 6,000,000 interactions, plus the functions,
people, owners, teams, incentives and reviews, issues, initiatives and 180 days of health
snapshots that the list endpoints and pages show.

The data is deterministic for a seed. Instances are generated one day at a time, oldest first,
so rows lie on disk in the order a feed would have written them (journeys interleaved). A day is
generated in a worker process while the previous day is being copied, so Python and PostgreSQL
work in parallel. The interaction trigger (journeys/0002, once per statement since 0005) stays on:
it is part of the product.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import json
import math
import multiprocessing
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from journeys.layers import LAYER_FIELDS

from . import catalog

DAYS = 180
INSTANCES_AT_SCALE_1 = 1_000_000
SECONDS_PER_DAY = 86_400
DIGITAL = frozenset({"web", "app", "email", "chat", "social"})
ASSISTED = frozenset({"phone", "store", "field", "mail"})
# The channel a customer uses instead when their pattern keeps them on one side.
TO_DIGITAL = {"phone": "chat", "store": "web", "field": "app", "mail": "email", "other": "web"}
TO_ASSISTED = {"web": "phone", "app": "phone", "email": "mail", "chat": "phone", "social": "phone", "other": "phone"}
# Interactions per instance: mean 7.0 nominal, 2 to 12; about 6.1 loaded (journeys still in progress are cut
# short, abandoned ones and short maps have fewer touchpoints): 121,632 for 20,000 instances at scale 0.02.
INTERACTION_COUNTS = [2, 3, 4, 6, 6, 7, 7, 8, 8, 8, 9, 11, 12]

BIG_TABLES = ("journeys_journeyinstance", "journeys_interaction")


@dataclass
class JourneyProfile:
    """What the day generator needs to know about one journey (picklable)."""

    id: int
    slug: str
    target_seconds: int
    # (touchpoint id, stage index, default channel), in map order.
    touchpoints: list[tuple[int, int, str]]
    stage_count: int
    segments: list[str]
    segment_cumulative: list[float]
    # Per segment: (mean interaction satisfaction, decay over the journey, journey-vs-touchpoint gap, abandon rate).
    segment_behaviour: list[tuple[float, float, float, float]]
    # Cumulative shares of digital-only, assisted-only (cross-channel is the rest).
    pattern_cumulative: tuple[float, float]


@dataclass
class LoadPlan:
    scale: float
    seed: int
    now: dt.datetime
    total_instances: int
    journeys: list[JourneyProfile] = field(default_factory=list)
    journey_cumulative: list[float] = field(default_factory=list)
    first_instance_id: int = 1


@dataclass
class LoadResult:
    counts: dict[str, int]
    seconds: dict[str, float]


# --------------------------------------------------------------------------------------------
# Formatting for COPY's text format


def _copy_text(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return f"{int(value.total_seconds())} seconds"
    if isinstance(value, (dict, list)):
        value = json.dumps(value)
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def copy_rows(cursor, table: str, columns: list[str], rows) -> int:
    """COPY small row sets (the organisation around the data) from Python tuples."""
    count = 0
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        buffer = []
        for row in rows:
            buffer.append("\t".join(_copy_text(value) for value in row))
            count += 1
            if len(buffer) >= 5000:
                copy.write("\n".join(buffer) + "\n")
                buffer.clear()
        if buffer:
            copy.write("\n".join(buffer) + "\n")
    return count


class TimestampFormatter:
    """Formats epoch seconds as PostgreSQL text quickly: one date string per day, looked up."""

    def __init__(self, first_day: dt.date, days: int):
        self.base = int(dt.datetime.combine(first_day, dt.time(), tzinfo=dt.UTC).timestamp())
        self.dates = [(first_day + dt.timedelta(days=offset)).isoformat() for offset in range(days)]

    def __call__(self, epoch: int) -> str:
        day, rest = divmod(epoch - self.base, SECONDS_PER_DAY)
        hours, rest = divmod(rest, 3600)
        minutes, seconds = divmod(rest, 60)
        return f"{self.dates[day]} {hours:02d}:{minutes:02d}:{seconds:02d}+00"


# --------------------------------------------------------------------------------------------
# The organisation: journeys, maps, functions, people, owners, issues... (small, COPY from tuples)


def _next_ids(cursor, tables: list[str]) -> dict[str, int]:
    ids = {}
    for table in tables:
        cursor.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")
        ids[table] = cursor.fetchone()[0]
    return ids


def _reset_sequences(cursor, tables) -> None:
    for table in tables:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), greatest(coalesce(max(id), 0), 1)) FROM {table}"
        )


ORGANISATION_TABLES = [
    "journeys_journey",
    "journeys_stage",
    "journeys_touchpoint",
    "owners_function",
    "owners_person",
    "owners_ownership",
    "owners_teammembership",
    "owners_responsibility",
    "owners_incentive",
    "owners_incentivereview",
    "improvements_issue",
    "improvements_issue_functions",
    "improvements_initiative",
    "improvements_initiative_issues",
    "improvements_initiative_functions",
    "improvements_initiativeupdate",
    "journeys_healthsnapshot",
    "journeys_stagehealth",
]


def build_organisation(
    cursor,
    *,
    rng: random.Random,
    now: dt.datetime,
    journey_count: int = 50,
    issues_per_journey: int = 40,
    snapshot_days: int = DAYS,
) -> list[JourneyProfile]:
    """COPY journeys and everything around them; return the profiles the instance generator needs."""
    ids = _next_ids(cursor, ORGANISATION_TABLES)
    today = now.date()

    # Functions and people.
    function_ids = {}
    function_rows = []
    for offset, (slug, name) in enumerate(catalog.FUNCTIONS):
        function_ids[slug] = ids["owners_function"] + offset
        function_rows.append((function_ids[slug], now, now, name, f"bench-{slug}", f"The {name} function.", None))
    copy_rows(
        cursor,
        "owners_function",
        ["id", "created_at", "updated_at", "name", "slug", "description", "head_id"],
        function_rows,
    )

    people = []
    person_id = ids["owners_person"]
    function_slugs = list(function_ids)
    for first, last in itertools.product(catalog.FIRST_NAMES, catalog.LAST_NAMES[:10]):
        slug = function_slugs[len(people) % len(function_slugs)]
        people.append(
            (
                person_id,
                now,
                now,
                f"{first} {last}",
                f"{first}.{last}.{person_id}@bench.example".lower(),
                rng.choice(["Manager", "Lead", "Specialist", "Analyst", "Director"]),
                function_ids[slug],
                None,
            )
        )
        person_id += 1
    copy_rows(
        cursor,
        "owners_person",
        ["id", "created_at", "updated_at", "name", "email", "title", "function_id", "user_id"],
        people,
    )
    person_ids = [row[0] for row in people]
    cursor.execute(
        "UPDATE owners_function f SET head_id = p.id FROM (SELECT DISTINCT ON (function_id) id, function_id "
        "FROM owners_person WHERE id >= %s ORDER BY function_id, id) p WHERE p.function_id = f.id AND f.id >= %s",
        [ids["owners_person"], ids["owners_function"]],
    )

    # Incentives.
    incentive_rows = []
    incentive_id = ids["owners_incentive"]
    incentives_by_function: dict[int, list[int]] = {}
    for function_id in function_ids.values():
        for name, measure, target in rng.sample(catalog.INCENTIVES, 4):
            incentive_rows.append(
                (
                    incentive_id,
                    now,
                    now,
                    name,
                    measure,
                    target,
                    rng.choice([10, 15, 20, 25, 30]),
                    rng.random() < 0.9,
                    function_id,
                    # a target stated as "under ..." rewards a lower value; incentives report monthly
                    "lower_is_better" if target.startswith("under") else "higher_is_better",
                    "month",
                )
            )
            incentives_by_function.setdefault(function_id, []).append(incentive_id)
            incentive_id += 1
    copy_rows(
        cursor,
        "owners_incentive",
        [
            "id",
            "created_at",
            "updated_at",
            "name",
            "measure",
            "target",
            "weight",
            "active",
            "function_id",
            "direction",
            "period",
        ],
        incentive_rows,
    )

    # Journeys, stages, touchpoints, responsibilities.
    journeys, stages, touchpoints, responsibilities = [], [], [], []
    profiles: list[JourneyProfile] = []
    stage_id, touchpoint_id, responsibility_id = (
        ids["journeys_stage"],
        ids["journeys_touchpoint"],
        ids["owners_responsibility"],
    )
    journey_functions: dict[int, set[int]] = {}
    stages_by_journey: dict[int, list[int]] = {}
    touchpoints_by_journey: dict[int, list[int]] = {}
    combos = list(itertools.product(catalog.ARCHETYPES, catalog.PRODUCT_LINES))
    for index in range(journey_count):
        (archetype, target_days, archetype_stages), product = combos[index % len(combos)]
        journey_id = ids["journeys_journey"] + index
        suffix = "" if index < len(combos) else f"-{index // len(combos)}"
        slug = f"{product.lower().replace(' ', '-')}-{archetype}{suffix}"
        name = f"{product} {archetype.replace('-', ' ')}{suffix}"
        target_days = max(3, round(target_days * rng.uniform(0.8, 1.3)))
        journeys.append(
            (
                journey_id,
                now,
                now,
                1,
                name.capitalize(),
                slug,
                f"{name.capitalize()}: the reference journey.",
                "active",
                rng.choice(["leadership", "parity", "parity"]),
                rng.choice(["speed", "ease", "personalisation", "emotion"]),
                dt.timedelta(days=target_days),
                rng.choice([70, 75, 75, 80]),
                rng.choice([90, 90, 90, 60, 120]),
                30,
                now,
                today - dt.timedelta(days=rng.randint(0, 150)),
            )
        )
        stage_count = rng.randint(4, 6)
        kept = sorted([0, 5, *rng.sample(range(1, 5), stage_count - 2)])
        touchpoint_target = min(rng.randint(8, 15), 3 * stage_count)
        per_stage = [1] * stage_count
        while sum(per_stage) < touchpoint_target:
            slot = rng.randrange(stage_count)
            if per_stage[slot] < 3:
                per_stage[slot] += 1
        profile_touchpoints = []
        moments = set(rng.sample(range(touchpoint_target), rng.randint(1, 3)))
        journey_functions[journey_id] = set()
        for position, (archetype_index, count) in enumerate(zip(kept, per_stage, strict=True)):
            stage_name, candidates = archetype_stages[archetype_index]
            stages.append((stage_id, now, now, stage_name, position, journey_id))
            stages_by_journey.setdefault(journey_id, []).append(stage_id)
            for tp_position, (tp_name, channel, function_slug) in enumerate(candidates[:count]):
                number = len(profile_touchpoints)
                key = f"{stage_name}-{tp_name}".lower().replace(" ", "-").replace("'", "")[:100]
                touchpoints.append(
                    (
                        touchpoint_id,
                        now,
                        now,
                        key,
                        tp_name,
                        channel,
                        tp_position,
                        number in moments,
                        f"{tp_name} ({channel}).",
                        journey_id,
                        stage_id,
                    )
                )
                touchpoints_by_journey.setdefault(journey_id, []).append(touchpoint_id)
                profile_touchpoints.append((touchpoint_id, position, channel))
                delivering = {function_ids[function_slug]}
                if rng.random() < 0.3:
                    delivering.add(rng.choice(list(function_ids.values())))
                for function_id in sorted(delivering):
                    responsibilities.append((responsibility_id, now, now, function_id, touchpoint_id))
                    responsibility_id += 1
                journey_functions[journey_id] |= delivering
                touchpoint_id += 1
            stage_id += 1

        segment_count = rng.randint(3, 5)
        segments = rng.sample(catalog.SEGMENTS, segment_count)
        shares = catalog.SEGMENT_SHARES[:segment_count]
        # A few percent of instances arrive with no segment at all.
        weights = [0.03] + [share * 0.97 / sum(shares) for share in shares]
        behaviour = [(4.0, 0.2, 0.3, 0.12)]
        for rank in range(segment_count):
            paradox = rank == 1 or rng.random() < 0.2
            behaviour.append(
                (
                    rng.uniform(3.7, 4.5),
                    rng.uniform(0.6, 1.4) if paradox else rng.uniform(0.0, 0.5),
                    rng.uniform(0.9, 1.5) if paradox else rng.uniform(0.0, 0.6),
                    rng.uniform(0.06, 0.22),
                )
            )
        digital_only = rng.uniform(0.25, 0.5)
        assisted_only = rng.uniform(0.15, 0.3)
        profiles.append(
            JourneyProfile(
                id=journey_id,
                slug=slug,
                target_seconds=target_days * SECONDS_PER_DAY,
                touchpoints=profile_touchpoints,
                stage_count=stage_count,
                segments=["", *segments],
                segment_cumulative=list(itertools.accumulate(weights)),
                segment_behaviour=behaviour,
                pattern_cumulative=(digital_only, digital_only + assisted_only),
            )
        )

    copy_rows(
        cursor,
        "journeys_journey",
        [
            "id",
            "created_at",
            "updated_at",
            "version",
            "name",
            "slug",
            "description",
            "status",
            "tier",
            "service_position",
            "target_duration",
            "target_score",
            "window_days",
            "min_sample",
            "data_changed_at",
            "map_reviewed_on",
        ],
        journeys,
    )
    copy_rows(cursor, "journeys_stage", ["id", "created_at", "updated_at", "name", "position", "journey_id"], stages)
    copy_rows(
        cursor,
        "journeys_touchpoint",
        [
            "id",
            "created_at",
            "updated_at",
            "key",
            "name",
            "channel",
            "position",
            "is_moment_of_truth",
            "description",
            "journey_id",
            "stage_id",
            *LAYER_FIELDS,
        ],
        # The generated maps draw no blueprint layers: each layer is the empty text the model defaults to.
        [(*touchpoint, *("",) * len(LAYER_FIELDS)) for touchpoint in touchpoints],
    )
    copy_rows(
        cursor,
        "owners_responsibility",
        ["id", "created_at", "updated_at", "function_id", "touchpoint_id"],
        responsibilities,
    )

    # Owners (with history), teams, incentive reviews.
    ownerships, memberships, reviews = [], [], []
    ownership_id, membership_id, review_id = (
        ids["owners_ownership"],
        ids["owners_teammembership"],
        ids["owners_incentivereview"],
    )
    for profile in profiles:
        if rng.random() < 0.95:  # a few journeys have no owner: an ownership gap
            if rng.random() < 0.4:
                started = today - dt.timedelta(days=rng.randint(400, 800))
                ended = today - dt.timedelta(days=rng.randint(100, 399))
                ownerships.append(
                    (ownership_id, now, now, "Previous owner.", started, ended, profile.id, rng.choice(person_ids))
                )
                ownership_id += 1
            ownerships.append(
                (
                    ownership_id,
                    now,
                    now,
                    "Owns the journey end to end, with budget for fixes.",
                    today - dt.timedelta(days=rng.randint(1, 99)),
                    None,
                    profile.id,
                    rng.choice(person_ids),
                )
            )
            ownership_id += 1
        for person in rng.sample(person_ids, rng.randint(4, 9)):
            memberships.append((membership_id, now, now, rng.choice(catalog.ROLES), profile.id, person))
            membership_id += 1
        for function_id in sorted(journey_functions[profile.id]):
            for incentive in incentives_by_function[function_id]:
                for _ in range(rng.choice([0, 1, 1, 2])):
                    reviews.append(
                        (
                            review_id,
                            now,
                            now,
                            rng.choice(["aligned", "aligned", "neutral", "conflicting"]),
                            "Reviewed with the function head.",
                            now - dt.timedelta(days=rng.randint(1, 300)),
                            incentive,
                            profile.id,
                            rng.choice(person_ids),
                        )
                    )
                    review_id += 1
    copy_rows(
        cursor,
        "owners_ownership",
        ["id", "created_at", "updated_at", "mandate", "started_on", "ended_on", "journey_id", "person_id"],
        ownerships,
    )
    copy_rows(
        cursor,
        "owners_teammembership",
        ["id", "created_at", "updated_at", "role", "journey_id", "person_id"],
        memberships,
    )
    copy_rows(
        cursor,
        "owners_incentivereview",
        [
            "id",
            "created_at",
            "updated_at",
            "verdict",
            "rationale",
            "reviewed_at",
            "incentive_id",
            "journey_id",
            "reviewer_id",
        ],
        reviews,
    )

    # Issues and initiatives.
    issues, issue_functions, initiatives, initiative_issues, initiative_functions, updates = [], [], [], [], [], []
    issue_id, initiative_id = ids["improvements_issue"], ids["improvements_initiative"]
    issue_function_id, initiative_issue_id, initiative_function_id, update_id = (
        ids["improvements_issue_functions"],
        ids["improvements_initiative_issues"],
        ids["improvements_initiative_functions"],
        ids["improvements_initiativeupdate"],
    )
    statuses = (
        ["reported"] * 4 + ["investigating"] * 3 + ["root_cause_confirmed"] * 2 + ["resolved", "closed", "wont_fix"]
    )
    for profile in profiles:
        journey_issue_ids = []
        functions = sorted(journey_functions[profile.id])
        for _ in range(issues_per_journey):
            title, category = rng.choice(catalog.ISSUE_TITLES)
            touchpoint = rng.choice(profile.touchpoints) if rng.random() < 0.7 else None
            stage = (
                stages_by_journey[profile.id][touchpoint[1]]
                if touchpoint
                else (rng.choice(stages_by_journey[profile.id]) if rng.random() < 0.5 else None)
            )
            created = now - dt.timedelta(days=rng.uniform(0, 365))
            status = rng.choice(statuses)
            issues.append(
                (
                    issue_id,
                    created,
                    created,
                    1,
                    title,
                    "Customers call back because nothing happens.",
                    "Confirmed in the case review." if status in ("root_cause_confirmed", "resolved", "closed") else "",
                    category,
                    rng.choice([1, 2, 2, 3, 3, 4]),
                    status,
                    rng.choice([None, *person_ids[:40]]),
                    profile.id,
                    rng.choice(person_ids),
                    stage,
                    touchpoint[0] if touchpoint else None,
                )
            )
            for function_id in rng.sample(functions, min(len(functions), rng.randint(1, 2))):
                issue_functions.append((issue_function_id, issue_id, function_id))
                issue_function_id += 1
            journey_issue_ids.append(issue_id)
            issue_id += 1
        for number in range(6):
            status = rng.choice(["proposed", "approved", "in_progress", "in_progress", "delivered", "measured"])
            start = today - dt.timedelta(days=rng.randint(10, 200))
            delivered = start + dt.timedelta(days=rng.randint(5, 60)) if status in ("delivered", "measured") else None
            initiatives.append(
                (
                    initiative_id,
                    now,
                    now,
                    1,
                    f"Fix {profile.slug.replace('-', ' ')} #{number + 1}",
                    "If we remove the hand-off, repeat contacts fall.",
                    status,
                    rng.choice(["score", "repeat_rate", "journey_csat", "completion_rate"]),
                    60.0,
                    75.0,
                    70.0 if status == "measured" else None,
                    start,
                    start + dt.timedelta(days=rng.randint(30, 120)),
                    delivered,
                    30,
                    round(rng.uniform(5, 80), 1),
                    round(rng.uniform(1, 12), 1),
                    profile.id,
                    rng.choice(person_ids),
                )
            )
            for linked in rng.sample(journey_issue_ids, min(2, len(journey_issue_ids))):
                initiative_issues.append((initiative_issue_id, initiative_id, linked))
                initiative_issue_id += 1
            for function_id in rng.sample(functions, min(len(functions), 2)):
                initiative_functions.append((initiative_function_id, initiative_id, function_id))
                initiative_function_id += 1
            for progress in (20, 50, 80):
                updates.append(
                    (update_id, now, now, f"Progress: {progress}%.", progress, rng.choice(person_ids), initiative_id)
                )
                update_id += 1
            initiative_id += 1
    copy_rows(
        cursor,
        "improvements_issue",
        [
            "id",
            "created_at",
            "updated_at",
            "version",
            "title",
            "symptom",
            "root_cause",
            "category",
            "severity",
            "status",
            "assignee_id",
            "journey_id",
            "reported_by_id",
            "stage_id",
            "touchpoint_id",
        ],
        issues,
    )
    copy_rows(cursor, "improvements_issue_functions", ["id", "issue_id", "function_id"], issue_functions)
    copy_rows(
        cursor,
        "improvements_initiative",
        [
            "id",
            "created_at",
            "updated_at",
            "version",
            "title",
            "hypothesis",
            "status",
            "target_component",
            "baseline_value",
            "target_value",
            "result_value",
            "start_date",
            "due_date",
            "delivered_on",
            "measurement_days",
            "effort",
            "expected_gain",
            "journey_id",
            "lead_id",
        ],
        initiatives,
    )
    copy_rows(cursor, "improvements_initiative_issues", ["id", "initiative_id", "issue_id"], initiative_issues)
    copy_rows(cursor, "improvements_initiative_functions", ["id", "initiative_id", "function_id"], initiative_functions)
    copy_rows(
        cursor,
        "improvements_initiativeupdate",
        ["id", "created_at", "updated_at", "body", "progress", "author_id", "initiative_id"],
        updates,
    )

    _copy_snapshot_history(
        cursor,
        rng=rng,
        now=now,
        profiles=profiles,
        stages_by_journey=stages_by_journey,
        first_snapshot_id=ids["journeys_healthsnapshot"],
        first_stage_health_id=ids["journeys_stagehealth"],
        days=snapshot_days,
    )
    _reset_sequences(cursor, ORGANISATION_TABLES)
    return profiles


def _copy_snapshot_history(
    cursor, *, rng, now, profiles, stages_by_journey, first_snapshot_id, first_stage_health_id, days
) -> None:
    """Daily snapshots before today, as the beat schedule would have left them (today's come from the run)."""
    snapshots, stage_health = [], []
    snapshot_id, stage_health_id = first_snapshot_id, first_stage_health_id
    for profile in profiles:
        for segment in profile.segments:
            score = rng.uniform(50, 85)
            for back in range(days, 0, -1):
                as_of = now.date() - dt.timedelta(days=back)
                score = min(99.0, max(20.0, score + rng.uniform(-1.5, 1.5)))
                status = "healthy" if score >= 75 else "at_risk" if score >= 50 else "critical"
                window_end = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
                csat = 2.5 + score / 50
                snapshots.append(
                    (
                        snapshot_id,
                        now,
                        now,
                        segment,
                        as_of,
                        now,
                        window_end - dt.timedelta(days=90),
                        window_end,
                        rng.randint(30, 20000),
                        round(score, 1),
                        status,
                        csat,
                        csat + 0.4,
                        0.4,
                        0.85,
                        0.7,
                        6.0,
                        0.1,
                        0.12,
                        1.4,
                        0.1,
                        {"digital": 0.4, "assisted": 0.25, "cross_channel": 0.35},
                        [],
                        profile.id,
                    )
                )
                if segment == "":
                    for stage in stages_by_journey[profile.id]:
                        stage_health.append((stage_health_id, 1000, 30, 1500, 4.0, snapshot_id, stage))
                        stage_health_id += 1
                snapshot_id += 1
    copy_rows(
        cursor,
        "journeys_healthsnapshot",
        [
            "id",
            "created_at",
            "updated_at",
            "segment",
            "as_of",
            "computed_at",
            "window_start",
            "window_end",
            "sample_size",
            "score",
            "status",
            "journey_csat",
            "touchpoint_csat",
            "csat_gap",
            "completion_rate",
            "on_time_rate",
            "contacts_per_instance",
            "repeat_rate",
            "reidentification_rate",
            "handoffs_per_instance",
            "satisfaction_decay",
            "channel_mix",
            "alerts",
            "journey_id",
        ],
        snapshots,
    )
    copy_rows(
        cursor,
        "journeys_stagehealth",
        ["id", "reached", "abandoned_here", "interactions", "csat", "snapshot_id", "stage_id"],
        stage_health,
    )


# --------------------------------------------------------------------------------------------
# Instances and interactions: one day at a time, as COPY text

_PLAN: LoadPlan | None = None


def _set_plan(plan: LoadPlan) -> None:
    global _PLAN  # noqa: PLW0603 - the worker process keeps the plan it was started with
    _PLAN = plan


def day_bounds(plan: LoadPlan, day: int) -> tuple[int, int]:
    """The first instance number and the count of instances started on day ``day`` (0 = oldest)."""
    first = plan.total_instances * day // DAYS
    last = plan.total_instances * (day + 1) // DAYS
    return first, last - first


def generate_day(day: int) -> tuple[int, str, int, str, int]:
    """Instance and interaction rows (COPY text) of the instances started on one day."""
    plan = _PLAN
    rng = random.Random(plan.seed * 1_000_003 + day)
    random_ = rng.random
    randrange = rng.randrange
    now_epoch = int(plan.now.timestamp())
    day_start = now_epoch - (DAYS - day) * SECONDS_PER_DAY
    fmt = TimestampFormatter((plan.now - dt.timedelta(days=DAYS + 2)).date(), DAYS + 500)
    journeys = plan.journeys
    journey_cumulative = plan.journey_cumulative
    first, count = day_bounds(plan, day)
    instance_lines = []
    interaction_lines = []
    interaction_count = 0
    for number in range(first, first + count):
        instance_id = plan.first_instance_id + number
        journey = journeys[bisect.bisect(journey_cumulative, random_() * journey_cumulative[-1])]
        segment_index = bisect.bisect(journey.segment_cumulative, random_() * journey.segment_cumulative[-1])
        segment = journey.segments[segment_index]
        base_csat, decay, gap, abandon_rate = journey.segment_behaviour[segment_index]
        started = day_start + randrange(SECONDS_PER_DAY)
        duration = int(journey.target_seconds * math.exp(rng.gauss(-0.1, 0.45)))
        roll = random_()
        pattern = 0 if roll < journey.pattern_cumulative[0] else 1 if roll < journey.pattern_cumulative[1] else 2
        touchpoints = journey.touchpoints
        abandoned = random_() < abandon_rate * (1.6 if pattern == 2 else 1.0)
        if abandoned:
            duration = int(duration * (0.2 + 0.6 * random_()))
            last_stage = randrange(max(1, journey.stage_count - 1))
            touchpoints = [tp for tp in touchpoints if tp[1] <= last_stage]
        ended = started + max(duration, 600)
        if ended > now_epoch:
            outcome, end_text, horizon = "in_progress", "\\N", now_epoch
        else:
            outcome, end_text, horizon = ("abandoned" if abandoned else "completed"), fmt(ended), ended
        started_text = fmt(started)
        k = INTERACTION_COUNTS[randrange(13)]
        span = max(horizon - started, 60)
        if outcome == "in_progress":
            # Only the part of the journey that has happened so far.
            k = max(1, round(k * min(1.0, span / max(duration, 1))))
        available = len(touchpoints)
        if k > available:
            # Journeys that stop early have fewer contacts; a few come back to the same touchpoint.
            k = available + (1 if random_() < 0.5 else 0)
        picks = rng.sample(range(available), min(k, available))
        if k > available:
            picks.append(randrange(available))
        picks.sort()
        offsets = sorted(randrange(span) for _ in range(k))
        satisfaction_sum = 0
        rated = 0
        previous_touchpoint = -1
        previous_channel = ""
        for index in range(k):
            touchpoint_id, _stage, channel = touchpoints[picks[index]]
            if pattern == 0 and channel not in DIGITAL:
                channel = TO_DIGITAL[channel]
            elif pattern == 1 and channel not in ASSISTED:
                channel = TO_ASSISTED[channel]
            occurred = fmt(started + offsets[index])
            progress = index / k
            if random_() < 0.6:
                score = round(base_csat - decay * progress * 2 + rng.gauss(0, 0.7))
                score = 1 if score < 1 else 5 if score > 5 else score
                satisfaction_sum += score
                rated += 1
                satisfaction = str(score)
            else:
                satisfaction = "\\N"
            repeat = "t" if (picks[index] == previous_touchpoint or random_() < 0.07) else "f"
            switched = previous_channel and channel != previous_channel
            reidentified = "t" if random_() < (0.3 if switched else 0.06) else "f"
            roll = random_()
            resolved = "\\N" if roll < 0.5 else "t" if roll < 0.88 else "f"
            interaction_lines.append(
                f"{occurred}\t{occurred}\ti{index + 1}\t{channel}\t{occurred}\t{satisfaction}\t{resolved}\t{repeat}\t"
                f"{reidentified}\t{instance_id}\t{touchpoint_id}\n"
            )
            previous_touchpoint = picks[index]
            previous_channel = channel
        interaction_count += k
        if outcome != "in_progress" and random_() < 0.55:
            mean = satisfaction_sum / rated if rated else base_csat
            score = round(mean - gap - (0.8 if abandoned else 0.0) + rng.gauss(0, 0.6))
            instance_satisfaction = str(1 if score < 1 else 5 if score > 5 else score)
        else:
            instance_satisfaction = "\\N"
        instance_lines.append(
            f"{instance_id}\t{started_text}\t{started_text}\tINS-{instance_id:09d}\tC{randrange(10**9):09d}\t"
            f"{segment}\t{started_text}\t{end_text}\t{outcome}\t{instance_satisfaction}\t{journey.id}\n"
        )
    return count, "".join(instance_lines), interaction_count, "".join(interaction_lines), day


INSTANCE_COLUMNS = (
    "id, created_at, updated_at, external_id, customer_ref, segment, started_at, ended_at, outcome, "
    "satisfaction, journey_id"
)
INTERACTION_COLUMNS = (
    "created_at, updated_at, external_id, channel, occurred_at, satisfaction, resolved, repeat, "
    "reidentified, instance_id, touchpoint_id"
)


def _journey_weights(count: int) -> list[float]:
    """A few big journeys (onboarding of the main product) and a long tail, as in real portfolios."""
    return list(itertools.accumulate(1 / (rank + 1) ** 0.8 for rank in range(count)))


# --------------------------------------------------------------------------------------------
# Index handling around the big COPY


@contextmanager
def deferred_indexes(cursor, tables=BIG_TABLES) -> Iterator[dict[str, float]]:
    """Drop secondary indexes, unique and foreign-key constraints of empty tables; rebuild them after.

    Building an index once over sorted data is several times cheaper than maintaining it row by
    row; foreign keys are validated in one join instead of one lookup per row. Primary keys stay
    (the interaction trigger looks instances up by id) and so do CHECK constraints and triggers.
    """
    timings = {}
    cursor.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('u', 'f') ORDER BY contype DESC",
        [list(tables)],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
        [list(tables)],
    )
    indexes = cursor.fetchall()
    for table, name, _definition in constraints:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        cursor.execute(f"DROP INDEX {name}")
    try:
        yield timings
    finally:
        started = time.perf_counter()
        # Unique constraints first, foreign keys last (they validate against the data just loaded).
        for table, name, definition in sorted(constraints, key=lambda row: row[2].startswith("FOREIGN")):
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        for _name, definition in indexes:
            cursor.execute(definition)
        timings["rebuild_indexes_and_constraints"] = time.perf_counter() - started


# --------------------------------------------------------------------------------------------
# Entry point


def load_reference_data(
    cursor,
    *,
    commit: Callable[[], None] | None = None,
    scale: float,
    seed: int = 20261122,
    now: dt.datetime | None = None,
    processes: int = 1,
    journey_count: int = 50,
    issues_per_journey: int = 40,
    snapshot_days: int = DAYS,
    defer_indexes: bool = True,
    progress=None,
) -> LoadResult:
    """Load the reference data set through ``cursor`` (a psycopg 3 cursor).

    ``defer_indexes`` drops and rebuilds the big tables' indexes around the COPY; only use it on
    a database of its own (it takes the tables' locks), with ``commit`` (the connection's commit):
    the organisation is committed first, so that its deferred foreign-key checks have fired.
    Without it everything stays in the caller's transaction. ``processes`` = 0 generates in-process.
    """
    if defer_indexes and commit is None:
        raise ValueError("defer_indexes needs commit: the organisation must be committed first")
    now = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    rng = random.Random(seed)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    cursor.execute("SET synchronous_commit = off")
    cursor.execute("SET maintenance_work_mem = '256MB'")
    profiles = build_organisation(
        cursor,
        rng=rng,
        now=now,
        journey_count=journey_count,
        issues_per_journey=issues_per_journey,
        snapshot_days=snapshot_days,
    )
    if commit is not None:
        commit()
    timings["organisation"] = time.perf_counter() - started
    plan = LoadPlan(
        scale=scale,
        seed=seed,
        now=now,
        total_instances=round(INSTANCES_AT_SCALE_1 * scale),
        journeys=profiles,
        journey_cumulative=_journey_weights(len(profiles)),
    )
    plan.first_instance_id = _next_ids(cursor, ["journeys_journeyinstance"])["journeys_journeyinstance"]
    counts = {"instances": 0, "interactions": 0}
    copy_seconds = {"instances": 0.0, "interactions": 0.0}
    load_started = time.perf_counter()
    deferral = deferred_indexes(cursor) if defer_indexes else _no_deferral()
    with deferral as index_timings:
        for instance_count, instances, interaction_count, interactions, day in _days(plan, processes):
            copy_started = time.perf_counter()
            with cursor.copy(f"COPY journeys_journeyinstance ({INSTANCE_COLUMNS}) FROM STDIN") as copy:
                copy.write(instances)
            middle = time.perf_counter()
            with cursor.copy(f"COPY journeys_interaction ({INTERACTION_COLUMNS}) FROM STDIN") as copy:
                copy.write(interactions)
            copy_seconds["instances"] += middle - copy_started
            copy_seconds["interactions"] += time.perf_counter() - middle
            counts["instances"] += instance_count
            counts["interactions"] += interaction_count
            if progress and day % 30 == 29:
                progress(
                    f"day {day + 1}/{DAYS}: {counts['instances']:,} instances, {counts['interactions']:,} interactions"
                )
    timings["instances_and_interactions"] = time.perf_counter() - load_started
    timings["copy_instances"] = copy_seconds["instances"]
    timings["copy_interactions"] = copy_seconds["interactions"]
    timings.update(index_timings)
    _reset_sequences(cursor, BIG_TABLES)
    cursor.execute(
        "UPDATE journeys_journey SET data_changed_at = %s WHERE id = ANY(%s)", [now, [p.id for p in profiles]]
    )
    counts["journeys"] = len(profiles)
    timings["total"] = time.perf_counter() - started
    return LoadResult(counts=counts, seconds=timings)


@contextmanager
def _no_deferral():
    yield {}


def _days(plan: LoadPlan, processes: int):
    if processes <= 0:
        _set_plan(plan)
        for day in range(DAYS):
            yield generate_day(day)
        return
    context = multiprocessing.get_context("fork")
    with context.Pool(processes, initializer=_set_plan, initargs=(plan,)) as pool:
        # imap keeps days in order (ids and disk order follow time) while workers run ahead.
        yield from pool.imap(generate_day, range(DAYS))
