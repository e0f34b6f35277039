"""Writes of the owners app: organisation, ownership, teams, responsibilities, incentives, alerts."""

import contextlib
import csv
import datetime as dt
import io
import logging
import math
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from core.choices import ImportStatus
from core.errors import ApplicationError
from core.imports import import_claim, import_enqueue, import_give_up
from journeys.choices import JourneyStatus
from journeys.health_components import ALERTS_BY_CODE, COMPONENTS, OVERALL
from journeys.models import HealthSnapshot, Journey, Touchpoint
from journeys.services.imports import ImportTooLarge, megabytes

from . import events
from . import evidence as stats
from .choices import Direction, EvidenceSignal, Gap, Period, Verdict
from .links import alert_mail_sections, journey_path
from .models import (
    AlertNotification,
    Function,
    Incentive,
    IncentiveEvidence,
    IncentiveMeasurement,
    IncentiveReview,
    MeasurementImport,
    Ownership,
    Person,
    Responsibility,
    TeamMembership,
)
from .signals import incentive_measurements_changed

logger = logging.getLogger(__name__)

ASSIGNMENT_CONFLICT = "Someone else assigned an owner to this journey at the same time; reload and try again."
STALE_OWNER = "The journey's owner changed since you loaded the page; reload and try again."
# ``expected_current`` default: the caller does not say which ownership it means to replace.
UNCHECKED = object()

# --- organisation: functions, people, incentives -----------------------------------------------


def _apply(instance, fields: dict):
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    return instance


@transaction.atomic
def function_create(*, name: str, slug: str, description: str = "", head: Person | None = None) -> Function:
    person_available_check(head, field="head")
    return _apply(Function(), {"name": name, "slug": slug, "description": description, "head": head})


@transaction.atomic
def function_update(*, function: Function, **fields) -> Function:
    if "head" in fields and fields["head"] != function.head:
        person_available_check(fields["head"], field="head")
    return _apply(function, fields)


@transaction.atomic
def person_create(
    *, name: str, email: str, title: str = "", function: Function | None = None, user=None, is_active: bool = True
) -> Person:
    return _apply(
        Person(),
        {"name": name, "email": email, "title": title, "function": function, "user": user, "is_active": is_active},
    )


@transaction.atomic
def person_update(*, person: Person, **fields) -> Person:
    is_active = fields.pop("is_active", person.is_active)
    person = _apply(person, fields)
    if is_active != person.is_active:
        person = person_deactivate(person=person) if not is_active else person_reactivate(person=person)
    return person


@transaction.atomic
def incentive_create(
    *,
    function: Function,
    name: str,
    measure: str,
    target: str = "",
    weight: int = 0,
    active: bool = True,
    direction: str = Direction.HIGHER_IS_BETTER,
    period: str = Period.MONTH,
) -> Incentive:
    return _apply(
        Incentive(),
        {
            "function": function,
            "name": name,
            "measure": measure,
            "target": target,
            "weight": weight,
            "active": active,
            "direction": direction,
            "period": period,
        },
    )


@transaction.atomic
def incentive_update(*, incentive: Incentive, **fields) -> Incentive:
    return _apply(incentive, fields)


@transaction.atomic
def function_delete(*, function: Function) -> None:
    """Delete a function that nothing refers to; one with history is kept (its reviews would go)."""
    if function.responsibilities.exists() or function.incentives.exists():
        raise ApplicationError(
            f"{function} delivers touchpoints or has incentives: remove those first, so no history is lost."
        )
    function.delete()


NOT_FOR_NEW_WORK = "{} is deactivated: choose someone active (a manager can reactivate them on their page)."


def person_parts_taken(person: Person) -> list[str]:
    """Everything that names the person (owned journeys, team seats, reported issues, reviews...), as the
    refusal to delete them lists it: every relation to Person, whichever app declares it (one query each)."""
    parts = []
    for relation in person._meta.related_objects:
        if relation.one_to_many and relation.related_model.objects.filter(**{relation.field.name: person}).exists():
            meta = relation.related_model._meta
            parts.append(f"{meta.verbose_name_plural} ({relation.field.verbose_name})")
    return parts


def person_available_check(person: Person | None, *, field: str = "person") -> None:
    """Refuse a deactivated person for new work (an owner, a team seat, an assignee, a lead, a head): 400."""
    if person is not None and not person.is_active:
        raise ValidationError({field: NOT_FOR_NEW_WORK.format(person)})


@transaction.atomic
def person_delete(*, person: Person) -> None:
    """Delete someone who has taken part in nothing; anyone else is kept and must be deactivated (409)."""
    parts = person_parts_taken(person)
    if parts:
        raise ApplicationError(
            f"{person} is named on {', '.join(parts)}: deleting them would remove their name from that history. "
            "Deactivate them instead (the Deactivate button on their page, PATCH is_active=false in the API): "
            "they keep their name on what they did and can no longer be chosen for new work."
        )
    person.delete()


