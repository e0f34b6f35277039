from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Logins, invitations and single sign-on"

    def ready(self):
        # Imported here: the profile's default sections name templates only, but keep the registry's
        # import out of app loading like the other apps do.
        from .profile import register_default_sections

        register_default_sections()
