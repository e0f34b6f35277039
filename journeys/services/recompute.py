"""When health is recomputed after new data (design section 15): every stale day, one job per journey.

A write of instances or interactions (ingest API, CSV import, the single-row API) stales the
journey's daily health from the local start day of the earliest instance it touched: an instance
counts in every window that holds its start day, and each day's ``health_drop`` alert compares
with the day before, so every day from there to today must be recomputed.

1. ``pending_recompute_mark`` runs inside the writing transaction (after the journey row was
   stamped and so locked), one upsert: it creates the journey's ``PendingRecompute`` row with that day, or
   lowers the day of the row already there. Only a write that created the row asks for a job
   message; every later write before the job claims the row only lowers ``first_day``. A thousand
   writes queue one message, not a thousand identical jobs.
2. The job, ``pending_recompute_run``, claims the row (takes ``first_day`` into
   ``claimed_first_day``, empties ``first_day``, stamps ``running_since``) in one short
   transaction with the row locked, recomputes from that day (at most ``MAX_DAYS_BACK`` back) to
   today: the past days silently (a backfill), today as a normal recompute that tells the owner
   about new alerts. Then it deletes the row, or, when writes arrived meanwhile, releases it and
   queues one more message.
3. A job that dies mid-run leaves ``running_since`` set: after ``CLAIM_EXPIRES`` the claim counts as
   abandoned and the stale sweep queues the journey again; a job that fails (and is retried) gives
   its days back first.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from ..models import Journey, PendingRecompute
from .health import journey_health_backfill, journey_health_recompute
from .retention import first_recomputable_day

logger = logging.getLogger(__name__)

# The oldest day a recompute after new data goes back to (design section 15: at most 180 days).
MAX_DAYS_BACK = 180
# A claim older than this belongs to a job that died (longer than the job's hard time limit).
CLAIM_EXPIRES = dt.timedelta(minutes=20)
# A message not taken up after this long is sent again by the stale sweep (a broker that was down).
MESSAGE_RESEND_AFTER = dt.timedelta(minutes=10)


def local_day(moment: dt.datetime | dt.date | None) -> dt.date:
    """The local (project time zone) day of a moment; today when there is none."""
    if moment is None:
        return timezone.localdate()
    if isinstance(moment, dt.datetime):
        return timezone.localtime(moment).date()
    return moment


def pending_recompute_mark(*, first_days: Mapping[int, dt.date]) -> list[int]:
    """Record, in the caller's transaction, that these journeys' health is stale from these days on.

    One upsert for all of them: a journey without a pending recompute gets one, the day of one that
    has it becomes the earlier of the two. Returns the journeys whose row this call created: each
    needs one job message once the caller commits; the others have one queued or running.
    """
    if not first_days:
        return []
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    table = connection.ops.quote_name(PendingRecompute._meta.db_table)
    rows, params = [], []
    for journey_id in sorted(first_days):
        rows.append("(%s, %s, %s, %s)")
        params += [now, now, journey_id, connection.ops.adapt_datefield_value(first_days[journey_id])]
    # A new row has created_at = updated_at (both now); an existing one keeps its older created_at.
    sql = f"""
        INSERT INTO {table} AS t (created_at, updated_at, journey_id, first_day)
        VALUES {", ".join(rows)}
        ON CONFLICT (journey_id) DO UPDATE SET
            first_day = CASE WHEN t.first_day IS NULL OR excluded.first_day < t.first_day
                             THEN excluded.first_day ELSE t.first_day END,
            updated_at = excluded.updated_at
        RETURNING journey_id, created_at = updated_at
    """  # noqa: S608 (identifiers only)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return sorted(journey_id for journey_id, created in cursor.fetchall() if created)


@dataclass(frozen=True)
class RecomputeRun:
    """What one job did: the days it recomputed and whether writes during the run need another job."""

    journey_id: int
    first_day: dt.date
    last_day: dt.date
    again: bool

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1


@transaction.atomic
def pending_recompute_claim(*, journey_id: int) -> dt.date | None:
    """Take the journey's stale days for this job: their first day, or None when there is nothing to do.

    None also when another job holds a live claim (a duplicate message): that job queues one more
    run if writes arrive before it ends.
    """
    row = PendingRecompute.objects.select_for_update().filter(journey_id=journey_id).first()
    if row is None:
        return None
    now = timezone.now()
    if row.running_since is not None and now - row.running_since < CLAIM_EXPIRES:
        return None
    days = [day for day in (row.first_day, row.claimed_first_day if row.running_since else None) if day]
    first_day = min(days)  # the constraint guarantees one of them
    row.claimed_first_day = first_day
    row.first_day = None
    row.running_since = now
    row.save(update_fields=["claimed_first_day", "first_day", "running_since", "updated_at"])
    return first_day


@transaction.atomic
def pending_recompute_finish(*, journey_id: int) -> bool:
    """End the job's claim: True when writes arrived during the run (the row stays, a message is due)."""
    row = PendingRecompute.objects.select_for_update().filter(journey_id=journey_id).first()
    if row is None:
        return False
    if row.first_day is None:
        row.delete()
        return False
    row.claimed_first_day = None
    row.running_since = None
    row.enqueued_at = None  # until the caller's message is sent (pending_recompute_sent)
    row.save(update_fields=["claimed_first_day", "running_since", "enqueued_at", "updated_at"])
    return True


