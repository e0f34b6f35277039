"""Data ingest: the set-based upsert behind ``POST /api/v1/ingest/``, the instance and interaction
API writes, and the CSV import (upload page, API and ``manage.py import_interactions``).

One code path for every way data comes in:

- values are read by the same parsers (``read_instance`` / ``read_interaction``) whether they come
  from JSON or from a CSV cell, so both give the same messages;
- rows are written through ``journeys.staging``: staged in a temporary table, then merged with
  one ``INSERT ... SELECT ... ON CONFLICT DO UPDATE WHERE <values differ>`` per table, never a
  query per row. Unchanged rows are not written at all, so sending the same data twice changes
  nothing. A CSV file is checked row by row as it streams in, and across rows in the database,
  so the importer's memory does not grow with the file;
- ``mark_data_changed`` stamps ``Journey.data_changed_at`` and, once the transaction commits,
  sends ``journey_data_changed`` (the health part enqueues its recompute from it).
"""

from __future__ import annotations

import contextlib
import csv
import io
import logging
import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from functools import partial
from operator import itemgetter
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from core.errors import ApplicationError
from core.queue import enqueue

from .choices import Channel, ImportStatus, Outcome
from .models import Import, Interaction, Journey, JourneyInstance, Touchpoint
from .signals import journey_data_changed
from .staging import IngestCounts, RowProblem, Staging

logger = logging.getLogger(__name__)

MAX_INSTANCES_PER_CALL = 1000
MAX_REPORTED_ERRORS = 1000
STAGE_BATCH_ROWS = 2000


# --- values -------------------------------------------------------------------------------------


class FieldError(ValueError):
    """A value that cannot be used, with the message the sender sees."""


def _shown(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any, *, required: bool, max_length: int = 100) -> str:
    # Plain str first: every CSV cell is one, and a file has a million of them.
    text = value.strip() if value.__class__ is str else None
    if text is None and not _is_empty(value):
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise FieldError("Must be text.")
        text = str(value).strip()
    if not text:
        if required:
            raise FieldError("This field is required.")
        return ""
    if len(text) > max_length:
        raise FieldError(f"At most {max_length} characters (this has {len(text)}).")
    return text


CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
FORMULA_STARTS = ("=", "+", "@")
EARLIEST_YEAR = 1970
FUTURE_TOLERANCE = timedelta(days=1)


def _identifier(value: Any, *, required: bool) -> str:
    """An id, reference, segment or key: plain text that is safe to show in a page or a spreadsheet."""
    text = _text(value, required=required)
    if CONTROL_CHARACTERS.search(text):
        raise FieldError("Control characters (tabs, line breaks, NUL...) are not allowed here.")
    if text.startswith(FORMULA_STARTS):
        raise FieldError(
            f"'{_shown(text)}' starts with {text[0]}: a spreadsheet would run it as a formula. Send a plain identifier."
        )
    if "<" in text or ">" in text:
        raise FieldError("The characters < and > are not allowed in identifiers.")
    return text


def _datetime(value: Any, *, required: bool) -> datetime | None:
    if value.__class__ is str:  # the common case first: an ISO 8601 text with its offset, in range
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            parsed = None
        if (
            parsed is not None
            and parsed.tzinfo is not None
            and parsed.year >= EARLIEST_YEAR
            and parsed <= timezone.now() + FUTURE_TOLERANCE
        ):
            return parsed
    if _is_empty(value):
        if required:
            raise FieldError("This field is required.")
        return None
    example = "use ISO 8601, e.g. 2026-03-01T09:30:00Z"
    if not isinstance(value, str):
        raise FieldError(f"Must be a date-time text; {example}.")
    text = value.strip()
    try:
        parsed = parse_datetime(text)
        if parsed is None:
            day = parse_date(text)
            parsed = datetime.combine(day, time.min) if day else None  # noqa: DTZ001 (made aware below)
    except ValueError:
        parsed = None
    if parsed is None:
        raise FieldError(f"'{_shown(text)}' is not a date-time; {example}.")
    if timezone.is_naive(parsed):
        try:
            parsed = timezone.make_aware(parsed)
        except (OverflowError, ValueError):  # 0001-01-01 or 9999-12-31 shifted out of range
            raise FieldError(f"'{_shown(text)}' is not a plausible date-time.") from None
    problem = moment_problem(parsed, shown=text)
    if problem:
        raise FieldError(problem)
    return parsed


def moment_problem(moment: datetime, *, shown: str | None = None) -> str | None:
    """Why a date-time cannot be a recorded moment (before 1970, or in the future), if it cannot."""
    if moment.year < EARLIEST_YEAR:
        return f"'{_shown(shown or moment.isoformat())}' is before {EARLIEST_YEAR}: check the date."
    if moment > timezone.now() + FUTURE_TOLERANCE:
        return f"'{_shown(shown or moment.isoformat())}' is in the future: only what already happened can be recorded."
    return None


