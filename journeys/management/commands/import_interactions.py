"""manage.py import_interactions FILE [--journey SLUG]: the CSV import, synchronously, with a progress bar."""

from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from journeys.choices import ImportStatus
from journeys.models import Journey
from journeys.services.imports import ImportTooLarge, import_create, import_run


class Command(BaseCommand):
    help = (
        "Import a CSV file of interactions (one row per interaction, docs/csv-format.md). "
        "All rows or none; the import is recorded like an upload and listed under /imports/."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path of the CSV file (UTF-8).")
        parser.add_argument("--journey", help="Slug of the journey every row must belong to.")
        parser.add_argument("--no-progress", action="store_true", help="Do not draw the progress bar.")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        journey = None
        if options["journey"]:
            journey = Journey.objects.filter(slug=options["journey"]).first()
            if journey is None:
                raise CommandError(f"Unknown journey '{options['journey']}'.")
        with path.open("rb") as handle:
            try:
                record = import_create(file=File(handle, name=path.name), journey=journey, enqueue=False)
            except ImportTooLarge as error:
                raise CommandError(error.message) from error

        bars: dict[str, tqdm] = {}
        labels = {"checking": "Checking", "loading": "Loading"}

        def on_progress(phase: str, done: int, total: int) -> None:
            if options["no_progress"]:
                return
            bar = bars.get(phase)
            if bar is None:
                for other in bars.values():
                    other.close()
                bar = bars[phase] = tqdm(total=total, desc=labels[phase], unit="row", file=self.stderr._out)
            bar.update(done - bar.n)

        try:
            record = import_run(import_id=record.pk, on_progress=on_progress)
        finally:
            for bar in bars.values():
                bar.close()

        if record.status == ImportStatus.SUCCEEDED:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Imported {record.total_rows} rows (import #{record.pk}): "
                    f"instances {record.instances_created} created, {record.instances_updated} updated; "
                    f"interactions {record.interactions_created} created, {record.interactions_updated} updated."
                )
            )
            return
        self.stderr.write(f"Nothing was imported (import #{record.pk}): {record.error_count} problem(s).")
        for error in record.errors:
            where = f"row {error['row']}" if error["row"] is not None else "file"
            column = f", column {error['column']}" if error["column"] else ""
            self.stderr.write(f"  {where}{column}: {error['message']}")
        hidden = record.error_count - len(record.errors)
        if hidden > 0:
            self.stderr.write(f"  ... and {hidden} more.")
        raise CommandError("The import failed.", returncode=1)