@transaction.atomic
def person_deactivate(*, person: Person) -> Person:
    """Take someone out of new work, keeping everything they did. An active owner hands over first."""
    if person.ownerships.active().exists():
        journeys = ", ".join(
            person.ownerships.active().order_by("journey__name").values_list("journey__name", flat=True)
        )
        raise ApplicationError(
            f"{person} is the active owner of {journeys}: name another owner first, so no journey is left unowned."
        )
    person.is_active = False
    person.save(update_fields=["is_active", "updated_at"])
    return person


@transaction.atomic
def person_reactivate(*, person: Person) -> Person:
    person.is_active = True
    person.save(update_fields=["is_active", "updated_at"])
    return person


@transaction.atomic
def incentive_delete(*, incentive: Incentive) -> None:
    if incentive.reviews.exists():
        raise ApplicationError(f"{incentive.name} has been reviewed: make it inactive instead, to keep its history.")
    incentive.delete()


# --- ownership ---------------------------------------------------------------------------------


def ownership_assign(
    *,
    journey: Journey,
    person: Person,
    mandate: str,
    started_on: dt.date | None = None,
    assigned_by=None,
    expected_current: int | None | object = UNCHECKED,
) -> Ownership:
    """Name ``person`` the owner of ``journey`` from ``started_on`` (default today).

    The active ownership, if any, ends the day before the new one starts (the same day when it
    started that day: an ownership cannot end before it began), in the same transaction. When two
    managers assign at once, the partial unique constraint lets exactly one win; the other gets an
    ApplicationError (409) instead of a second active owner. ``expected_current`` is the id of the
    active ownership the caller saw (None: it saw no owner); when the journey has changed hands
    since, the caller is told rather than silently replacing someone it never saw.
    """
    person_available_check(person)
    started_on = started_on or timezone.localdate()
    try:
        with transaction.atomic():
            current = Ownership.objects.select_for_update().filter(journey=journey, ended_on__isnull=True).first()
            if expected_current is not UNCHECKED and (current.pk if current else None) != expected_current:
                raise ApplicationError(STALE_OWNER, field="person")
            if current is not None:
                if current.person_id == person.pk:
                    raise ApplicationError(f"{person} already owns this journey.", field="person")
                if started_on < current.started_on:
                    raise ApplicationError(
                        f"The new ownership cannot start before the current one ({current.started_on:%d %b %Y}).",
                        field="started_on",
                    )
                current.ended_on = max(current.started_on, started_on - dt.timedelta(days=1))
                current._change_reason = f"Replaced by {person}"
                current.full_clean()
                current.save(update_fields=["ended_on", "updated_at"])
            ownership = Ownership(journey=journey, person=person, mandate=mandate, started_on=started_on)
            # The active-owner constraint is checked by the database (the race decides), not here.
            ownership.full_clean(validate_constraints=False)
            ownership._change_reason = f"Assigned by {assigned_by}" if assigned_by else "Assigned"
            ownership.save()
            events.ownership_assigned_emit(ownership=ownership, previous_person=current.person if current else None)
    except IntegrityError as error:
        logger.info("ownership_assign lost a race on journey %s: %s", journey.pk, error)
        raise ApplicationError(ASSIGNMENT_CONFLICT, field="person") from error
    return ownership


@transaction.atomic
def ownership_end(*, ownership: Ownership, ended_on: dt.date | None = None) -> Ownership:
    """End an active ownership without a successor: the journey has no owner until one is named."""
    if ownership.ended_on is not None:
        raise ApplicationError("This ownership has already ended.")
    ownership.ended_on = max(ownership.started_on, ended_on or timezone.localdate())
    ownership.full_clean()
    ownership.save(update_fields=["ended_on", "updated_at"])
    return ownership


@transaction.atomic
def ownership_update_mandate(*, ownership: Ownership, mandate: str) -> Ownership:
    ownership.mandate = mandate
    ownership.full_clean(validate_constraints=False)
    ownership.save(update_fields=["mandate", "updated_at"])
    return ownership


# --- team --------------------------------------------------------------------------------------


def team_member_add(*, journey: Journey, person: Person, role: str = "") -> TeamMembership:
    person_available_check(person)
    if TeamMembership.objects.filter(journey=journey, person=person).exists():
        raise ApplicationError(f"{person} is already on this journey's team.", field="person")
    membership = TeamMembership(journey=journey, person=person, role=role)
    membership.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError as error:
        raise ApplicationError(f"{person} is already on this journey's team.", field="person") from error
    return membership


@transaction.atomic
def team_member_change_role(*, membership: TeamMembership, role: str) -> TeamMembership:
    membership.role = role
    membership.full_clean(validate_constraints=False)
    membership.save(update_fields=["role", "updated_at"])
    return membership


