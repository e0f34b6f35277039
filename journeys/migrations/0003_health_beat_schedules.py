"""Periodic health recomputes in django-celery-beat, so a fresh install has them (editable in the admin)."""

from django.conf import settings
from django.db import migrations

STALE_TASK = "Recompute stale journey health"
DAILY_TASK = "Recompute every active journey's health"


def create_schedules(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")

    every_ten_minutes = IntervalSchedule.objects.filter(every=10, period="minutes").order_by("pk").first()
    if every_ten_minutes is None:
        every_ten_minutes = IntervalSchedule.objects.create(every=10, period="minutes")
    # Shortly after midnight, so that each new day gets its snapshot (the window slides).
    nightly = CrontabSchedule.objects.filter(
        minute="15", hour="0", day_of_week="*", day_of_month="*", month_of_year="*", timezone=settings.TIME_ZONE
    ).order_by("pk").first()
    if nightly is None:
        nightly = CrontabSchedule.objects.create(
            minute="15", hour="0", day_of_week="*", day_of_month="*", month_of_year="*", timezone=settings.TIME_ZONE
        )
    PeriodicTask.objects.get_or_create(
        name=STALE_TASK,
        defaults={
            "task": "journeys.tasks.recompute_stale_health",
            "interval": every_ten_minutes,
            "description": "Recompute the health of journeys whose data changed since their latest snapshot.",
        },
    )
    PeriodicTask.objects.get_or_create(
        name=DAILY_TASK,
        defaults={
            "task": "journeys.tasks.recompute_all_health",
            "crontab": nightly,
            "description": "Recompute every active journey's health once a day: the window slides.",
        },
    )


def remove_schedules(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[STALE_TASK, DAILY_TASK]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("journeys", "0002_integrity_triggers"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]