def _value_problems(obj, *, identifiers: tuple[str, ...], moments: tuple[str, ...]) -> dict[str, str]:
    """The identifier and date rules of ingest and CSV, applied to a row written through the CRUD API."""
    errors = {}
    for name in identifiers:
        value = getattr(obj, name)
        if value:
            try:
                _identifier(value, required=False)
            except FieldError as error:
                errors[name] = str(error)
    for name in moments:
        value = getattr(obj, name)
        problem = moment_problem(value) if value is not None else None
        if problem:
            errors[name] = problem
    return errors


WHOLE_NUMBER = re.compile(r"[+-]?\d+")


def _satisfaction(value: Any) -> int | None:
    if value.__class__ is str:
        text = value.strip()
        if not text:
            return None
        if WHOLE_NUMBER.fullmatch(text):
            number = int(text)
            if 1 <= number <= 5:
                return number
    if _is_empty(value):
        return None
    message = f"'{_shown(value)}' is not a satisfaction score: use a whole number from 1 to 5."
    if isinstance(value, bool):
        raise FieldError(message)
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and WHOLE_NUMBER.fullmatch(value.strip()):
        number = int(value.strip())
    else:
        raise FieldError(message)
    if not 1 <= number <= 5:
        raise FieldError(f"Satisfaction is rated from 1 to 5; got {_shown(number)}.")
    return number


TRUE_WORDS = frozenset({"true", "t", "yes", "y", "1"})
FALSE_WORDS = frozenset({"false", "f", "no", "n", "0"})


def _boolean(value: Any, *, nullable: bool) -> bool | None:
    if value.__class__ is str:
        word = value.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    if _is_empty(value):
        return None if nullable else False
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    raise FieldError(f"'{_shown(value)}' is not a yes/no value: use true or false.")


_CHOICE_VALUES: dict[type, tuple[str, ...]] = {}


def _choice(value: Any, choices: type, *, default: str) -> str:
    allowed = _CHOICE_VALUES.get(choices)
    if allowed is None:
        allowed = _CHOICE_VALUES[choices] = tuple(choices.values)
    word = value.strip().lower() if isinstance(value, str) else None
    if word in allowed:
        return word
    if _is_empty(value):
        return default
    raise FieldError(f"'{_shown(value)}' is not one of: {', '.join(allowed)}.")


EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
PHONE_PATTERN = re.compile(r"\+?[\d\s().-]+")


def pseudonymity_problem(customer_ref: str) -> str | None:
    """Why a customer reference is not pseudonymous (an e-mail address or a phone number), if it is not.

    Plain digit strings that do not start with 0 are taken for customer numbers; a number written
    like a phone number (leading + or 0, or digit groups with spaces, dashes, dots or brackets) is
    refused.
    """
    if EMAIL_PATTERN.search(customer_ref):
        return "This looks like an e-mail address. Send a pseudonymous reference (e.g. a hashed customer id)."
    if PHONE_PATTERN.fullmatch(customer_ref):
        digits = sum(char.isdigit() for char in customer_ref)
        written_as_phone = customer_ref.startswith(("+", "0")) or not customer_ref.isdigit()
        if 7 <= digits <= 15 and written_as_phone:
            return "This looks like a phone number. Send a pseudonymous reference (e.g. a hashed customer id)."
    return None


def _customer_ref(value: Any) -> str:
    text = _text(value, required=False)
    problem = pseudonymity_problem(text) if text else None
    if problem:
        raise FieldError(problem)
    return _identifier(text, required=False)


def check_instance_end(*, outcome: str, started_at: datetime | None, ended_at: datetime | None) -> dict[str, str]:
    """The outcome/end rule of design section 3, as field messages (empty when the values agree)."""
    if outcome == Outcome.IN_PROGRESS and ended_at is not None:
        return {
            "ended_at": "A journey in progress has no end: leave ended_at empty, "
            "or set the outcome to completed or abandoned."
        }
    if outcome in (Outcome.COMPLETED, Outcome.ABANDONED) and ended_at is None:
        return {"ended_at": f"A {outcome} journey needs ended_at."}
    if started_at is not None and ended_at is not None and ended_at < started_at:
        return {"ended_at": "ended_at is before started_at."}
    return {}


def interaction_time_problem(*, started_at: datetime | None, occurred_at: datetime) -> str | None:
    """An interaction cannot happen before the customer's journey started."""
    if started_at is not None and occurred_at < started_at:
        return started_before_message(started_at)
    return None


def started_before_message(started_at: datetime) -> str:
    return f"occurred_at is before the journey started ({started_at.isoformat()})."


# --- records ------------------------------------------------------------------------------------


@dataclass
class InteractionRecord:
    external_id: str
    touchpoint_key: str
    channel: str  # "" = the touchpoint's channel
    occurred_at: datetime
    satisfaction: int | None
    resolved: bool | None
    repeat: bool
    reidentified: bool