@transaction.atomic
def team_member_remove(*, membership: TeamMembership) -> None:
    membership.delete()


# --- responsibilities --------------------------------------------------------------------------


def responsibility_create(*, touchpoint: Touchpoint, function: Function) -> Responsibility:
    if Responsibility.objects.filter(touchpoint=touchpoint, function=function).exists():
        raise ApplicationError(f"{function} already delivers {touchpoint}.", field="function")
    responsibility = Responsibility(touchpoint=touchpoint, function=function)
    try:
        with transaction.atomic():
            responsibility.save()
    except IntegrityError as error:
        raise ApplicationError(f"{function} already delivers {touchpoint}.", field="function") from error
    return responsibility


@transaction.atomic
def responsibility_delete(*, responsibility: Responsibility) -> None:
    responsibility.delete()


@transaction.atomic
def responsibilities_set(*, journey: Journey, pairs: set[tuple[int, int]]) -> dict:
    """Make the journey's responsibilities exactly ``pairs`` of (touchpoint id, function id).

    Returns how many were added and removed. Pairs naming a touchpoint of another journey, a retired
    touchpoint or an unknown function are refused; a retired touchpoint keeps its responsibilities
    (history: who delivered it), as the grid does not show it.
    """
    touchpoint_ids = set(Touchpoint.objects.in_use().filter(journey=journey).values_list("id", flat=True))
    function_ids = set(Function.objects.values_list("id", flat=True))
    for touchpoint_id, function_id in pairs:
        if touchpoint_id not in touchpoint_ids:
            raise ApplicationError("A touchpoint is retired or does not belong to this journey.", field="touchpoint")
        if function_id not in function_ids:
            raise ApplicationError("A function does not exist.", field="function")
    existing = {
        (touchpoint_id, function_id): pk
        for pk, touchpoint_id, function_id in Responsibility.objects.filter(
            touchpoint__journey=journey, touchpoint_id__in=touchpoint_ids
        ).values_list("id", "touchpoint_id", "function_id")
    }
    to_remove = [pk for pair, pk in existing.items() if pair not in pairs]
    to_add = [Responsibility(touchpoint_id=t, function_id=f) for t, f in pairs if (t, f) not in existing]
    Responsibility.objects.filter(pk__in=to_remove).delete()
    Responsibility.objects.bulk_create(to_add, ignore_conflicts=True)
    return {"added": len(to_add), "removed": len(to_remove)}


# --- incentive reviews -------------------------------------------------------------------------


@transaction.atomic
def incentive_review_create(
    *, incentive: Incentive, journey: Journey, verdict: str, rationale: str = "", reviewer: Person | None
) -> IncentiveReview:
    """Append a verdict; the newest review of the pair becomes the current one, older ones stay."""
    if verdict not in Verdict.values:
        raise ValidationError({"verdict": f"Unknown verdict {verdict!r}."})
    if verdict == Verdict.CONFLICTING and not rationale.strip():
        raise ValidationError({"rationale": "Say why the incentive conflicts with the journey."})
    if not Responsibility.objects.filter(function_id=incentive.function_id, touchpoint__journey=journey).exists():
        raise ValidationError(
            {"journey": f"{incentive.function} delivers no touchpoint of {journey}: there is nothing to review."}
        )
    review = IncentiveReview(
        incentive=incentive, journey=journey, verdict=verdict, rationale=rationale, reviewer=reviewer
    )
    review.full_clean()
    review.save()
    return review


# --- owner alerts ------------------------------------------------------------------------------

# A recompute of an old day (a backfill) is history, not news: only recent days alert the owner.
ALERT_MAX_AGE_DAYS = 1


def _alert_summary(code: str) -> str:
    alert = ALERTS_BY_CODE.get(code)
    return alert.summary if alert is not None else ""


