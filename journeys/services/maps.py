"""Writes of the journeys app: journeys and their maps (stages and touchpoints).

Every function is keyword-only, runs in one transaction and validates before saving. Bad input
raises Django's ``ValidationError`` with field messages (400 in the API, form errors in the UI);
a change the current state forbids raises ``ApplicationError`` (409).

Positions: stage positions are unique per journey in the database, so a reorder cannot swap two
rows with one UPDATE on every backend. ``_renumber_stages`` first moves the rows above any
position in use, then writes the final positions 0..n-1, both inside the caller's transaction.
"""

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, Max, ProtectedError, Value, When
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import bulk_update_with_history

from core.errors import ApplicationError, StaleObjectError

from ..layers import LAYER_FIELDS
from ..models import Interaction, Journey, Stage, Touchpoint
from ..selectors.framework import framework_links

# Paths under /journeys/ that a slug must not shadow.
RESERVED_SLUGS = frozenset({"new"})

JOURNEY_EDITABLE_FIELDS = (
    "name",
    "description",
    "status",
    "tier",
    "service_position",
    "target_duration",
    "target_score",
    "window_days",
    "min_sample",
    "map_reviewed_on",
    "parent",
)
# A framework is at most this many levels deep (lifecycle > journey > sub-journey > step): deeper
# trees stop being readable on one page and their roll-ups average averages of averages.
MAX_FRAMEWORK_DEPTH = 4
# The name of the database trigger that refuses a cycle (migration journey_framework).
NO_CYCLE_TRIGGER = "journeys_journey_no_cycle"
STAGE_EDITABLE_FIELDS = ("name",)
TOUCHPOINT_EDITABLE_FIELDS = ("key", "name", "channel", "is_moment_of_truth", "description", *LAYER_FIELDS)


# --- journeys ------------------------------------------------------------------------------------


def _unique_slug(name: str) -> str:
    base = slugify(name)[:90] or "journey"
    slug, suffix = base, 2
    while slug in RESERVED_SLUGS or Journey.objects.filter(slug=slug).exists():
        slug = f"{base}-{suffix}"
        suffix += 1
    return slug


@transaction.atomic
def journey_create(
    *,
    name: str,
    slug: str = "",
    description: str = "",
    status: str | None = None,
    tier: str | None = None,
    service_position: str | None = None,
    target_duration: dt.timedelta | None = None,
    target_score: int | None = None,
    window_days: int | None = None,
    min_sample: int | None = None,
    map_reviewed_on: dt.date | None = None,
    parent: Journey | None = None,
) -> Journey:
    """Create a journey; the slug is derived from the name when not given. ``parent`` places it in the
    framework, under a wider journey."""
    if slug and slug in RESERVED_SLUGS:
        raise ValidationError({"slug": f'"{slug}" is reserved; choose another slug.'})
    if slug and Journey.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": "Another journey already uses this slug."})
    journey = Journey(name=name, slug=slug or _unique_slug(name), description=description)
    optional = {
        "status": status,
        "tier": tier,
        "service_position": service_position,
        "target_duration": target_duration,
        "target_score": target_score,
        "window_days": window_days,
        "min_sample": min_sample,
        "map_reviewed_on": map_reviewed_on,
    }
    for field, value in optional.items():
        if value is not None:
            setattr(journey, field, value)
    if parent is not None:
        _check_parent(journey=journey, parent=parent)
        journey.parent = parent
    journey.full_clean()
    _save_in_framework(journey)
    return journey