@dataclass
class InstanceRecord:
    external_id: str
    customer_ref: str
    segment: str
    started_at: datetime
    ended_at: datetime | None
    outcome: str
    satisfaction: int | None
    interactions: list[InteractionRecord] = field(default_factory=list)


Reader = Callable[[Any], Any]
INSTANCE_READERS: tuple[tuple[str, Reader], ...] = (
    ("external_id", partial(_identifier, required=True)),
    ("customer_ref", _customer_ref),
    ("segment", partial(_identifier, required=False)),
    ("started_at", partial(_datetime, required=True)),
    ("ended_at", partial(_datetime, required=False)),
    ("outcome", partial(_choice, choices=Outcome, default="")),
    ("satisfaction", _satisfaction),
)
INTERACTION_READERS: tuple[tuple[str, Reader], ...] = (
    ("external_id", partial(_identifier, required=True)),
    ("touchpoint", partial(_identifier, required=True)),
    ("channel", partial(_choice, choices=Channel, default="")),
    ("occurred_at", partial(_datetime, required=True)),
    ("satisfaction", _satisfaction),
    ("resolved", partial(_boolean, nullable=True)),
    ("repeat", partial(_boolean, nullable=False)),
    ("reidentified", partial(_boolean, nullable=False)),
)


def _read(readers: tuple[tuple[str, Reader], ...], raw_values: Iterable[Any]) -> tuple[list[Any], dict[str, str]]:
    """Each value read by its reader, or the message per field that cannot be read."""
    raw_values = tuple(raw_values)
    try:  # the common case, without a handler per field
        return [reader(value) for (_name, reader), value in zip(readers, raw_values, strict=True)], {}
    except FieldError:
        pass
    values, errors = [], {}
    for (name, reader), value in zip(readers, raw_values, strict=True):
        try:
            values.append(reader(value))
        except FieldError as error:
            values.append(None)
            errors[name] = str(error)
    return values, errors


INSTANCE_FIELDS = tuple(name for name, _reader in INSTANCE_READERS)


def read_instance(raw: Mapping[str, Any]) -> tuple[InstanceRecord | None, dict[str, str]]:
    """An instance from JSON or CSV values (without its interactions), or the message per field."""
    return read_instance_values(raw.get(name) for name, _reader in INSTANCE_READERS)


def read_instance_values(raw_values: Iterable[Any]) -> tuple[InstanceRecord | None, dict[str, str]]:
    """``read_instance`` from the values in the order of ``INSTANCE_READERS``."""
    read, errors = _read(INSTANCE_READERS, raw_values)
    values = dict(zip(INSTANCE_FIELDS, read, strict=True))
    if not {"outcome", "ended_at", "started_at"} & errors.keys():
        if not values["outcome"]:
            if values["ended_at"] is not None:
                errors["outcome"] = "Give the outcome (completed or abandoned) of a journey that has ended."
            values["outcome"] = Outcome.IN_PROGRESS
        errors.update(check_instance_end(**{k: values[k] for k in ("outcome", "started_at", "ended_at")}))
    if errors:
        return None, errors
    return InstanceRecord(**values), {}


def read_interaction(raw: Mapping[str, Any]) -> tuple[InteractionRecord | None, dict[str, str]]:
    """An interaction from JSON or CSV values, or the message per field (touchpoint keys are checked later)."""
    return read_interaction_values(raw.get(name) for name, _reader in INTERACTION_READERS)


def read_interaction_values(raw_values: Iterable[Any]) -> tuple[InteractionRecord | None, dict[str, str]]:
    """``read_interaction`` from the values in the order of ``INTERACTION_READERS`` (that of InteractionRecord)."""
    values, errors = _read(INTERACTION_READERS, raw_values)
    if errors:
        return None, errors
    return InteractionRecord(*values), {}


TouchpointIndex = dict[str, tuple[int, str]]


def touchpoint_index(journey: Journey) -> TouchpointIndex:
    """Touchpoint key -> (id, channel) for one journey: one query."""
    return {key: (pk, channel) for pk, key, channel in journey.touchpoints.values_list("id", "key", "channel")}


def unknown_touchpoint_message(key: str, journey: Journey) -> str:
    return f"Unknown touchpoint key '{_shown(key)}' for journey '{journey.slug}'."


# --- writes -------------------------------------------------------------------------------------


# A staged row (journeys.staging.COLUMNS): (row number, journey id, instance id, *instance part,
# *interaction part). The parts of a row that carries no valid instance or interaction:
NO_INSTANCE = (False, None, None, None, None, None, None)
NO_INTERACTION = (False, None, None, None, None, None, None, None, None)


def instance_part(record: InstanceRecord) -> tuple:
    return (
        True,
        record.customer_ref,
        record.segment,
        record.started_at,
        record.ended_at,
        record.outcome,
        record.satisfaction,
    )


