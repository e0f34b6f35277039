"""``python -m tests.reliability.hooked_worker -A config worker ...``: a real Celery worker whose health
recompute, once it has written the new snapshot rows and before it commits, waits for a PostgreSQL
advisory lock the test holds. The test can then kill the worker or its database connection at a
known point inside the transaction. Test code only: the product runs the plain ``celery`` command.
"""

import os
import sys

HOLD_KEY = 72_450_001  # the advisory lock the test holds while it interferes


def _install_hook() -> None:
    import django

    django.setup()
    from django.db import connection, transaction

    from journeys.services import health

    original_store = health._store

    def store_then_wait(**kwargs):
        with transaction.atomic():
            result = original_store(**kwargs)
            # Still inside the transaction: the new rows are written, not committed.
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [HOLD_KEY])
            return result

    health._store = store_then_wait


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    _install_hook()
    from celery.__main__ import main

    sys.argv = ["celery", *sys.argv[1:]]
    sys.exit(main())