def owner_alerts_notify(*, journey: Journey, as_of: dt.date, new_alerts: list[str]) -> list[str]:
    """E-mail the journey's active owner once about each new alert of the ``as_of`` day.

    Returns the alerts sent. A notice is recorded with the e-mail in one transaction per alert;
    the unique (journey, alert, day) key means a second recompute of the same day sends nothing.
    """
    if not new_alerts or as_of < timezone.localdate() - dt.timedelta(days=ALERT_MAX_AGE_DAYS):
        return []
    ownership = Ownership.objects.active().filter(journey=journey).select_related("person").first()
    if ownership is None or not ownership.person.email:
        return []
    person = ownership.person
    link = f"{settings.SITE_URL.rstrip('/')}{journey_path(journey)}"
    extra = alert_mail_sections(journey)
    extra_text = "".join(f"{line}\n" for line in extra) + ("\n" if extra else "")
    sent = []
    for alert in dict.fromkeys(new_alerts):
        try:
            with transaction.atomic():
                _, created = AlertNotification.objects.get_or_create(
                    journey=journey, alert=alert, as_of=as_of, defaults={"person": person, "email": person.email}
                )
                if not created:
                    continue
                label = alert.replace("_", " ")
                send_mail(
                    subject=f"[Throughline] {journey.name}: {label}",
                    message=(
                        f"Hello {person.name},\n\n"
                        f"The health of {journey.name} (as of {as_of:%d %b %Y}) raised a new alert: {label}.\n"
                        f"{_alert_summary(alert)}\n\n"
                        f"{extra_text}"
                        f"See the journey: {link}\n\n"
                        "You receive this because you own the journey. You will not be told again while "
                        "the alert persists.\n"
                    ),
                    from_email=None,
                    recipient_list=[person.email],
                )
        except IntegrityError:
            continue  # another worker recorded (and sent) this notice first
        sent.append(alert)
    return sent


# --- incentive measurements --------------------------------------------------------------------

MAX_MEASUREMENTS = 1000
MAX_ID = 2**63 - 1
SOURCE_MAX_LENGTH = 120