@transaction.atomic
def journey_update(*, journey: Journey, version: int | None = None, **changes) -> Journey:
    """Change a journey's details. ``version`` is the one the caller read: a stale one is refused.

    The slug is not editable: integrations and CSV files refer to journeys by slug.
    Every update increments the version, so the next stale writer is told.
    """
    unknown = set(changes) - set(JOURNEY_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This field cannot be changed."))
    current = Journey.objects.select_for_update().get(pk=journey.pk)
    if version is not None and version != current.version:
        raise StaleObjectError(
            f"This journey was changed by someone else (your version {version}, current version "
            f"{current.version}). Reload it and apply your changes again.",
            field="version",
            extra={"current_version": current.version},
        )
    if "parent" in changes and changes["parent"] is not None:
        _check_parent(journey=current, parent=changes["parent"])
    for field, value in changes.items():
        setattr(current, field, value)
    current.version += 1
    current.full_clean()
    _save_in_framework(current)
    journey.refresh_from_db()
    return current


def _save_in_framework(journey: Journey) -> None:
    """Save; a cycle that slipped past ``_check_parent`` (two editors crossing) is refused by the
    database trigger, and told as the same field error rather than a server error."""
    try:
        with transaction.atomic():
            journey.save()
    except IntegrityError as error:
        if NO_CYCLE_TRIGGER not in str(error):
            raise
        raise ValidationError(
            {"parent": "This would make the framework go round in a circle: someone has just moved a journey. Reload."}
        ) from None


def _check_parent(*, journey: Journey, parent: Journey) -> None:
    """Refuse a parent that would make a cycle or a framework deeper than ``MAX_FRAMEWORK_DEPTH``."""
    if journey.pk is not None and parent.pk == journey.pk:
        raise ValidationError({"parent": "A journey cannot be part of itself."})
    links = framework_links()
    # The parent's ancestors, nearest first, starting with the parent itself.
    chain, seen, current = [], set(), parent.pk
    while current is not None and current not in seen:
        seen.add(current)
        chain.append(current)
        current = links.get(current, (None, ""))[0]
    if journey.pk is not None and journey.pk in chain:
        path = " > ".join(links[pk][1] for pk in reversed(chain[: chain.index(journey.pk) + 1]))
        raise ValidationError(
            {
                "parent": f"{journey.name} cannot sit under {parent.name} because {parent.name} is below it "
                f"({path}). Move {parent.name} out from under {journey.name} first."
            }
        )
    levels = len(chain) + 1 + _height(journey.pk, links)
    if levels > MAX_FRAMEWORK_DEPTH:
        raise ValidationError(
            {
                "parent": f"Under {parent.name}, {journey.name} and the journeys below it would make the framework "
                f"{levels} levels deep; at most {MAX_FRAMEWORK_DEPTH} are allowed."
            }
        )


def _height(journey_id: int | None, links: dict[int, tuple[int | None, str]]) -> int:
    """How many levels of journeys sit below this one (0 for a journey without children)."""
    if journey_id is None:
        return 0
    children: dict[int, list[int]] = {}
    for pk, (parent_id, _name) in links.items():
        if parent_id is not None:
            children.setdefault(parent_id, []).append(pk)
    height, level, seen = 0, [journey_id], {journey_id}
    while True:
        level = [child for pk in level for child in children.get(pk, []) if child not in seen]
        if not level:
            return height
        seen.update(level)
        height += 1


@transaction.atomic
def journey_review_map(*, journey: Journey, on: dt.date | None = None) -> Journey:
    """The owner confirms the map is current (as of today unless told)."""
    return journey_update(journey=journey, map_reviewed_on=on or timezone.localdate())


@transaction.atomic
def journey_delete(*, journey: Journey) -> None:
    """Delete a journey and its map. One with recorded customer data is retired instead, not deleted."""
    if journey.instances.exists():
        raise ApplicationError(
            "This journey has recorded customer journeys; deleting it would erase their history. Retire it instead."
        )
    children = list(journey.children.order_by("name").values_list("name", flat=True))
    if children:
        # The parent link protects: deleting a parent must not silently flatten the framework.
        raise ApplicationError(
            f"{', '.join(children)} {'is' if len(children) == 1 else 'are'} part of this journey; "
            "place them under another journey (or at the top) before deleting it."
        )
    try:
        with transaction.atomic():
            journey.delete()
    except ProtectedError as error:
        # Records of other parts that must outlive the journey (who owned it) protect it.
        kinds = sorted({str(obj._meta.verbose_name_plural) for obj in error.protected_objects})
        raise ApplicationError(
            f"This journey has {', '.join(kinds)} on record; deleting it would erase that history. Retire it instead."
        ) from None


# --- stages --------------------------------------------------------------------------------------


def _lock_map(journey_id: int) -> None:
    """Serialise writes to one journey's map (positions, names, keys): concurrent editors queue
    on the journey row instead of failing on a unique constraint half-way through."""
    list(Journey.objects.select_for_update().filter(pk=journey_id).values_list("pk", flat=True))


def _ordered_stage_ids(journey: Journey) -> list[int]:
    return list(Stage.objects.filter(journey=journey).order_by("position", "id").values_list("id", flat=True))


def _renumber_stages(journey: Journey, ordered_ids: Sequence[int]) -> None:
    """Give the journey's stages the positions 0..n-1 in the given order, in two phases."""
    stages = {stage.pk: stage for stage in Stage.objects.select_for_update().filter(journey=journey)}
    if not stages:
        return
    highest = max(stage.position for stage in stages.values())
    offset = max(highest + 1, len(ordered_ids))
    # Phase 1: every row above any position in use (old or new), so phase 2 cannot collide.
    Stage.objects.filter(pk__in=ordered_ids).update(
        position=Case(*(When(pk=pk, then=Value(offset + index)) for index, pk in enumerate(ordered_ids)))
    )
    changed = []
    for index, pk in enumerate(ordered_ids):
        stage = stages[pk]
        stage.position = index
        changed.append(stage)
    # Phase 2: the final positions, recorded in the audit history.
    bulk_update_with_history(changed, Stage, ["position"], batch_size=500)


def _in_use_stage_ids(journey_id: int) -> set[int]:
    return set(Stage.objects.in_use().filter(journey_id=journey_id).values_list("id", flat=True))


def _check_stage_name(*, journey: Journey, name: str, exclude_pk: int | None = None) -> None:
    others = Stage.objects.filter(journey=journey, name=name)
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    if others.exists():
        raise ValidationError({"name": "This journey already has a stage with this name."})


def _clamp(position: int | None, length: int) -> int:
    if position is None or position > length:
        return length
    return max(position, 0)


@transaction.atomic
def stage_create(*, journey: Journey, name: str, position: int | None = None) -> Stage:
    """Add a stage; at the end unless a position (0-based) is given, shifting later stages right."""
    _lock_map(journey.pk)
    _check_stage_name(journey=journey, name=name)
    ordered = _ordered_stage_ids(journey)
    highest = Stage.objects.filter(journey=journey).aggregate(highest=Max("position"))["highest"]
    # Created above every position in use, then moved to its place.
    stage = Stage(journey=journey, name=name, position=(highest + 1) if highest is not None else 0)
    stage.full_clean()
    stage.save()
    ordered.insert(_clamp(position, len(ordered)), stage.pk)
    _renumber_stages(journey, ordered)
    stage.refresh_from_db()
    return stage


@transaction.atomic
def stage_update(*, stage: Stage, name: str | None = None, position: int | None = None) -> Stage:
    """Rename a stage and/or move it to another position (0-based) in its journey."""
    _lock_map(stage.journey_id)
    if name is not None and name != stage.name:
        _check_stage_name(journey=stage.journey, name=name, exclude_pk=stage.pk)
        stage.name = name
        stage.full_clean()
        stage.save()
    if position is not None:
        ordered = _ordered_stage_ids(stage.journey)
        ordered.remove(stage.pk)
        ordered.insert(_clamp(position, len(ordered)), stage.pk)
        _renumber_stages(stage.journey, ordered)
        stage.refresh_from_db()
    return stage


@transaction.atomic
def stage_reorder(*, journey: Journey, stage_ids: Sequence[int]) -> list[Stage]:
    """Put the journey's stages in the given order: ``stage_ids`` lists every stage exactly once."""
    _lock_map(journey.pk)
    current = set(_ordered_stage_ids(journey))
    if len(stage_ids) != len(set(stage_ids)) or set(stage_ids) != current:
        raise ValidationError({"stage_ids": "List every stage of this journey exactly once."})
    _renumber_stages(journey, list(stage_ids))
    return list(Stage.objects.filter(journey=journey).order_by("position"))


@transaction.atomic
def stage_move(*, stage: Stage, offset: int) -> Stage:
    """Move a stage left (negative offset) or right; past either end it stays at the end."""
    _lock_map(stage.journey_id)
    ordered = _ordered_stage_ids(stage.journey)
    # Retired stages keep their place but are not shown: one step passes over them.
    shown = [pk for pk in ordered if pk == stage.pk or pk in _in_use_stage_ids(stage.journey_id)]
    index = shown.index(stage.pk)
    neighbour = shown[min(max(index + offset, 0), len(shown) - 1)]
    return stage_update(stage=stage, position=ordered.index(neighbour))


@transaction.atomic
def stage_delete(*, stage: Stage) -> None:
    """Delete a stage and its touchpoints, unless customer interactions were recorded at them."""
    _lock_map(stage.journey_id)
    if Interaction.objects.filter(touchpoint__stage=stage).exists():
        raise ApplicationError(
            "Interactions were recorded at touchpoints of this stage, so it cannot be deleted. Retire it "
            "instead (kept for its history, hidden from the map), or move those touchpoints to another stage first."
        )
    journey = stage.journey
    stage.delete()
    _renumber_stages(journey, _ordered_stage_ids(journey))


# --- touchpoints ---------------------------------------------------------------------------------


def _ordered_touchpoint_ids(stage: Stage) -> list[int]:
    return list(Touchpoint.objects.filter(stage=stage).order_by("position", "id").values_list("id", flat=True))


def _renumber_touchpoints(ordered_ids: Sequence[int]) -> None:
    # Touchpoint positions are not unique, so one pass is enough.
    touchpoints = Touchpoint.objects.in_bulk(ordered_ids)
    changed = []
    for index, pk in enumerate(ordered_ids):
        touchpoint = touchpoints[pk]
        if touchpoint.position != index:
            touchpoint.position = index
            changed.append(touchpoint)
    if changed:
        bulk_update_with_history(changed, Touchpoint, ["position"], batch_size=500)


def _check_touchpoint_key(*, journey_id: int, key: str, exclude_pk: int | None = None) -> None:
    others = Touchpoint.objects.filter(journey_id=journey_id, key=key)
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    if others.exists():
        raise ValidationError({"key": f'This journey already has a touchpoint with the key "{key}".'})


def _layer_values(**values: str) -> dict[str, str]:
    """Blueprint layers as stored: surrounding blank space dropped, so a layer of spaces is an empty one."""
    return {field: (value or "").strip() for field, value in values.items()}


def _refuse_retired_stage(stage: Stage) -> None:
    if stage.retired_at is not None:
        raise ValidationError(
            {"stage": f"The stage \u201c{stage.name}\u201d is retired; bring it back before adding touchpoints to it."}
        )


@transaction.atomic
def touchpoint_create(
    *,
    stage: Stage,
    key: str,
    name: str,
    channel: str,
    is_moment_of_truth: bool = False,
    description: str = "",
    position: int | None = None,
    customer_action: str = "",
    frontstage: str = "",
    backstage: str = "",
    support_processes: str = "",
) -> Touchpoint:
    """Add a touchpoint to a stage (at the end unless a 0-based position is given), with its
    blueprint layers when known (``journeys.layers``; each optional)."""
    _lock_map(stage.journey_id)
    _refuse_retired_stage(stage)
    _check_touchpoint_key(journey_id=stage.journey_id, key=key)
    ordered = _ordered_touchpoint_ids(stage)
    touchpoint = Touchpoint(
        stage=stage,
        journey_id=stage.journey_id,
        key=key,
        name=name,
        channel=channel,
        is_moment_of_truth=is_moment_of_truth,
        description=description,
        position=len(ordered),
        **_layer_values(
            customer_action=customer_action,
            frontstage=frontstage,
            backstage=backstage,
            support_processes=support_processes,
        ),
    )
    touchpoint.full_clean()
    touchpoint.save()
    ordered.insert(_clamp(position, len(ordered)), touchpoint.pk)
    _renumber_touchpoints(ordered)
    touchpoint.refresh_from_db()
    return touchpoint


@transaction.atomic
def touchpoint_update(
    *, touchpoint: Touchpoint, stage: Stage | None = None, position: int | None = None, **changes
) -> Touchpoint:
    """Change a touchpoint's key, name, channel, moment-of-truth flag, description or blueprint
    layers; with ``stage`` (of the same journey) or ``position`` it also moves."""
    _lock_map(touchpoint.journey_id)
    unknown = set(changes) - set(TOUCHPOINT_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This field cannot be changed here."))
    if stage is not None and stage.journey_id != touchpoint.journey_id:
        raise ValidationError({"stage": "A touchpoint can only move to a stage of its own journey."})
    if "key" in changes and changes["key"] != touchpoint.key:
        _check_touchpoint_key(journey_id=touchpoint.journey_id, key=changes["key"], exclude_pk=touchpoint.pk)
    changes.update(_layer_values(**{field: changes[field] for field in LAYER_FIELDS if field in changes}))
    if changes:
        for field, value in changes.items():
            setattr(touchpoint, field, value)
        touchpoint.full_clean()
        touchpoint.save()
    if (stage is not None and stage.pk != touchpoint.stage_id) or position is not None:
        touchpoint = touchpoint_move(touchpoint=touchpoint, stage=stage, position=position)
    return touchpoint


@transaction.atomic
def touchpoint_move(*, touchpoint: Touchpoint, stage: Stage | None = None, position: int | None = None) -> Touchpoint:
    """Move a touchpoint to another stage of the same journey and/or another 0-based position."""
    _lock_map(touchpoint.journey_id)
    target = stage or touchpoint.stage
    if target.journey_id != touchpoint.journey_id:
        raise ValidationError({"stage": "A touchpoint can only move to a stage of its own journey."})
    source = touchpoint.stage
    if target.pk != source.pk:
        _refuse_retired_stage(target)
        touchpoint.stage = target
        touchpoint.position = Touchpoint.objects.filter(stage=target).count()
        touchpoint.full_clean()
        touchpoint.save()
        _renumber_touchpoints(_ordered_touchpoint_ids(source))
        if position is None:
            position = touchpoint.position
    if position is not None:
        ordered = _ordered_touchpoint_ids(target)
        ordered.remove(touchpoint.pk)
        ordered.insert(_clamp(position, len(ordered)), touchpoint.pk)
        _renumber_touchpoints(ordered)
        touchpoint.refresh_from_db()
    return touchpoint


@transaction.atomic
def touchpoint_shift(*, touchpoint: Touchpoint, offset: int) -> Touchpoint:
    """Move a touchpoint up (negative offset) or down within its stage."""
    ordered = _ordered_touchpoint_ids(touchpoint.stage)
    in_use = set(Touchpoint.objects.in_use().filter(stage_id=touchpoint.stage_id).values_list("id", flat=True))
    # Retired touchpoints keep their place but are not shown: one step passes over them.
    shown = [pk for pk in ordered if pk == touchpoint.pk or pk in in_use]
    index = shown.index(touchpoint.pk)
    neighbour = shown[min(max(index + offset, 0), len(shown) - 1)]
    return touchpoint_move(touchpoint=touchpoint, position=ordered.index(neighbour))


@transaction.atomic
def touchpoint_delete(*, touchpoint: Touchpoint) -> None:
    """Delete a touchpoint, unless customer interactions were recorded at it."""
    _lock_map(touchpoint.journey_id)
    if touchpoint.interactions.exists():
        raise ApplicationError(
            "Interactions were recorded at this touchpoint; integrations still refer to its key, so it "
            "cannot be deleted. Retire it instead (kept for its history, hidden from the map), or rename or move it."
        )
    stage = touchpoint.stage
    touchpoint.delete()
    _renumber_touchpoints(_ordered_touchpoint_ids(stage))


# --- retiring ------------------------------------------------------------------------------------
# A stage or touchpoint with recorded data cannot be deleted; retiring keeps it (its interactions,
# issues, snapshots and history still point at it) but hides it from the map, the blueprint, the
# Mermaid export and every picker. Bringing it back shows it again where it was.


@transaction.atomic
def stage_retire(*, stage: Stage) -> Stage:
    """Retire a stage: it and its touchpoints are hidden from the map but kept with their data."""
    _lock_map(stage.journey_id)
    stage.refresh_from_db()
    if stage.retired_at is not None:
        raise ApplicationError(f"The stage \u201c{stage.name}\u201d is already retired.")
    stage.retired_at = timezone.now()
    stage.full_clean()
    stage.save()
    return stage


@transaction.atomic
def stage_bring_back(*, stage: Stage) -> Stage:
    """Show a retired stage on the map again, in the place it had, with its touchpoints in use."""
    _lock_map(stage.journey_id)
    stage.refresh_from_db()
    if stage.retired_at is None:
        raise ApplicationError(f"The stage \u201c{stage.name}\u201d is not retired.")
    stage.retired_at = None
    stage.full_clean()
    stage.save()
    return stage


@transaction.atomic
def touchpoint_retire(*, touchpoint: Touchpoint) -> Touchpoint:
    """Retire a touchpoint: hidden from the map and pickers, kept with its interactions and issues."""
    _lock_map(touchpoint.journey_id)
    touchpoint.refresh_from_db()
    if touchpoint.retired_at is not None:
        raise ApplicationError(f"The touchpoint \u201c{touchpoint.name}\u201d is already retired.")
    touchpoint.retired_at = timezone.now()
    touchpoint.full_clean()
    touchpoint.save()
    return touchpoint


@transaction.atomic
def touchpoint_bring_back(*, touchpoint: Touchpoint) -> Touchpoint:
    """Show a retired touchpoint on the map again; its stage must be in use."""
    _lock_map(touchpoint.journey_id)
    touchpoint.refresh_from_db()
    if touchpoint.retired_at is None:
        raise ApplicationError(f"The touchpoint \u201c{touchpoint.name}\u201d is not retired.")
    if touchpoint.stage.retired_at is not None:
        raise ApplicationError(
            f"The touchpoint\u2019s stage \u201c{touchpoint.stage.name}\u201d is retired; bring the stage back first."
        )
    touchpoint.retired_at = None
    touchpoint.full_clean()
    touchpoint.save()
    return touchpoint
