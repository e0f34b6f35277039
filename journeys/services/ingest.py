"""Writes of ingested data: the set-based upsert behind ``POST /api/v1/ingest/`` and the instance
and interaction API writes.

One code path for every way data comes in:

- values are read by the readers of ``journeys.records`` whether they come from JSON or from a
  CSV cell, so both give the same messages;
- rows are written through ``journeys.services.staging``: staged in a temporary table, then
  merged with one ``INSERT ... SELECT ... ON CONFLICT DO UPDATE WHERE <values differ>`` per
  table, never a query per row. Unchanged rows are not written at all, so sending the same data
  twice changes nothing (the CSV import, ``journeys.services.imports``, merges the same way);
- ``journey_data_changed_mark`` stamps ``Journey.data_changed_at``, marks the journey's health
  stale from the earliest start day the write touched (``journeys.services.recompute``) and, once
  the transaction commits, sends ``journey_data_changed`` (the health part enqueues its one
  recompute job from it).
"""

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.errors import ApplicationError

from ..models import Interaction, Journey, JourneyInstance, Touchpoint
from ..records import (
    INSTANCE_FIELDS,
    INTERACTION_FIELDS,
    InstanceRecord,
    TouchpointIndex,
    check_instance_end,
    interaction_time_problem,
    is_blank,
    pseudonymity_problem,
    read_instance,
    read_interaction,
    shorten,
    unknown_touchpoint_message,
    value_problems,
)
from ..selectors.ingest import touchpoint_index
from ..signals import journey_data_changed
from .recompute import local_day, pending_recompute_mark
from .staging import NO_INTERACTION, IngestCounts, Staging, instance_part, interaction_part

MAX_INSTANCES_PER_CALL = 1000


def staged_rows_merge(*, staging: Staging) -> tuple[IngestCounts, dict[int, dt.datetime | None]]:
    """Write what is staged (all valid) in the caller's transaction.

    Returns the counts and, for each journey that changed, the earliest start of an instance written.
    """
    counts = IngestCounts()
    changed = {}
    for journey_id, journey_counts in staging.merge(now=timezone.now()).items():
        counts.add(journey_counts)
        if journey_counts.changed:
            changed[journey_id] = journey_counts.earliest_started_at
    return counts, changed


def instance_batch_upsert(
    *, journey: Journey, records: list[InstanceRecord], touchpoints: TouchpointIndex
) -> IngestCounts:
    """Create or update a batch of valid instances of one journey with their interactions.

    Callers validate first (touchpoint keys known, external ids unique in the batch) and run this
    inside their transaction. The records are staged and merged like a CSV file
    (``journeys.services.staging``): new rows inserted, changed rows updated, unchanged rows not written.
    Interactions already stored but absent from the batch are kept.
    """
    if not records:
        return IngestCounts()
    rows = []
    for record in records:
        instance = instance_part(record)
        if not record.interactions:
            rows.append((len(rows) + 1, journey.pk, record.external_id, *instance, *NO_INTERACTION))
        for item in record.interactions:
            interaction = interaction_part(item, touchpoints[item.touchpoint_key])
            rows.append((len(rows) + 1, journey.pk, record.external_id, *instance, *interaction))
    with Staging() as staging:
        staging.add(rows)
        counts, _changed = staged_rows_merge(staging=staging)
    return counts


def journey_data_changed_mark(*, since: Mapping[int, dt.datetime | dt.date | None]) -> None:
    """Stamp the journeys whose data changed and tell the other parts once the transaction commits.

    ``since`` maps each journey to the earliest start (of an instance written, or its start before
    the write) the change touched; None stands for today. Its health is stale from that local day on.
    """
    journey_ids = sorted(since)
    if not journey_ids:
        return
    # A queryset update: data_changed_at is no edit of the journey, so no version bump and no history row.
    # It also locks the journey rows, in id order, so concurrent writers mark the pending recompute in turn.
    Journey.objects.filter(pk__in=journey_ids).update(data_changed_at=timezone.now())
    first_days = {journey_id: local_day(since[journey_id]) for journey_id in journey_ids}
    pending = pending_recompute_mark(first_days=first_days)
    transaction.on_commit(
        lambda: journey_data_changed.send(
            sender=Journey, journey_ids=journey_ids, first_days=first_days, pending_recompute_ids=pending
        )
    )


def _earliest(*changes: tuple[int, dt.datetime | None]) -> dict[int, dt.datetime | None]:
    """(journey id, start) pairs -> the earliest start per journey."""
    since: dict[int, dt.datetime | None] = {}
    for journey_id, started_at in changes:
        current = since.get(journey_id)
        since[journey_id] = started_at if current is None or (started_at and started_at < current) else current
    return since