class MeasurementsInvalid(Exception):  # noqa: N818 (a result, like Django's ValidationError)
    """The batch cannot be loaded; ``errors`` maps a position such as ``measurements[3].value`` to messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(f"{len(errors)} problems")
        self.errors = errors


@dataclass(frozen=True)
class MeasurementRecord:
    incentive_id: int
    period_end: dt.date
    value: float
    source: str


@dataclass(frozen=True)
class MeasurementCounts:
    created: int
    updated: int


def measurement_read(raw: Mapping, *, incentives: Mapping[int, Incentive], today: dt.date) -> tuple:
    """One measurement from a mapping of text or JSON values: (record or None, {field: message})."""
    errors: dict[str, str] = {}
    incentive_id = None
    raw_incentive = raw.get("incentive")
    if raw_incentive in (None, ""):
        errors["incentive"] = "Required: the incentive's id."
    else:
        try:
            incentive_id = int(str(raw_incentive).strip())
        except ValueError:
            errors["incentive"] = f"'{str(raw_incentive)[:40]}' is not an incentive id (a whole number)."
        else:
            if incentive_id not in incentives:
                errors["incentive"] = f"There is no incentive with id {incentive_id}."
    period_end = None
    raw_period_end = raw.get("period_end")
    if raw_period_end in (None, ""):
        errors["period_end"] = "Required: the last day of the period (YYYY-MM-DD)."
    else:
        try:
            period_end = dt.date.fromisoformat(str(raw_period_end).strip())
        except ValueError:
            errors["period_end"] = f"'{str(raw_period_end)[:40]}' is not a date (YYYY-MM-DD)."
        else:
            if period_end > today:
                errors["period_end"] = "The period has not ended yet: measurements are for periods that are over."
    value = None
    raw_value = raw.get("value")
    if raw_value in (None, "") or isinstance(raw_value, bool):
        errors["value"] = "Required: a number."
    else:
        try:
            value = float(str(raw_value).strip())
        except ValueError:
            errors["value"] = f"'{str(raw_value)[:40]}' is not a number."
        else:
            if not math.isfinite(value):
                errors["value"] = "Must be a finite number."
    source = raw.get("source") or ""
    if not isinstance(source, str):
        errors["source"] = "Must be text."
    elif len(source) > SOURCE_MAX_LENGTH:
        errors["source"] = f"At most {SOURCE_MAX_LENGTH} characters."
    if errors:
        return None, errors
    return MeasurementRecord(incentive_id, period_end, value, source.strip()), {}


def incentive_measurements_ingest(
    *, measurements, today: dt.date | None = None, prefix: str = "measurements"
) -> MeasurementCounts:
    """Upsert measurements by (incentive, period_end), all or nothing.

    Errors are addressed by position (``measurements[3].value``) like ``POST /ingest/``; sending the
    same batch twice changes nothing (unchanged rows count in neither number). Once the batch
    commits, the evidence of every incentive it touched is recomputed (``incentive_measurements_changed``).
    """
    if not isinstance(measurements, list) or not measurements:
        raise MeasurementsInvalid({prefix: ["Send a non-empty list of measurements."]})
    if len(measurements) > MAX_MEASUREMENTS:
        raise MeasurementsInvalid({prefix: [f"At most {MAX_MEASUREMENTS} measurements per call."]})
    today = today or timezone.localdate()
    wanted_ids = set()
    for raw in measurements:
        if isinstance(raw, Mapping):
            with contextlib.suppress(ValueError):
                wanted_ids.add(int(str(raw.get("incentive")).strip()))
    # Ids beyond the column's range cannot exist (and would be a database error, not an answer).
    incentives = Incentive.objects.in_bulk([pk for pk in wanted_ids if 0 < pk <= MAX_ID])
    errors: dict[str, list[str]] = {}
    records: list[MeasurementRecord] = []
    positions: dict[tuple[int, dt.date], int] = {}
    for index, raw in enumerate(measurements):
        address = f"{prefix}[{index}]"
        if not isinstance(raw, Mapping):
            errors[address] = ["Must be an object."]
            continue
        record, record_errors = measurement_read(raw, incentives=incentives, today=today)
        errors.update({f"{address}.{name}": [message] for name, message in record_errors.items()})
        if record is None:
            continue
        first = positions.setdefault((record.incentive_id, record.period_end), index)
        if first != index:
            errors[f"{address}.period_end"] = [
                f"This incentive's period ending {record.period_end} is also at {prefix}[{first}]."
            ]
            continue
        records.append(record)
    if errors:
        raise MeasurementsInvalid(errors)
    return _measurements_upsert(records)


@transaction.atomic
def _measurements_upsert(records: list[MeasurementRecord]) -> MeasurementCounts:
    incentive_ids = {record.incentive_id for record in records}
    existing = {
        (row.incentive_id, row.period_end): row
        for row in IncentiveMeasurement.objects.select_for_update().filter(
            incentive_id__in=incentive_ids, period_end__in={record.period_end for record in records}
        )
    }
    to_create, to_update = [], []
    now = timezone.now()
    for record in records:
        row = existing.get((record.incentive_id, record.period_end))
        if row is None:
            to_create.append(
                IncentiveMeasurement(
                    incentive_id=record.incentive_id,
                    period_end=record.period_end,
                    value=record.value,
                    source=record.source,
                )
            )
        elif row.value != record.value or row.source != record.source:
            row.value, row.source, row.updated_at = record.value, record.source, now
            to_update.append(row)
    IncentiveMeasurement.objects.bulk_create(to_create)
    IncentiveMeasurement.objects.bulk_update(to_update, ["value", "source", "updated_at"])
    changed = sorted({row.incentive_id for row in to_create} | {row.incentive_id for row in to_update})
    if changed:
        transaction.on_commit(lambda: incentive_measurements_changed.send(sender=Incentive, incentive_ids=changed))
    return MeasurementCounts(created=len(to_create), updated=len(to_update))


MEASUREMENT_CSV_COLUMNS = ("incentive", "period_end", "value")
MEASUREMENT_CSV_OPTIONAL = ("source",)
MEASUREMENT_CSV_MAX_BYTES = 2 * 1024 * 1024
MEASUREMENT_CSV_MAX_ROWS = 10_000
MAX_REPORTED_PROBLEMS = 1000


@dataclass(frozen=True)
class CsvProblem:
    row: int  # the line in the file (1 = the header)
    column: str
    message: str


class MeasurementCsvInvalid(Exception):  # noqa: N818 (a result, like Django's ValidationError)
    """Nothing was imported; ``problems`` lists every problem by row and column (up to 1,000)."""

    def __init__(self, problems: list[CsvProblem]):
        super().__init__(f"{len(problems)} problems")
        self.problems = problems[:MAX_REPORTED_PROBLEMS]
        self.total = len(problems)


def _measurement_csv_rows(text: str) -> tuple[list[str], list[tuple[int, dict]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [name.strip() for name in next(reader, [])]
    rows = []
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue  # a blank line
        rows.append((reader.line_num, {name: cell.strip() for name, cell in zip(header, row, strict=False) if name}))
        if len(rows) > MEASUREMENT_CSV_MAX_ROWS:
            break
    return header, rows


def incentive_measurements_import_csv(*, content: bytes, today: dt.date | None = None) -> MeasurementCounts:
    """Load a CSV of measurements (columns incentive, period_end, value, optional source), all or nothing.

    A missing column is reported together with the row problems the remaining columns allow; the
    same file imported twice changes nothing. Evidence follows once the rows commit, as for the API.
    """
    return _measurements_upsert(measurement_csv_check(content=content, today=today))


NUL = "\x00"
MeasurementProgress = Callable[[int, int], None]  # (rows checked, total rows)
PROGRESS_EVERY_ROWS = 500


def measurement_csv_check(
    *, content: bytes, today: dt.date | None = None, on_progress: MeasurementProgress | None = None
) -> list[MeasurementRecord]:
    """Every row of a measurements CSV checked: the records to load, or ``MeasurementCsvInvalid`` with every problem."""
    if len(content) > MEASUREMENT_CSV_MAX_BYTES:
        raise MeasurementCsvInvalid([CsvProblem(0, "", "The file is larger than 2 MB: split it.")])
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        raise MeasurementCsvInvalid(
            [CsvProblem(line, "", "The file is not UTF-8 text: save it as UTF-8 CSV.")]
        ) from error
    try:
        header, rows = _measurement_csv_rows(text)
    except csv.Error as error:
        raise MeasurementCsvInvalid([CsvProblem(0, "", f"The file is not readable as CSV: {error}.")]) from error
    if not header:
        raise MeasurementCsvInvalid([CsvProblem(1, "", "The file is empty: the first line names the columns.")])
    problems = [
        CsvProblem(1, column, f"The column “{column}” is missing.")
        for column in MEASUREMENT_CSV_COLUMNS
        if column not in header
    ]
    if len(rows) > MEASUREMENT_CSV_MAX_ROWS:
        raise MeasurementCsvInvalid(
            [
                *problems,
                CsvProblem(
                    MEASUREMENT_CSV_MAX_ROWS + 2, "", f"More than {MEASUREMENT_CSV_MAX_ROWS} rows: split the file."
                ),
            ]
        )
    today = today or timezone.localdate()
    wanted = set()
    for _, row in rows:
        with contextlib.suppress(ValueError):
            wanted.add(int(row.get("incentive", "")))
    incentives = Incentive.objects.in_bulk([pk for pk in wanted if 0 < pk <= MAX_ID])
    records = []
    seen: dict[tuple[int, dt.date], int] = {}
    if on_progress is not None:
        on_progress(0, len(rows))
    for done, (line_number, row) in enumerate(rows, start=1):
        if on_progress is not None and done % PROGRESS_EVERY_ROWS == 0:
            on_progress(done, len(rows))
        record, errors = measurement_read(row, incentives=incentives, today=today)
        problems.extend(CsvProblem(line_number, name, message) for name, message in errors.items() if name in header)
        if record is None:
            continue
        first = seen.setdefault((record.incentive_id, record.period_end), line_number)
        if first != line_number:
            problems.append(
                CsvProblem(
                    line_number,
                    "period_end",
                    f"This incentive's period ending {record.period_end} is also on row {first}.",
                )
            )
            continue
        records.append(record)
    if not rows and not problems:
        problems.append(CsvProblem(2, "", "The file has a header but no measurements."))
    if problems:
        raise MeasurementCsvInvalid(problems)
    if on_progress is not None:
        on_progress(len(rows), len(rows))
    return records


# --- measurement imports: the upload stored, a Celery job checks and loads it ------------------


def measurement_import_create(*, file: File, user=None, enqueue: bool = True) -> MeasurementImport:
    """Store an uploaded CSV of measurements and, once committed, queue ``run_measurement_import`` for it."""
    if file.size is not None and file.size > MEASUREMENT_CSV_MAX_BYTES:
        raise ImportTooLarge(
            f"The file is {megabytes(file.size)}, over the limit of {megabytes(MEASUREMENT_CSV_MAX_BYTES)}. "
            "Split it into smaller files.",
            field="file",
        )
    name = (getattr(file, "name", "") or "measurements.csv").rsplit("/", 1)[-1]
    with transaction.atomic():
        record = MeasurementImport(
            original_name=name[:255],
            created_by=user if user is not None and user.is_authenticated else None,
            task_id=str(uuid.uuid4()) if enqueue else "",
        )
        record.file.save(name, file, save=False)
        record.full_clean()
        record.save()
        if enqueue:
            # owners.tasks imports this module: importing the task here breaks the cycle.
            from .tasks import run_measurement_import

            task_id = record.task_id
            transaction.on_commit(
                lambda: import_enqueue(MeasurementImport, run_measurement_import, import_id=record.pk, task_id=task_id)
            )
    return record


def _stored_report(problems: list[CsvProblem]) -> list[dict]:
    # Row 0 is the whole file (its size, its encoding): shown without a row, as the interaction imports do.
    # The report is JSON, which PostgreSQL cannot hold with a NUL: a quoted cell shows it as "?".
    return [
        {
            "row": problem.row or None,
            "column": problem.column.replace(NUL, "?"),
            "message": problem.message.replace(NUL, "?"),
        }
        for problem in problems
    ]


def measurement_import_run(*, import_id: int, today: dt.date | None = None) -> MeasurementImport:
    """Check every row of a stored measurements CSV, then load all of them in one transaction, or nothing.

    Safe to run twice: a finished import is left as it is; one left running by a killed worker starts
    again (its load never committed, or committed together with its report). The import's report and
    the measurements commit together, and the evidence job of every incentive they changed is queued
    after that commit. Call it outside any transaction, so that the progress it writes is seen.
    """
    if not import_claim(MeasurementImport, import_id=import_id):
        return MeasurementImport.objects.get(pk=import_id)
    record = MeasurementImport.objects.get(pk=import_id)
    rows = {"total": None, "checked": 0}

    def progress(done: int, total: int) -> None:
        rows["total"], rows["checked"] = total, done
        MeasurementImport.objects.filter(pk=import_id).update(processed_rows=done, total_rows=total)

    try:
        with record.file.open("rb") as handle:
            content = handle.read(MEASUREMENT_CSV_MAX_BYTES + 1)
        records = measurement_csv_check(content=content, today=today, on_progress=progress)
    except MeasurementCsvInvalid as invalid:
        report, count = _stored_report(invalid.problems), invalid.total
    except FileNotFoundError:
        report, count = _stored_report([CsvProblem(0, "", "The uploaded file is gone; upload it again.")]), 1
    else:
        with transaction.atomic():
            counts = _measurements_upsert(records)
            MeasurementImport.objects.filter(pk=import_id).update(
                status=ImportStatus.SUCCEEDED,
                total_rows=len(records),
                processed_rows=len(records),
                measurements_created=counts.created,
                measurements_updated=counts.updated,
                errors=[],
                error_count=0,
                finished_at=timezone.now(),
            )
        record.refresh_from_db()
        return record
    MeasurementImport.objects.filter(pk=import_id).update(
        status=ImportStatus.FAILED,
        total_rows=rows["total"],
        processed_rows=rows["checked"],
        errors=report,
        error_count=count,
        finished_at=timezone.now(),
    )
    record.refresh_from_db()
    return record


def measurement_import_give_up(*, import_id: int) -> None:
    """After the task's last retry: the import fails with a message rather than staying running."""
    import_give_up(MeasurementImport, import_id=import_id)