def interaction_part(item: InteractionRecord, touchpoint: tuple[int, str] | None) -> tuple:
    """The staged interaction; ``touchpoint`` is (id, channel), None when its key is unknown."""
    touchpoint_id, touchpoint_channel = touchpoint if touchpoint is not None else (None, "")
    return (
        True,
        item.external_id,
        touchpoint_id,
        item.channel or touchpoint_channel,
        item.occurred_at,
        item.satisfaction,
        item.resolved,
        item.repeat,
        item.reidentified,
    )


def merge_staged(staging: Staging) -> tuple[IngestCounts, list[int]]:
    """Write what is staged (all valid) in the caller's transaction: the counts and the journeys that changed."""
    counts = IngestCounts()
    changed = []
    for journey_id, journey_counts in staging.merge(now=timezone.now()).items():
        counts.add(journey_counts)
        if journey_counts.changed:
            changed.append(journey_id)
    return counts, changed


def upsert_records(*, journey: Journey, records: list[InstanceRecord], touchpoints: TouchpointIndex) -> IngestCounts:
    """Create or update a batch of valid instances of one journey with their interactions.

    Callers validate first (touchpoint keys known, external ids unique in the batch) and run this
    inside their transaction. The records are staged and merged like a CSV file
    (``journeys.staging``): new rows inserted, changed rows updated, unchanged rows not written.
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
        counts, _changed = merge_staged(staging)
    return counts


def mark_data_changed(*, journey_ids: Iterable[int]) -> None:
    """Stamp the journeys whose data changed and tell the other parts once the transaction commits."""
    journey_ids = sorted(set(journey_ids))
    if not journey_ids:
        return
    # A queryset update: data_changed_at is no edit of the journey, so no version bump and no history row.
    Journey.objects.filter(pk__in=journey_ids).update(data_changed_at=timezone.now())
    transaction.on_commit(lambda: journey_data_changed.send(sender=Journey, journey_ids=journey_ids))


# --- POST /api/v1/ingest/ -----------------------------------------------------------------------


class IngestInvalid(Exception):  # noqa: N818 (a result, like Django's ValidationError)
    """The batch cannot be loaded; ``errors`` maps a position such as ``instances[3].started_at`` to messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(f"{len(errors)} problems")
        self.errors = errors


def _address(prefix: str, errors: Mapping[str, str]) -> dict[str, list[str]]:
    return {f"{prefix}.{name}": [message] for name, message in errors.items()}