# --- POST /api/v1/ingest/ -----------------------------------------------------------------------


class IngestInvalid(Exception):  # noqa: N818 (a result, like Django's ValidationError)
    """The batch cannot be loaded; ``errors`` maps a position such as ``instances[3].started_at`` to messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(f"{len(errors)} problems")
        self.errors = errors


def _address(prefix: str, errors: Mapping[str, str]) -> dict[str, list[str]]:
    return {f"{prefix}.{name}": [message] for name, message in errors.items()}


BATCH_KEYS = ("journey", "instances")
INSTANCE_KEYS = (*INSTANCE_FIELDS, "interactions")
INTERACTION_KEYS = INTERACTION_FIELDS


def unknown_keys(raw: Mapping, known: tuple[str, ...], *, prefix: str = "") -> dict[str, list[str]]:
    """A message at each key that is no field: an upsert replaces the whole row, so a misspelt key would
    silently empty the field it meant to set."""
    return {
        f"{prefix}.{key}" if prefix else str(key): [
            f"Unknown field '{shorten(key)}'. The fields are: {', '.join(known)}."
        ]
        for key in raw
        if key not in known
    }


def _read_batch(*, journey: Journey, items: list, touchpoints: TouchpointIndex) -> list[InstanceRecord]:
    errors: dict[str, list[str]] = {}
    records = []
    instance_positions: dict[str, int] = {}
    for index, raw in enumerate(items):
        prefix = f"instances[{index}]"
        if not isinstance(raw, Mapping):
            errors[prefix] = ["Must be an object."]
            continue
        errors.update(unknown_keys(raw, INSTANCE_KEYS, prefix=prefix))
        record, instance_errors = read_instance(raw)
        errors.update(_address(prefix, instance_errors))
        if record is not None:
            first = instance_positions.setdefault(record.external_id, index)
            if first != index:
                errors[f"{prefix}.external_id"] = [
                    f"Duplicate instance external id '{shorten(record.external_id)}' (also at instances[{first}])."
                ]
        raw_interactions = raw.get("interactions") or []
        if not isinstance(raw_interactions, list):
            errors[f"{prefix}.interactions"] = ["Must be a list."]
            continue
        interaction_positions: dict[str, int] = {}
        for position, raw_interaction in enumerate(raw_interactions):
            item_prefix = f"{prefix}.interactions[{position}]"
            if not isinstance(raw_interaction, Mapping):
                errors[item_prefix] = ["Must be an object."]
                continue
            errors.update(unknown_keys(raw_interaction, INTERACTION_KEYS, prefix=item_prefix))
            item, item_errors = read_interaction(raw_interaction)
            errors.update(_address(item_prefix, item_errors))
            if item is None:
                continue
            if item.touchpoint_key not in touchpoints:
                errors[f"{item_prefix}.touchpoint"] = [unknown_touchpoint_message(item.touchpoint_key, journey)]
            too_early = interaction_time_problem(
                started_at=record.started_at if record else None, occurred_at=item.occurred_at
            )
            if too_early:
                errors[f"{item_prefix}.occurred_at"] = [too_early]
            first = interaction_positions.setdefault(item.external_id, position)
            if first != position:
                errors[f"{item_prefix}.external_id"] = [
                    f"Duplicate interaction external id '{shorten(item.external_id)}' in this instance "
                    f"(also at {prefix}.interactions[{first}])."
                ]
            if record is not None:
                record.interactions.append(item)
        if record is not None:
            records.append(record)
    if errors:
        raise IngestInvalid(errors)
    return records


@transaction.atomic
def instance_batch_ingest(*, journey_slug: Any, instances: Any) -> IngestCounts:
    """Load one batch of ``POST /api/v1/ingest/``: all or nothing, upsert by external ids.

    Raises ``IngestInvalid`` with every problem addressed by position; nothing is written then.
    """
    if is_blank(journey_slug):
        raise IngestInvalid({"journey": ["This field is required: the slug of the journey."]})
    if not isinstance(journey_slug, str):
        raise IngestInvalid({"journey": ["Must be text: the slug of the journey."]})
    journey = Journey.objects.filter(slug=journey_slug.strip()).first()
    if journey is None:
        raise IngestInvalid({"journey": [f"Unknown journey '{shorten(journey_slug)}'."]})
    if not isinstance(instances, list):
        raise IngestInvalid({"instances": ["This field is required: a list of instances."]})
    if not instances:
        raise IngestInvalid({"instances": ["Send at least one instance."]})
    if len(instances) > MAX_INSTANCES_PER_CALL:
        raise IngestInvalid(
            {
                "instances": [
                    f"At most {MAX_INSTANCES_PER_CALL:,} instances per call; this batch has {len(instances):,}. "
                    "Split it into several calls."
                ]
            }
        )
    touchpoints = touchpoint_index(journey)
    records = _read_batch(journey=journey, items=instances, touchpoints=touchpoints)
    counts = instance_batch_upsert(journey=journey, records=records, touchpoints=touchpoints)
    if counts.changed:
        journey_data_changed_mark(since={journey.pk: counts.earliest_started_at})
    return counts


# --- single instances and interactions (the CRUD API) ---------------------------------------------


def _raise_field_errors(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError({name: [message] for name, message in errors.items()})


def _apply_instance_values(instance: JourneyInstance, data: Mapping[str, Any]) -> None:
    for name, value in data.items():
        setattr(instance, name, value)
    errors = value_problems(
        instance, identifiers=("external_id", "customer_ref", "segment"), moments=("started_at", "ended_at")
    )
    if instance.customer_ref:
        problem = pseudonymity_problem(instance.customer_ref)
        if problem:
            errors["customer_ref"] = problem
    errors.update(
        check_instance_end(outcome=instance.outcome, started_at=instance.started_at, ended_at=instance.ended_at)
    )
    _raise_field_errors(errors)
    instance.full_clean()


@transaction.atomic
def instance_create(*, journey: Journey, data: Mapping[str, Any]) -> JourneyInstance:
    instance = JourneyInstance(journey=journey)
    _apply_instance_values(instance, data)
    instance.save()
    journey_data_changed_mark(since={journey.pk: instance.started_at})
    return instance


@transaction.atomic
def instance_update(*, instance: JourneyInstance, data: Mapping[str, Any]) -> JourneyInstance:
    previous = (instance.journey_id, instance.started_at)
    previous_journey_id = instance.journey_id
    _apply_instance_values(instance, data)
    if instance.journey_id != previous_journey_id and instance.interactions.exists():
        raise ApplicationError(
            "This instance has interactions at the touchpoints of its journey; it cannot move to another journey.",
            field="journey",
        )
    instance.save()
    journey_data_changed_mark(since=_earliest(previous, (instance.journey_id, instance.started_at)))
    return instance


@transaction.atomic
def instance_delete(*, instance: JourneyInstance) -> None:
    journey_id, started_at = instance.journey_id, instance.started_at
    instance.delete()
    journey_data_changed_mark(since={journey_id: started_at})


def _apply_interaction_values(interaction: Interaction, data: Mapping[str, Any]) -> None:
    data = dict(data)
    touchpoint_key = data.pop("touchpoint_key", None)
    for name, value in data.items():
        setattr(interaction, name, value)
    instance = interaction.instance
    if touchpoint_key is not None:
        touchpoint = Touchpoint.objects.filter(journey_id=instance.journey_id, key=touchpoint_key).first()
        if touchpoint is None:
            _raise_field_errors({"touchpoint": unknown_touchpoint_message(touchpoint_key, instance.journey)})
        interaction.touchpoint = touchpoint
        if not data.get("channel"):
            interaction.channel = touchpoint.channel
    elif interaction.touchpoint_id and interaction.touchpoint.journey_id != instance.journey_id:
        key = interaction.touchpoint.key
        _raise_field_errors({"touchpoint": unknown_touchpoint_message(key, instance.journey)})
    if not interaction.channel and interaction.touchpoint_id:
        interaction.channel = interaction.touchpoint.channel
    errors = value_problems(interaction, identifiers=("external_id",), moments=("occurred_at",))
    if interaction.occurred_at is not None and "occurred_at" not in errors:
        too_early = interaction_time_problem(started_at=instance.started_at, occurred_at=interaction.occurred_at)
        if too_early:
            errors["occurred_at"] = too_early
    _raise_field_errors(errors)
    interaction.full_clean()


@transaction.atomic
def interaction_create(*, instance: JourneyInstance, data: Mapping[str, Any]) -> Interaction:
    interaction = Interaction(instance=instance)
    _apply_interaction_values(interaction, data)
    interaction.save()
    journey_data_changed_mark(since={instance.journey_id: instance.started_at})
    return interaction


@transaction.atomic
def interaction_update(*, interaction: Interaction, data: Mapping[str, Any]) -> Interaction:
    previous = (interaction.instance.journey_id, interaction.instance.started_at)
    _apply_interaction_values(interaction, data)
    interaction.save()
    current = (interaction.instance.journey_id, interaction.instance.started_at)
    journey_data_changed_mark(since=_earliest(previous, current))
    return interaction


@transaction.atomic
def interaction_delete(*, interaction: Interaction) -> None:
    journey_id, started_at = interaction.instance.journey_id, interaction.instance.started_at
    interaction.delete()
    journey_data_changed_mark(since={journey_id: started_at})