# --- evidence (design section 16) --------------------------------------------------------------

SCORED_COMPONENTS = tuple(component for component in COMPONENTS if not component.informational)


def _signed(incentive: Incentive, value: float) -> float:
    """The measure with "better for the function" up."""
    return -value if incentive.direction == Direction.LOWER_IS_BETTER else value


def _signal(correlation: stats.Correlation, periods: int) -> str:
    if periods < stats.MIN_PERIODS or correlation.ci_low is None:
        return EvidenceSignal.NOT_ENOUGH_HISTORY if periods < stats.MIN_PERIODS else EvidenceSignal.NONE
    if correlation.ci_high < 0:
        return EvidenceSignal.CONFLICT
    if correlation.ci_low > 0:
        return EvidenceSignal.ALIGNMENT
    return EvidenceSignal.NONE


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def incentive_journey_evidence(
    *, incentive: Incentive, journey_id: int, measurements: list, snapshots: Mapping[dt.date, HealthSnapshot]
) -> dict:
    """The fields of one IncentiveEvidence row: the last 12 periods with a measurement and a scored snapshot."""
    periods = [
        (measurement, snapshots[measurement.period_end])
        for measurement in sorted(measurements, key=lambda m: m.period_end)
        if measurement.period_end in snapshots and snapshots[measurement.period_end].score is not None
    ][-stats.MAX_PERIODS :]
    points = [
        {
            "period_end": measurement.period_end.isoformat(),
            "value": measurement.value,
            "score": float(snapshot.score),
            **{component.name: getattr(snapshot, component.name) for component in SCORED_COMPONENTS},
        }
        for measurement, snapshot in periods
    ]
    seed = stats.evidence_seed(incentive.pk, journey_id)
    enough = len(periods) >= stats.MIN_PERIODS
    signed = [_signed(incentive, measurement.value) for measurement, _ in periods]
    overall = (
        stats.bootstrap_spearman(signed, [float(snapshot.score) for _, snapshot in periods], seed=seed)
        if enough
        else stats.Correlation(None, None, None)
    )
    components = []
    for component in SCORED_COMPONENTS:
        pairs = [
            (x, component.score(getattr(snapshot, component.name)))
            for x, (_, snapshot) in zip(signed, periods, strict=True)
            if getattr(snapshot, component.name) is not None
        ]
        correlation = (
            stats.bootstrap_spearman([x for x, _ in pairs], [y for _, y in pairs], seed=seed)
            if len(pairs) >= stats.MIN_PERIODS
            else stats.Correlation(None, None, None)
        )
        components.append(
            {
                "component": component.name,
                "label": component.label,
                "periods": len(pairs),
                "rho": _rounded(correlation.rho),
                "ci_low": _rounded(correlation.ci_low),
                "ci_high": _rounded(correlation.ci_high),
                "signal": _signal(correlation, len(pairs)),
            }
        )
    return {
        "periods": len(periods),
        "rho": _rounded(overall.rho),
        "ci_low": _rounded(overall.ci_low),
        "ci_high": _rounded(overall.ci_high),
        "signal": _signal(overall, len(periods)),
        "components": components,
        "points": points,
    }