def pending_recompute_sent(*, journey_id: int) -> None:
    """The job message of the journey's pending recompute is on the broker: the stale sweep waits before resending.

    A row never stamped (the broker was down) is resent by the next sweep.
    """
    PendingRecompute.objects.filter(journey_id=journey_id, enqueued_at__isnull=True).update(enqueued_at=timezone.now())


@transaction.atomic
def pending_recompute_release(*, journey_id: int) -> None:
    """Give a failed job's days back, so that its retry (or the sweep) claims them again."""
    row = PendingRecompute.objects.select_for_update().filter(journey_id=journey_id).first()
    if row is None or row.running_since is None:
        return
    row.first_day = min(day for day in (row.first_day, row.claimed_first_day) if day)
    row.claimed_first_day = None
    row.running_since = None
    row.save(update_fields=["first_day", "claimed_first_day", "running_since", "updated_at"])


def recompute_range(*, journey: Journey, first_day: dt.date, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """Recompute every day from ``first_day`` (at most ``MAX_DAYS_BACK`` back) to today; the range done.

    Past days are a silent backfill; today is a normal recompute (``health_recomputed`` with the new
    alerts). A first day after today (instances that start in the future) recomputes today only.
    """
    today = today or timezone.localdate()
    # Never before what retention left whole (the engine leaves those days alone anyway).
    oldest = max(today - dt.timedelta(days=MAX_DAYS_BACK), first_recomputable_day(journey=journey) or dt.date.min)
    first_day = min(max(first_day, oldest), today)
    journey_health_backfill(journey=journey, first_as_of=first_day, last_as_of=today - dt.timedelta(days=1))
    journey_health_recompute(journey=journey, as_of=today)
    return first_day, today


def pending_recompute_run(*, journey_id: int) -> RecomputeRun | None:
    """The job: claim the journey's stale days, recompute them, end the claim. None: nothing was pending.

    Call it outside a transaction (each day is stored in its own).
    """
    first_day = pending_recompute_claim(journey_id=journey_id)
    if first_day is None:
        return None
    journey = Journey.objects.filter(pk=journey_id).first()
    if journey is None:  # deleted since: its row went with it
        return None
    try:
        done_from, done_to = recompute_range(journey=journey, first_day=first_day)
    except Exception:
        pending_recompute_release(journey_id=journey_id)
        raise
    again = pending_recompute_finish(journey_id=journey_id)
    return RecomputeRun(journey_id=journey_id, first_day=done_from, last_day=done_to, again=again)


def pending_recomputes_to_resend(*, now: dt.datetime | None = None) -> list[int]:
    """Journeys whose job message seems lost: not claimed long after it was sent, or claimed by a dead job.

    Their ``enqueued_at`` is stamped now (the caller sends the messages), so the next sweep waits again.
    """
    now = now or timezone.now()
    not_sent_lately = Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - MESSAGE_RESEND_AFTER)
    waiting_or_dead = Q(running_since__isnull=True) | Q(running_since__lt=now - CLAIM_EXPIRES)
    with transaction.atomic():
        rows = PendingRecompute.objects.select_for_update().filter(not_sent_lately & waiting_or_dead)
        rows = rows.order_by("journey_id")
        journey_ids = list(rows.values_list("journey_id", flat=True))
        PendingRecompute.objects.filter(journey_id__in=journey_ids).update(enqueued_at=now, updated_at=now)
    return journey_ids