def _read_batch(*, journey: Journey, items: list, touchpoints: TouchpointIndex) -> list[InstanceRecord]:
    errors: dict[str, list[str]] = {}
    records = []
    instance_positions: dict[str, int] = {}
    for index, raw in enumerate(items):
        prefix = f"instances[{index}]"
        if not isinstance(raw, Mapping):
            errors[prefix] = ["Must be an object."]
            continue
        record, instance_errors = read_instance(raw)
        errors.update(_address(prefix, instance_errors))
        if record is not None:
            first = instance_positions.setdefault(record.external_id, index)
            if first != index:
                errors[f"{prefix}.external_id"] = [
                    f"Duplicate instance external id '{_shown(record.external_id)}' (also at instances[{first}])."
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
                    f"Duplicate interaction external id '{_shown(item.external_id)}' in this instance "
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
def ingest_batch(*, journey_slug: Any, instances: Any) -> IngestCounts:
    """Load one batch of ``POST /api/v1/ingest/``: all or nothing, upsert by external ids.

    Raises ``IngestInvalid`` with every problem addressed by position; nothing is written then.
    """
    if _is_empty(journey_slug):
        raise IngestInvalid({"journey": ["This field is required: the slug of the journey."]})
    if not isinstance(journey_slug, str):
        raise IngestInvalid({"journey": ["Must be text: the slug of the journey."]})
    journey = Journey.objects.filter(slug=journey_slug.strip()).first()
    if journey is None:
        raise IngestInvalid({"journey": [f"Unknown journey '{_shown(journey_slug)}'."]})
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
    counts = upsert_records(journey=journey, records=records, touchpoints=touchpoints)
    if counts.changed:
        mark_data_changed(journey_ids=[journey.pk])
    return counts


# --- single instances and interactions (the CRUD API) ---------------------------------------------


def _raise_field_errors(errors: dict[str, str]) -> None:
    if errors:
        from django.core.exceptions import ValidationError

        raise ValidationError({name: [message] for name, message in errors.items()})


def _apply_instance_values(instance: JourneyInstance, data: Mapping[str, Any]) -> None:
    for name, value in data.items():
        setattr(instance, name, value)
    errors = _value_problems(
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
    mark_data_changed(journey_ids=[journey.pk])
    return instance


@transaction.atomic
def instance_update(*, instance: JourneyInstance, data: Mapping[str, Any]) -> JourneyInstance:
    previous_journey_id = instance.journey_id
    _apply_instance_values(instance, data)
    if instance.journey_id != previous_journey_id and instance.interactions.exists():
        raise ApplicationError(
            "This instance has interactions at the touchpoints of its journey; it cannot move to another journey.",
            field="journey",
        )
    instance.save()
    mark_data_changed(journey_ids=[previous_journey_id, instance.journey_id])
    return instance


@transaction.atomic
def instance_delete(*, instance: JourneyInstance) -> None:
    journey_id = instance.journey_id
    instance.delete()
    mark_data_changed(journey_ids=[journey_id])


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
    errors = _value_problems(interaction, identifiers=("external_id",), moments=("occurred_at",))
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
    mark_data_changed(journey_ids=[instance.journey_id])
    return interaction


@transaction.atomic
def interaction_update(*, interaction: Interaction, data: Mapping[str, Any]) -> Interaction:
    previous_journey_id = interaction.instance.journey_id
    _apply_interaction_values(interaction, data)
    interaction.save()
    mark_data_changed(journey_ids=[previous_journey_id, interaction.instance.journey_id])
    return interaction


@transaction.atomic
def interaction_delete(*, interaction: Interaction) -> None:
    journey_id = interaction.instance.journey_id
    interaction.delete()
    mark_data_changed(journey_ids=[journey_id])


# --- CSV format ---------------------------------------------------------------------------------

# Column -> (level, field of read_instance / read_interaction). The order is the export's order.
CSV_COLUMNS: dict[str, tuple[str, str]] = {
    "journey": ("journey", "journey"),
    "instance_external_id": ("instance", "external_id"),
    "customer_ref": ("instance", "customer_ref"),
    "segment": ("instance", "segment"),
    "started_at": ("instance", "started_at"),
    "ended_at": ("instance", "ended_at"),
    "outcome": ("instance", "outcome"),
    "instance_satisfaction": ("instance", "satisfaction"),
    "interaction_external_id": ("interaction", "external_id"),
    "touchpoint": ("interaction", "touchpoint"),
    "channel": ("interaction", "channel"),
    "occurred_at": ("interaction", "occurred_at"),
    "satisfaction": ("interaction", "satisfaction"),
    "resolved": ("interaction", "resolved"),
    "repeat": ("interaction", "repeat"),
    "reidentified": ("interaction", "reidentified"),
}
REQUIRED_COLUMNS = (
    "journey",
    "instance_external_id",
    "started_at",
    "interaction_external_id",
    "touchpoint",
    "occurred_at",
)
INSTANCE_COLUMN = {field_name: column for column, (level, field_name) in CSV_COLUMNS.items() if level == "instance"}
INTERACTION_COLUMN = {
    field_name: column for column, (level, field_name) in CSV_COLUMNS.items() if level == "interaction"
}
INTERACTION_KEY_COLUMNS = ("interaction_external_id", "touchpoint", "occurred_at")


def csv_value(value: Any) -> str:
    """A stored value as the import reads it back."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.astimezone(timezone.get_current_timezone()).isoformat()
    return str(value)


# --- CSV import -----------------------------------------------------------------------------------


@dataclass
class ImportProblem:
    row: int | None
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


class ErrorReport:
    """Every problem is counted; the first ``MAX_REPORTED_ERRORS`` are kept with their row and column."""

    def __init__(self):
        self.problems: list[ImportProblem] = []
        self.count = 0

    def add(self, row: int | None, column: str, message: str) -> None:
        self.count += 1
        if len(self.problems) < MAX_REPORTED_ERRORS:
            self.problems.append(ImportProblem(row, column, message))

    def add_sorted(self, problems: list[ImportProblem], count: int) -> None:
        """Add problems found apart from the row-by-row reading (each list in row order), then order all by row.

        Both lists hold at least the first ``MAX_REPORTED_ERRORS`` of their kind, so the first
        ``MAX_REPORTED_ERRORS`` of the merged list are the first of the file.
        """
        self.count += count
        order = {column: position for position, column in enumerate(CSV_COLUMNS)}
        merged = sorted(
            [*self.problems, *problems], key=lambda problem: (problem.row or 0, order.get(problem.column, -1))
        )
        self.problems = merged[:MAX_REPORTED_ERRORS]

    def __bool__(self) -> bool:
        return self.count > 0

    def as_list(self) -> list[dict[str, Any]]:
        return [problem.as_dict() for problem in self.problems]


@dataclass
class ImportResult:
    counts: IngestCounts
    errors: ErrorReport
    total_rows: int

    @property
    def succeeded(self) -> bool:
        return not self.errors


ProgressCallback = Callable[[str, int, int], None]  # (phase "checking" | "loading", rows done, total rows)
Opener = Callable[[], Any]  # returns a new binary file object positioned at the start


@dataclass
class _JourneyData:
    journey: Journey
    touchpoints: TouchpointIndex


class _StopReading(Exception):  # noqa: N818
    pass


class _CsvReader:
    """Streams a stored CSV file: a header row, then ``(row number, cells)``; row 1 is the header."""

    def __init__(self, opener: Opener, errors: ErrorReport):
        self.opener = opener
        self.errors = errors

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        row_number = 1
        with self.opener() as handle:
            text = io.TextIOWrapper(getattr(handle, "file", handle), encoding="utf-8-sig", newline="")
            try:
                for row_number, cells in enumerate(csv.reader(text), start=1):  # noqa: B007 (reported below)
                    yield row_number, cells
            except UnicodeDecodeError as error:
                self.errors.add(
                    row_number + 1,
                    "",
                    f"The file is not UTF-8 text (byte 0x{error.object[error.start]:02x} cannot be read). "
                    "Save it as 'CSV UTF-8' and upload it again.",
                )
                raise _StopReading from error
            except csv.Error as error:
                self.errors.add(row_number + 1, "", f"The file is not valid CSV: {error}.")
                raise _StopReading from error
            finally:
                text.detach()


class CsvImport:
    """Check a whole CSV file, then load it in one transaction, or nothing.

    The file is read twice, as a stream: once to count its rows (for the progress bar) and once to
    check every row and stage it (``journeys.staging``: a temporary table, COPY on PostgreSQL) in
    batches of ``STAGE_BATCH_ROWS``, with progress written in autocommit so that other
    connections see it. The checks that need more than one row (contradicting instance rows,
    duplicate interactions, interactions before their instance started) are one query over the
    staged rows, and loading is one set-based merge in one transaction. Nothing of the file is
    kept in Python beyond one batch, so memory does not grow with the file; on SQLite the write
    lock is taken only by the merge.
    """

    def __init__(self, *, opener: Opener, journey: Journey | None = None, on_progress: ProgressCallback | None = None):
        self.opener = opener
        self.journey = journey
        self.on_progress = on_progress or (lambda phase, done, total: None)
        self.errors = ErrorReport()
        self.counts = IngestCounts()
        self.total_rows = 0
        self._journeys: dict[str, _JourneyData | None] = {}
        self._columns: list[str] = []

    def run(self) -> ImportResult:
        try:
            self._count_rows()
            if not self.errors:
                with Staging() as staging:
                    self._stage(staging)
                    if not self.errors:
                        self._load(staging)
        except _StopReading:
            pass
        return ImportResult(counts=self.counts, errors=self.errors, total_rows=self.total_rows)

    def _reader(self) -> _CsvReader:
        return _CsvReader(self.opener, self.errors)

    def _count_rows(self) -> None:
        rows = 0
        header = None
        for row_number, cells in self._reader().rows():
            if row_number == 1:
                header = cells
            elif "".join(cells).strip():
                rows += 1
        if header is None:
            expected = ", ".join(REQUIRED_COLUMNS)
            self.errors.add(1, "", f"The file is empty: expected a header row with at least the columns {expected}.")
            return
        self._read_header(header)
        if not self.errors and rows == 0:
            self.errors.add(2, "", "The file has a header but no data rows.")
        self.total_rows = rows

    def _read_header(self, header: list[str]) -> None:
        columns = [name.strip().lower() for name in header]
        if len(columns) == 1:
            delimiter = next((mark for mark in (";", "\t", "|") if mark in columns[0]), None)
            if delimiter is not None:
                shown = "tab" if delimiter == "\t" else f"'{delimiter}'"
                self.errors.add(
                    1,
                    "",
                    f"The columns are separated by {shown}; separate them by commas "
                    "(in a spreadsheet: save as 'CSV UTF-8 (comma delimited)').",
                )
                return
        seen = set()
        for name in columns:
            if name in seen:
                self.errors.add(1, name, f"Column '{_shown(name)}' appears twice.")
            elif name and name not in CSV_COLUMNS:
                self.errors.add(1, name, f"Unknown column '{_shown(name)}'. The columns are: {', '.join(CSV_COLUMNS)}.")
            seen.add(name)
        for name in REQUIRED_COLUMNS:
            if name not in seen and not (name == "journey" and self.journey is not None):
                self.errors.add(1, name, f"Missing column '{name}'.")
        self._columns = columns

    def _cells(self) -> Iterator[tuple[int, list[str]]]:
        """The data rows: blank rows skipped, rows of the wrong width reported.

        Each row gets one more cell, "", which stands for every column the file does not have.
        """
        width = len(self._columns)
        for row_number, cells in self._reader().rows():
            if row_number == 1 or not "".join(cells).strip():
                continue
            if len(cells) != width:
                self.errors.add(row_number, "", f"This row has {len(cells)} values; the header has {width} columns.")
                continue
            cells.append("")
            yield row_number, cells

    def _position(self, column: str) -> int:
        return self._columns.index(column) if column in self._columns else len(self._columns)

    def _getter(self, columns: Iterable[str]) -> Callable[[list[str]], tuple[str, ...]]:
        """The cells of these columns of a row from ``_cells``, as a tuple."""
        return itemgetter(*[self._position(column) for column in columns], len(self._columns))

    def _journey_of(self, row_number: int, slug: str, *, report: bool) -> _JourneyData | None:
        slug = slug.strip()
        if self.journey is not None:
            if slug and slug != self.journey.slug:
                if report:
                    self.errors.add(
                        row_number,
                        "journey",
                        f"This row is for journey '{_shown(slug)}' but the import is for '{self.journey.slug}'.",
                    )
                return None
            slug = self.journey.slug
        if not slug:
            if report:
                self.errors.add(row_number, "journey", "This field is required.")
            return None
        if slug not in self._journeys:
            journey = self.journey if self.journey is not None else Journey.objects.filter(slug=slug).first()
            self._journeys[slug] = _JourneyData(journey, touchpoint_index(journey)) if journey else None
        data = self._journeys[slug]
        if data is None and report:
            self.errors.add(row_number, "journey", f"Unknown journey '{_shown(slug)}'.")
        return data

    def _stage(self, staging: Staging) -> None:
        """Check every row on its own and stage it; then the checks across rows, in the database."""
        journey_position = self._position("journey")
        # Each getter ends with the always-empty cell, so that its tuple has a known length; [:-1] drops it.
        instance_cells_of = self._getter(INSTANCE_COLUMN[name] for name in INSTANCE_FIELDS)
        interaction_cells_of = self._getter(INTERACTION_COLUMN[name] for name, _reader in INTERACTION_READERS)
        key_cells_of = self._getter(INTERACTION_KEY_COLUMNS)
        done = 0
        batch: list[tuple] = []
        # Parsed instance columns by their cells: an instance's rows repeat them. Cleared with each batch.
        instances: dict[tuple, tuple[tuple, dict[str, str]]] = {}
        self.on_progress("checking", 0, self.total_rows)
        for row_number, cells in self._cells():
            done += 1
            journey_data = self._journey_of(row_number, cells[journey_position], report=True)
            journey_id = journey_data.journey.pk if journey_data is not None else None
            instance_cells = instance_cells_of(cells)
            parsed = instances.get((journey_id, instance_cells))
            if parsed is None:
                record, instance_errors = read_instance_values(instance_cells[:-1])
                parsed = instances[(journey_id, instance_cells)] = (
                    instance_part(record) if record is not None else NO_INSTANCE,
                    instance_errors,
                )
            instance, instance_errors = parsed
            for name, message in instance_errors.items():
                self.errors.add(row_number, INSTANCE_COLUMN[name], message)
            interaction = NO_INTERACTION
            if "".join(key_cells_of(cells)).strip():
                item, item_errors = read_interaction_values(interaction_cells_of(cells)[:-1])
                for name, message in item_errors.items():
                    self.errors.add(row_number, INTERACTION_COLUMN[name], message)
                if item is not None and journey_data is not None:
                    touchpoint = journey_data.touchpoints.get(item.touchpoint_key)
                    if touchpoint is None:
                        self.errors.add(
                            row_number,
                            "touchpoint",
                            unknown_touchpoint_message(item.touchpoint_key, journey_data.journey),
                        )
                    interaction = interaction_part(item, touchpoint)
            instance_key = instance_cells[0].strip()
            if journey_id is not None and instance_key:
                batch.append((row_number, journey_id, instance_key, *instance, *interaction))
            if len(batch) >= STAGE_BATCH_ROWS:
                staging.add(batch)
                batch = []
                instances.clear()
                self.on_progress("checking", done, self.total_rows)
        staging.add(batch)
        staging.analyze()
        problems, total = staging.problems(limit=MAX_REPORTED_ERRORS)
        self.errors.add_sorted([message for problem in problems for message in _cross_row_messages(problem)], total)
        self.on_progress("checking", done, self.total_rows)

    def _load(self, staging: Staging) -> None:
        self.on_progress("loading", 0, self.total_rows)
        with transaction.atomic():
            self.counts, changed = merge_staged(staging)
            mark_data_changed(journey_ids=changed)
        self.on_progress("loading", self.total_rows, self.total_rows)


def _cross_row_messages(problem: RowProblem) -> list[ImportProblem]:
    messages = []
    for staged_column, first, value in problem.contradictions:
        messages.append(
            ImportProblem(
                problem.row_number,
                staged_column,  # the staging table names them as the CSV does
                f"Contradicts row {problem.first_row} of the same instance: '{_shown(csv_value(first))}' there, "
                f"'{_shown(csv_value(value))}' here. Instance columns must be the same on every row.",
            )
        )
    if problem.started_at is not None:
        messages.append(ImportProblem(problem.row_number, "occurred_at", started_before_message(problem.started_at)))
    if problem.duplicate_of is not None:
        messages.append(
            ImportProblem(
                problem.row_number,
                "interaction_external_id",
                f"Duplicate interaction '{_shown(problem.external_id)}' of instance '{_shown(problem.instance_key)}': "
                f"already on row {problem.duplicate_of}.",
            )
        )
    return messages


# --- Import records ---------------------------------------------------------------------------------


class ImportTooLarge(ApplicationError):  # noqa: N818
    status_code = 413


def import_size_problem(size: int | None) -> str | None:
    limit = settings.IMPORT_MAX_BYTES
    if size is not None and size > limit:
        return f"The file is {megabytes(size)}; the limit is {megabytes(limit)}. Split it into smaller files."
    return None


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


@transaction.atomic
def import_create(*, file: File, journey: Journey | None, user=None, enqueue: bool = True) -> Import:
    """Store an uploaded CSV under MEDIA_ROOT and, once committed, queue ``run_import`` for it."""
    problem = import_size_problem(file.size)
    if problem:
        raise ImportTooLarge(problem, field="file")
    name = (getattr(file, "name", "") or "interactions.csv").rsplit("/", 1)[-1]
    record = Import(
        journey=journey,
        original_name=name[:255],
        created_by=user if user is not None and user.is_authenticated else None,
        task_id=str(uuid.uuid4()) if enqueue else "",
    )
    record.file.save(name, file, save=False)
    record.full_clean()
    record.save()
    if enqueue:
        from .tasks import run_import

        task_id = record.task_id
        transaction.on_commit(lambda: _enqueue_import(run_import, record.pk, task_id))
    return record


def _enqueue_import(task, import_id: int, task_id: str) -> None:
    """Queue the import; if the broker is down, fail the record with a message instead of a 500."""
    if not enqueue(task, args=[import_id], task_id=task_id):
        Import.objects.filter(pk=import_id, status=ImportStatus.QUEUED).update(
            status=ImportStatus.FAILED,
            errors=[
                {
                    "row": None,
                    "column": "",
                    "message": "The task queue is unavailable, so the file was not processed and nothing was "
                    "imported. Upload it again in a few minutes.",
                }
            ],
            error_count=1,
            finished_at=timezone.now(),
        )


def _open_stored(record: Import) -> Opener:
    return lambda: record.file.storage.open(record.file.name, "rb")


def import_run(*, import_id: int, on_progress: ProgressCallback | None = None) -> Import:
    """Run one import: check every row, then load all of them in one transaction, or nothing.

    Safe to run twice: a finished import is left as it is; one left ``running`` by a killed worker
    starts again from the beginning (its load transaction never committed).
    Call it outside any transaction so that the progress it writes is visible to other connections.
    """
    claimed = Import.objects.filter(pk=import_id, status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING]).update(
        status=ImportStatus.RUNNING, started_at=timezone.now(), processed_rows=0, errors=[], error_count=0
    )
    record = Import.objects.select_related("journey").get(pk=import_id)
    if not claimed:
        return record

    checked = {"rows": 0}

    def progress(phase: str, done: int, total: int) -> None:
        if phase == "checking":
            checked["rows"] = done
            Import.objects.filter(pk=import_id).update(processed_rows=done, total_rows=total)
        if on_progress is not None:
            on_progress(phase, done, total)

    try:
        result = CsvImport(opener=_open_stored(record), journey=record.journey, on_progress=progress).run()
    except (IntegrityError, FileNotFoundError) as error:
        # Checked data the database still refuses (e.g. a concurrent edit): report it, keep nothing.
        report = ErrorReport()
        report.add(None, "", f"Nothing was imported: {error}")
        result = ImportResult(counts=IngestCounts(), errors=report, total_rows=record.total_rows or 0)
    except DatabaseError:
        raise  # transient (locked, connection lost): the task retries from the start
    except Exception:
        logger.exception("Import %s failed unexpectedly", import_id)
        report = ErrorReport()
        report.add(None, "", "The import stopped on an unexpected error; nothing was imported. Tell an administrator.")
        result = ImportResult(counts=IngestCounts(), errors=report, total_rows=record.total_rows or 0)
    counts = result.counts
    Import.objects.filter(pk=import_id).update(
        status=ImportStatus.SUCCEEDED if result.succeeded else ImportStatus.FAILED,
        total_rows=result.total_rows,
        processed_rows=result.total_rows if result.succeeded else checked["rows"],
        instances_created=counts.instances_created,
        instances_updated=counts.instances_updated,
        interactions_created=counts.interactions_created,
        interactions_updated=counts.interactions_updated,
        errors=result.errors.as_list(),
        error_count=result.errors.count,
        finished_at=timezone.now(),
    )
    record.refresh_from_db()
    return record


def import_give_up(*, import_id: int) -> None:
    """Mark an import failed after its last retry, so that it does not stay 'running' for ever."""
    with contextlib.suppress(DatabaseError):
        Import.objects.filter(pk=import_id, status=ImportStatus.RUNNING).update(
            status=ImportStatus.FAILED,
            errors=[{"row": None, "column": "", "message": "The database stayed unavailable; nothing was imported."}],
            error_count=1,
            finished_at=timezone.now(),
        )
