from django.apps import AppConfig
from django.db.backends.signals import connection_created

from . import listcache


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self):
        # Every connection, in every process, notices its own writes (core.listcache).
        connection_created.connect(listcache.install, dispatch_uid="core.listcache.install")
