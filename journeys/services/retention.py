"""Retention (``RETENTION_DAYS``, docs/retention.md): remove instances, with their interactions, that started long ago.

Data fed in all day grows forever; health snapshots, their history and the issues built on them are
small and are what people read about the past. So a nightly job removes the instances that started
more than ``RETENTION_DAYS`` local days ago, and their interactions, and keeps every snapshot.

- **A journey keeps at least its health window**: the cut is at the start of the local day
  ``max(RETENTION_DAYS, window_days) - 1`` days before today, so today's window is always whole.
- **Removed days are never recomputed**: the journey's ``RetentionMark`` is raised to the cut before
  anything is removed, and the health engine (``journeys.services.health``) leaves alone every day
  whose window reaches before the mark (``first_recomputable_day``): their snapshots stay as they were
  computed from the full data. Today is always recomputed.
- **Batches by id ranges, no long locks**: per journey, the next ``RETENTION_BATCH_SIZE`` ids of
  instances before the cut (in id order, from where the last batch ended), then one transaction that
  deletes the interactions of the instances in that id range, then the instances. Each transaction
  locks only the rows it removes; readers never wait (MVCC on PostgreSQL, WAL on SQLite).
- **Idempotent**: a second run finds nothing before the cut; a run stopped half-way leaves whole
  batches removed and the rest for the next run; two runs at once delete each row once.

Interactions are removed with plain DELETEs by instance, not through Django's cascade (which loads
every instance and deletes them 100 ids at a time): benchmarks/retention_bench.py measures both.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from ..models import Interaction, Journey, JourneyInstance, RetentionMark

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetentionRun:
    """What one run removed, over every journey."""

    journeys: int = 0
    instances: int = 0
    interactions: int = 0
    batches: int = 0
    seconds: float = 0.0


def retention_cut(*, window_days: int, days: int, today: dt.date) -> dt.datetime:
    """The moment before which a journey's instances go: local midnight starting the oldest day kept."""
    first_kept = today - dt.timedelta(days=max(days, window_days) - 1)
    return dt.datetime.combine(first_kept, dt.time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


def first_recomputable_day(*, journey: Journey) -> dt.date | None:
    """The first as-of day whose health window holds only data retention kept; None: nothing was removed.

    A window covers the local start days ``as_of - window_days + 1 .. as_of`` (journeys.services.health).
    """
    removed_before = RetentionMark.objects.filter(journey=journey).values_list("removed_before", flat=True).first()
    if removed_before is None:
        return None
    first_kept_day = timezone.localtime(removed_before, ZoneInfo(settings.TIME_ZONE)).date()
    return first_kept_day + dt.timedelta(days=journey.window_days - 1)


@transaction.atomic
def _raise_mark(*, journey_id: int, cut: dt.datetime) -> dt.datetime:
    """Record the cut before removing anything (never lowered); the cut in force."""
    mark, created = RetentionMark.objects.select_for_update().get_or_create(
        journey_id=journey_id, defaults={"removed_before": cut}
    )
    if not created and mark.removed_before < cut:
        mark.removed_before = cut
        mark.save(update_fields=["removed_before", "updated_at"])
    return mark.removed_before


def _quoted(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _remove_batch(*, journey_id: int, cut: dt.datetime, first_id: int, last_id: int) -> tuple[int, int]:
    """Delete the instances of the journey before the cut with ids in [first_id, last_id], interactions first."""
    instances, interactions = _quoted(JourneyInstance), _quoted(Interaction)
    in_range = "journey_id = %s AND started_at < %s AND id BETWEEN %s AND %s"
    params = [journey_id, connection.ops.adapt_datetimefield_value(cut), first_id, last_id]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {interactions} WHERE instance_id IN (SELECT id FROM {instances} WHERE {in_range})",  # noqa: S608 (identifiers only)
            params,
        )
        interactions_removed = cursor.rowcount
        cursor.execute(f"DELETE FROM {instances} WHERE {in_range}", params)  # noqa: S608 (identifiers only)
        instances_removed = cursor.rowcount
        RetentionMark.objects.filter(journey_id=journey_id).update(
            instances_removed=F("instances_removed") + instances_removed,
            interactions_removed=F("interactions_removed") + interactions_removed,
            updated_at=timezone.now(),
        )
    return instances_removed, interactions_removed


def retention_remove(
    *, days: int | None = None, batch_size: int | None = None, today: dt.date | None = None
) -> RetentionRun:
    """Remove every journey's instances and interactions that started before its cut; what was removed.

    ``days`` defaults to ``RETENTION_DAYS`` (0: retention is off, nothing is removed). Call it outside a
    transaction: each batch commits on its own.
    """
    days = settings.RETENTION_DAYS if days is None else days
    batch_size = batch_size or settings.RETENTION_BATCH_SIZE
    if days <= 0:
        return RetentionRun()
    today = today or timezone.localdate()
    started = time.monotonic()
    journeys = instances_total = interactions_total = batches = 0
    for journey_id, window_days in Journey.objects.order_by("pk").values_list("pk", "window_days"):
        cut = _raise_mark(journey_id=journey_id, cut=retention_cut(window_days=window_days, days=days, today=today))
        instances = interactions = 0
        after_id = 0
        while True:
            ids = list(
                JourneyInstance.objects.filter(journey_id=journey_id, started_at__lt=cut, id__gt=after_id)
                .order_by("id")
                .values_list("id", flat=True)[:batch_size]
            )
            if not ids:
                break
            removed_instances, removed_interactions = _remove_batch(
                journey_id=journey_id, cut=cut, first_id=ids[0], last_id=ids[-1]
            )
            instances += removed_instances
            interactions += removed_interactions
            batches += 1
            after_id = ids[-1]
        if instances:
            journeys += 1
            logger.info(
                "Retention removed %d instances and %d interactions of journey %d that started before %s.",
                instances,
                interactions,
                journey_id,
                cut.isoformat(),
            )
        instances_total += instances
        interactions_total += interactions
    run = RetentionRun(
        journeys=journeys,
        instances=instances_total,
        interactions=interactions_total,
        batches=batches,
        seconds=round(time.monotonic() - started, 3),
    )
    logger.info(
        "Retention (%d days): removed %d instances and %d interactions of %d journeys in %d batches, %.1f s.",
        days,
        run.instances,
        run.interactions,
        run.journeys,
        run.batches,
        run.seconds,
    )
    return run
