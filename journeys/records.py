"""What ingested data looks like, for every way it comes in (``POST /api/v1/ingest/``, the
instance and interaction API, the CSV import and the CSV export).

- the records (``InstanceRecord``, ``InteractionRecord``) and the value readers that build them
  from JSON or CSV values (``read_instance`` / ``read_interaction``), so every way in gives the
  same messages; a value that cannot be used raises ``FieldError``;
- the rules a value or a row must follow (identifiers safe in a page or a spreadsheet,
  pseudonymous customer references, plausible moments, the outcome/end rule);
- the CSV format: its columns, the required ones, and how a stored value reads back.

Nothing here touches the database: the writes are in ``journeys.services.ingest`` and
``journeys.services.imports``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from functools import partial
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from .choices import Channel, Outcome
from .models import Journey

# --- values -------------------------------------------------------------------------------------


class FieldError(ValueError):
    """A value that cannot be used, with the message the sender sees."""


def shorten(value: Any) -> str:
    """A value as a message quotes it: at most 40 characters."""
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any, *, required: bool, max_length: int = 100) -> str:
    # Plain str first: every CSV cell is one, and a file has a million of them.
    text = value.strip() if value.__class__ is str else None
    if text is None and not is_blank(value):
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
# Characters that change how text around them is shown without showing themselves: bidirectional overrides,
# embeddings and isolates (an id that reads "txt.exe" backwards), zero-width spaces and joiners, the BOM.
INVISIBLE_CHARACTERS = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
LONE_SURROGATES = re.compile("[\ud800-\udfff]")
FORMULA_STARTS = ("=", "+", "-", "@")
EARLIEST_YEAR = 1970
FUTURE_TOLERANCE = timedelta(days=1)


def _identifier(value: Any, *, required: bool) -> str:
    """An id, reference, segment or key: plain text that is safe to show in a page or a spreadsheet."""
    text = _text(value, required=required)
    if CONTROL_CHARACTERS.search(text):
        raise FieldError("Control characters (tabs, line breaks, NUL...) are not allowed here.")
    if INVISIBLE_CHARACTERS.search(text):
        raise FieldError(
            "Invisible characters (right-to-left overrides, zero-width spaces...) are not allowed here: "
            "they make an identifier look like another one."
        )
    if LONE_SURROGATES.search(text):
        raise FieldError("Lone surrogate characters (\\ud800-\\udfff) are not allowed: send valid UTF-8 text.")
    if text.startswith(FORMULA_STARTS):
        raise FieldError(
            f"'{shorten(text)}' starts with {text[0]}: a spreadsheet would run it as a formula. "
            "Send a plain identifier."
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
    if is_blank(value):
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
        raise FieldError(f"'{shorten(text)}' is not a date-time; {example}.")
    if timezone.is_naive(parsed):
        try:
            parsed = timezone.make_aware(parsed)
        except (OverflowError, ValueError):  # 0001-01-01 or 9999-12-31 shifted out of range
            raise FieldError(f"'{shorten(text)}' is not a plausible date-time.") from None
    problem = moment_problem(parsed, shown=text)
    if problem:
        raise FieldError(problem)
    return parsed


def moment_problem(moment: datetime, *, shown: str | None = None) -> str | None:
    """Why a date-time cannot be a recorded moment (before 1970, or in the future), if it cannot."""
    if moment.year < EARLIEST_YEAR:
        return f"'{shorten(shown or moment.isoformat())}' is before {EARLIEST_YEAR}: check the date."
    if moment > timezone.now() + FUTURE_TOLERANCE:
        return f"'{shorten(shown or moment.isoformat())}' is in the future: only what already happened can be recorded."
    return None


def value_problems(obj, *, identifiers: tuple[str, ...], moments: tuple[str, ...]) -> dict[str, str]:
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
    if is_blank(value):
        return None
    message = f"'{shorten(value)}' is not a satisfaction score: use a whole number from 1 to 5."
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
        raise FieldError(f"Satisfaction is rated from 1 to 5; got {shorten(number)}.")
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
    if is_blank(value):
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
    raise FieldError(f"'{shorten(value)}' is not a yes/no value: use true or false.")


_CHOICE_VALUES: dict[type, tuple[str, ...]] = {}


def _choice(value: Any, choices: type, *, default: str) -> str:
    allowed = _CHOICE_VALUES.get(choices)
    if allowed is None:
        allowed = _CHOICE_VALUES[choices] = tuple(choices.values)
    word = value.strip().lower() if isinstance(value, str) else None
    if word in allowed:
        return word
    if is_blank(value):
        return default
    raise FieldError(f"'{shorten(value)}' is not one of: {', '.join(allowed)}.")


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
INTERACTION_FIELDS = tuple(name for name, _reader in INTERACTION_READERS)


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


def unknown_touchpoint_message(key: str, journey: Journey) -> str:
    return f"Unknown touchpoint key '{shorten(key)}' for journey '{journey.slug}'."


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
