"""manage.py seed_demo: load the demo organisation, its journeys and 180 days of activity."""

import io
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, OutputWrapper

from demo.loader import seed_demo
from demo.measures import seed_incentive_measures
from demo.organisation import INTEGRATION_USERNAME, PASSWORD, ROLE_LOGINS
from improvements.models import Initiative, InitiativeUpdate, Issue
from journeys.models import HealthSnapshot, Interaction, Journey, JourneyInstance, Stage, Touchpoint
from owners.models import Function, Incentive, IncentiveReview, Ownership, Person, Responsibility, TeamMembership

SUMMARY_MODELS = (
    ("Journeys", Journey),
    ("Stages", Stage),
    ("Touchpoints", Touchpoint),
    ("Journey instances", JourneyInstance),
    ("Interactions", Interaction),
    ("Functions", Function),
    ("People", Person),
    ("Ownerships", Ownership),
    ("Team memberships", TeamMembership),
    ("Responsibilities", Responsibility),
    ("Incentives", Incentive),
    ("Incentive reviews", IncentiveReview),
    ("Issues", Issue),
    ("Initiatives", Initiative),
    ("Initiative updates", InitiativeUpdate),
    ("Health snapshots", HealthSnapshot),
)


class Command(BaseCommand):
    help = (
        "Load the demo organisation (Meridian Group): journeys with maps, owners, teams, incentives, issues, "
        "initiatives and days of generated activity. Deterministic, and safe to run again: existing journeys "
        "and logins are kept as they are."
    )

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when any journey exists.")
        parser.add_argument("--days", type=int, default=180, help="Days of activity to generate (default 180).")
        parser.add_argument(
            "--scale", type=float, default=1.0, help="Multiplies the number of journey instances (default 1.0)."
        )
        parser.add_argument("--seed", type=int, default=1, help="Random seed; the same seed gives the same rows.")
        parser.add_argument(
            "--no-recompute",
            action="store_true",
            help="Skip the health backfill (recompute_health) after loading.",
        )

    def handle(self, *args, **options):
        days, scale = options["days"], options["scale"]
        if options["verbosity"] == 0:  # `make run`: nothing to say; manage.py welcome prints the logins
            self.stdout = OutputWrapper(io.StringIO())
        if days < 1 or days > 3650:
            raise CommandError("--days must be between 1 and 3650.")
        if scale <= 0 or scale > 100:
            raise CommandError("--scale must be more than 0 and at most 100.")
        if options["if_empty"] and Journey.objects.exists():
            self.stdout.write("Journeys already exist; demo data not loaded (--if-empty).")
            return

        started = time.monotonic()
        result = seed_demo(days=days, scale=scale, seed=options["seed"])
        loaded_in = time.monotonic() - started
        if result.journeys_created:
            self.stdout.write(
                self.style.SUCCESS(f"Loaded demo journeys {', '.join(result.journeys_created)} in {loaded_in:.1f}s.")
            )
        else:
            self.stdout.write("The demo journeys already exist; nothing to load.")
        if result.journeys_kept and result.journeys_created:
            self.stdout.write(f"Kept existing journeys as they were: {', '.join(result.journeys_kept)}.")

        if result.journeys_created and not options["no_recompute"]:
            self._recompute_health(days, verbosity=options["verbosity"])
        if result.journeys_created:
            self._incentive_measures()
        self._summary(result)

    def _recompute_health(self, days: int, *, verbosity: int) -> None:
        started = time.monotonic()
        self.stdout.write(f"Backfilling {days} days of journey health...")
        call_command("recompute_health", since=days, verbosity=verbosity, stdout=self.stdout, stderr=self.stderr)
        self.stdout.write(f"Health backfilled in {time.monotonic() - started:.1f}s.")

    def _incentive_measures(self) -> None:
        # After the backfill: the measures follow the month-end health the backfill computed.
        loaded = seed_incentive_measures()
        self.stdout.write(
            f"Loaded {loaded['measurements']} incentive measurements and their evidence "
            f"({loaded['carried_over_snapshots']} month-end snapshots carried over from before the activity)."
        )

    def _summary(self, result) -> None:
        self.stdout.write("")
        for label, model in SUMMARY_MODELS:
            self.stdout.write(f"  {label:<20} {model.objects.count():>8}")
        self.stdout.write("")
        self.stdout.write(f"Logins (password for all: {PASSWORD}):")
        for username, description in ROLE_LOGINS:
            kept = " (existed already; password unchanged)" if username in result.users_kept else ""
            self.stdout.write(f"  {username:<12} {description}{kept}")
        self.stdout.write(f"API token of '{INTEGRATION_USERNAME}': {result.token}")
