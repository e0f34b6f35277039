"""Schedule the daily e-mail digest and the sweep of lost deliveries in django-celery-beat (editable in the admin)."""

from django.conf import settings
from django.db import migrations

DIGEST_TASK = "Send the daily notification digests"
REQUEUE_TASK = "Send again notification deliveries whose job was lost"


def schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    morning, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="7", day_of_week="*", day_of_month="*", month_of_year="*", timezone=settings.TIME_ZONE
    )
    every_ten, _ = CrontabSchedule.objects.get_or_create(
        minute="*/10", hour="*", day_of_week="*", day_of_month="*", month_of_year="*", timezone=settings.TIME_ZONE
    )
    PeriodicTask.objects.get_or_create(
        name=DIGEST_TASK,
        defaults={"task": "notifications.tasks.send_digests", "crontab": morning, "enabled": True},
    )
    PeriodicTask.objects.get_or_create(
        name=REQUEUE_TASK,
        defaults={"task": "notifications.tasks.requeue_deliveries", "crontab": every_ten, "enabled": True},
    )


def unschedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[DIGEST_TASK, REQUEUE_TASK]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_notifications_and_deliveries"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
