"""Building blocks every app's models share."""

from django.db import models


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


class DataGeneration(models.Model):
    """One row whose ``value`` goes up after every committed write: the key of cached API list pages.

    Maintained by ``core.listcache`` (one upsert per writing transaction, after its commit), never by hand.
    """

    value = models.BigIntegerField(default=1)

    class Meta:
        verbose_name = "data generation"

    def __str__(self):
        return f"data generation {self.value}"