@transaction.atomic
def incentive_evidence_compute(*, incentive: Incentive) -> list[IncentiveEvidence]:
    """Recompute and store the evidence of one incentive for every journey its function touches.

    Four queries whatever the number of journeys and periods; evidence for journeys the function no
    longer touches (or an inactive incentive's) is removed. Safe to run twice: an upsert per pair.
    """
    journey_ids = []
    if incentive.active:
        journey_ids = sorted(
            set(
                Responsibility.objects.filter(function_id=incentive.function_id)
                .exclude(touchpoint__journey__status=JourneyStatus.RETIRED)
                .values_list("touchpoint__journey_id", flat=True)
            )
        )
    IncentiveEvidence.objects.filter(incentive=incentive).exclude(journey_id__in=journey_ids).delete()
    if not journey_ids:
        return []
    signals_before = dict(IncentiveEvidence.objects.filter(incentive=incentive).values_list("journey_id", "signal"))
    measurements = list(IncentiveMeasurement.objects.filter(incentive=incentive))
    by_journey: dict[int, dict[dt.date, HealthSnapshot]] = {journey_id: {} for journey_id in journey_ids}
    for snapshot in HealthSnapshot.objects.filter(
        journey_id__in=journey_ids, segment=OVERALL, as_of__in=[m.period_end for m in measurements]
    ):
        by_journey[snapshot.journey_id][snapshot.as_of] = snapshot
    now = timezone.now()
    rows = []
    for journey_id in journey_ids:
        fields = incentive_journey_evidence(
            incentive=incentive, journey_id=journey_id, measurements=measurements, snapshots=by_journey[journey_id]
        )
        row, _ = IncentiveEvidence.objects.update_or_create(
            incentive=incentive, journey_id=journey_id, defaults={**fields, "computed_at": now}
        )
        rows.append(row)
    newly_conflicting = [
        row.journey_id
        for row in rows
        if row.signal == EvidenceSignal.CONFLICT and signals_before.get(row.journey_id) != EvidenceSignal.CONFLICT
    ]
    if newly_conflicting:
        current = _current_verdicts(incentive=incentive, journey_ids=newly_conflicting)
        for journey_id in newly_conflicting:
            if current.get(journey_id) == Verdict.ALIGNED:
                transaction.on_commit(partial(owner_evidence_notify, incentive_id=incentive.pk, journey_id=journey_id))
    return rows


