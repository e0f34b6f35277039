"""manage.py recompute_health [--journey SLUG] [--since DAYS]: recompute health now, backfilling days."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from journeys.models import Journey
from journeys.services.health import journey_health_backfill, journey_health_recompute


class Command(BaseCommand):
    help = (
        "Recompute journey health synchronously, with the same code as the Celery task. With --since DAYS, "
        "store a daily snapshot for every day from DAYS days ago to today (a backfill)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--journey", metavar="SLUG", help="Only this journey (default: every active journey).")
        parser.add_argument(
            "--since",
            metavar="DAYS",
            type=int,
            default=0,
            help="Backfill daily snapshots from today minus DAYS up to today (default 0: today only).",
        )

    def handle(self, *args, journey=None, since=0, **options):
        if since < 0:
            raise CommandError("--since must be 0 or a positive number of days.")
        if journey:
            journeys = list(Journey.objects.filter(slug=journey))
            if not journeys:
                raise CommandError(f"No journey with slug '{journey}'.")
        else:
            journeys = list(Journey.objects.active().order_by("slug"))
            if not journeys:
                self.stdout.write("No active journey to recompute.")
                return
        today = timezone.localdate()
        first_as_of = today - dt.timedelta(days=since)
        total = len(journeys) * (since + 1)
        with tqdm(total=total, unit="day", desc="Recomputing health", disable=options["verbosity"] == 0) as bar:
            for each in journeys:
                bar.set_postfix_str(each.slug)
                # Past days are history: the data is read once for the whole range and only today's
                # recompute tells other apps about new alerts (as the Celery task does).
                journey_health_backfill(
                    journey=each,
                    first_as_of=first_as_of,
                    last_as_of=today - dt.timedelta(days=1),
                    progress=lambda _day: bar.update(),
                )
                snapshot = journey_health_recompute(journey=each, as_of=today).snapshot
                bar.update()
                bar.write(
                    f"{each.slug}: {since + 1} day(s); as of {snapshot.as_of} score "
                    f"{snapshot.score if snapshot.score is not None else '-'} ({snapshot.get_status_display()})",
                    file=self.stdout,
                )
        self.stdout.write(self.style.SUCCESS(f"Recomputed {total} journey-day(s)."))
