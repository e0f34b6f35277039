from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self):
        from django.db.backends.signals import connection_created

        from .db import use_compiled_datetime_loader

        connection_created.connect(use_compiled_datetime_loader, dispatch_uid="core.db.compiled_datetimes")
