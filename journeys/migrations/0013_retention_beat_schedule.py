"""The nightly retention job in django-celery-beat (editable in the admin); it removes nothing while RETENTION_DAYS is 0."""

from django.conf import settings
from django.db import migrations

RETENTION_TASK = "Remove instances and interactions older than RETENTION_DAYS"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    # At night, after the daily health recompute (00:15) and before the working day's ingest.
    fields = {
        "minute": "30",
        "hour": "3",
        "day_of_week": "*",
        "day_of_month": "*",
        "month_of_year": "*",
        "timezone": settings.TIME_ZONE,
    }
    nightly = CrontabSchedule.objects.filter(**fields).order_by("pk").first()
    if nightly is None:
        nightly = CrontabSchedule.objects.create(**fields)
    PeriodicTask.objects.get_or_create(
        name=RETENTION_TASK,
        defaults={
            "task": "journeys.tasks.remove_expired_data",
            "crontab": nightly,
            "description": "Remove journey instances and their interactions that started more than RETENTION_DAYS "
            "days ago (never within a journey's health window), in batches. Health snapshots stay.",
        },
    )


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=RETENTION_TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("journeys", "0012_retention_mark"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
