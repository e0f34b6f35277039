"""Building blocks every app's models share."""

from django.db import models

from .choices import ImportStatus


class TimeStampedModel(models.Model):
    """Adds ``created_at`` and ``updated_at`` maintained by Django."""

    created_at = models.DateTimeField("created", auto_now_add=True)
    updated_at = models.DateTimeField("updated", auto_now=True)

    class Meta:
        abstract = True


class VersionedModel(models.Model):
    """Optimistic locking: writers send the version they read; a stale one is refused (409)."""

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


class CsvImportRecord(TimeStampedModel):
    """An uploaded CSV file being (or having been) checked and loaded by a Celery job, with its progress and report.

    The progress fields, the progress document the page polls (``progress``) and the statuses are shared by
    every app's imports; a concrete import adds its ``file``, its ``created_by`` and the counts it reports
    (``counts``: what was created and what was updated).
    """

    original_name = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    total_rows = models.PositiveIntegerField(null=True, blank=True)
    processed_rows = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    def counts(self) -> tuple[int, int]:
        """(rows created, rows updated) of whatever the import loads."""
        raise NotImplementedError

    @property
    def finished(self) -> bool:
        return self.status in (ImportStatus.SUCCEEDED, ImportStatus.FAILED)

    @property
    def progress_percent(self) -> int:
        if self.status == ImportStatus.SUCCEEDED:
            return 100
        if not self.total_rows:
            return 0
        return min(100, int(100 * self.processed_rows / self.total_rows))

    @property
    def phase(self) -> str:
        """queued, checking, loading (every row checked), succeeded or failed."""
        if self.status == ImportStatus.RUNNING:
            return "loading" if self.total_rows and self.processed_rows >= self.total_rows else "checking"
        return self.status

    @property
    def errors_not_listed(self) -> int:
        return max(0, self.error_count - len(self.errors or []))

    def progress(self) -> dict:
        """The small JSON document ``static/js/import-progress.js`` polls."""
        created, updated = self.counts()
        return {
            "id": self.pk,
            "status": self.status,
            "status_display": self.get_status_display(),
            "phase": self.phase,
            "finished": self.finished,
            "total_rows": self.total_rows,
            "processed_rows": self.processed_rows,
            "percent": self.progress_percent,
            "created": created,
            "updated": updated,
            "error_count": self.error_count,
        }
