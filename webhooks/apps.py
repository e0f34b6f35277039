from django.apps import AppConfig

from core.events import register_listener


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = "Outbound webhooks"

    def ready(self):
        # Imported here: the services import the models, which are not loaded yet when this module is.
        from .services import event_listener

        register_listener(event_listener)
