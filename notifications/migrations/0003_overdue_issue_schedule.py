"""Schedule the daily notice of overdue issues (06:30, before the 07:00 digest) in django-celery-beat."""

from django.conf import settings
from django.db import migrations

OVERDUE_TASK = "Tell owners and assignees about overdue issues"


def schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    early, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="6", day_of_week="*", day_of_month="*", month_of_year="*", timezone=settings.TIME_ZONE
    )
    PeriodicTask.objects.get_or_create(
        name=OVERDUE_TASK,
        defaults={"task": "notifications.tasks.notify_overdue_issues", "crontab": early, "enabled": True},
    )


def unschedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=OVERDUE_TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_notification_schedules"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
