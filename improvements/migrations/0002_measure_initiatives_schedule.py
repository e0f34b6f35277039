"""Schedule improvements.tasks.measure_initiatives daily in django-celery-beat (editable in the admin)."""

from django.conf import settings
from django.db import migrations

TASK_NAME = "Measure delivered initiatives (daily)"


def schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="4", day_of_week="*", day_of_month="*", month_of_year="*", timezone=settings.TIME_ZONE
    )
    # get_or_create by name: running the migration again (or after an admin edited the
    # schedule) neither duplicates the task nor overwrites the operator's changes.
    PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={
            "task": "improvements.tasks.measure_initiatives",
            "crontab": crontab,
            "enabled": True,
            "description": "Records result_value for delivered initiatives whose measurement window has passed.",
        },
    )


def unschedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("improvements", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