def _current_verdicts(*, incentive: Incentive, journey_ids: list[int]) -> dict[int, str]:
    """journey id -> the current (newest) verdict on ``incentive``."""
    current: dict[int, str] = {}
    for journey_id, verdict in (
        IncentiveReview.objects.filter(incentive=incentive, journey_id__in=journey_ids)
        .order_by("journey_id", "-reviewed_at", "-id")
        .values_list("journey_id", "verdict")
    ):
        current.setdefault(journey_id, verdict)
    return current


EVIDENCE_ALERT = Gap.EVIDENCE_DISAGREES.value


def owner_evidence_notify(*, incentive_id: int, journey_id: int, today: dt.date | None = None) -> bool:
    """Tell the journey's owner, once a day at most, that the evidence now contradicts an aligned verdict.

    Recorded as an ``AlertNotification`` (the owner's alerts on their page) and e-mailed.
    """
    today = today or timezone.localdate()
    ownership = Ownership.objects.active().filter(journey_id=journey_id).select_related("person", "journey").first()
    incentive = Incentive.objects.select_related("function").filter(pk=incentive_id).first()
    if ownership is None or incentive is None or not ownership.person.email:
        return False
    person, journey = ownership.person, ownership.journey
    try:
        with transaction.atomic():
            _, created = AlertNotification.objects.get_or_create(
                journey=journey, alert=EVIDENCE_ALERT, as_of=today, defaults={"person": person, "email": person.email}
            )
            if not created:
                return False
            send_mail(
                subject=f"[Throughline] {journey.name}: evidence disagrees with an aligned verdict",
                message=(
                    f"Hello {person.name},\n\n"
                    f"The verdict on {incentive.function.name}'s incentive “{incentive.name}” for {journey.name} "
                    "is “aligned”, but over the recent periods the function doing better went with the journey's "
                    "health getting worse (a conflict signal).\n\n"
                    f"See the periods: {settings.SITE_URL.rstrip('/')}"
                    f"{reverse('owners:review', kwargs={'pk': incentive.pk, 'slug': journey.slug})}\n\n"
                    "You receive this because you own the journey.\n"
                ),
                from_email=None,
                recipient_list=[person.email],
            )
    except IntegrityError:
        return False  # another worker recorded (and sent) this notice first
    return True


def incentive_evidence_compute_all() -> int:
    """Every active incentive's evidence (the daily job: snapshots of new period ends arrive)."""
    count = 0
    for incentive in Incentive.objects.filter(active=True).order_by("pk"):
        count += len(incentive_evidence_compute(incentive=incentive))
    return count
