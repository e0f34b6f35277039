"""manage.py bump_data_generation: drop every cached API list page at once (after writes made outside Throughline)."""

from django.core.management.base import BaseCommand

from core import listcache


class Command(BaseCommand):
    help = (
        "Raise the data generation, so that every API list page is built afresh. Writes through "
        "Throughline do this by themselves; run it after changing data with psql or restoring a dump."
    )

    def handle(self, *args, **options):
        listcache.bump()
        self.stdout.write(f"Data generation is now {listcache.current_generation()}.")
