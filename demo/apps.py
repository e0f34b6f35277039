from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo organisation and ``manage.py seed_demo``: above every domain app, below config."""

    name = "demo"
    verbose_name = "Demo organisation"
