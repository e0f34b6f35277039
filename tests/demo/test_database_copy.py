"""tests/database_copy.py: a demo put back from its copy equals the demo loaded afresh, table by table."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from journeys.models import Journey
from tests import factories
from tests.database_copy import DatabaseCopy, row_counts, tables_in_dependency_order

pytestmark = pytest.mark.django_db(transaction=True)


def _every_row(tables):
    quote = connection.ops.quote_name
    rows = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608 (quoted table names)
            rows[table] = sorted(cursor.fetchall(), key=repr)
    return rows


def _load_demo():
    call_command("seed_demo", scale=0.01, days=3, no_recompute=True, stdout=StringIO())
    call_command("recompute_health", since=2, verbosity=0, stdout=StringIO())


def test_a_restored_demo_has_every_row_of_the_loaded_one_and_new_rows_get_new_ids():
    tables = tables_in_dependency_order()
    call_command("flush", interactive=False, verbosity=0)  # as a transactional test leaves it
    counts_before = row_counts(tables)
    _load_demo()
    copied = DatabaseCopy.take(tables=tables, counts_before=counts_before)
    loaded = _every_row(tables)
    assert sum(len(rows) for rows in loaded.values()) > 1_000  # the copy has something to prove
    assert loaded["journeys_interaction"]
    highest_journey = max(Journey.objects.values_list("pk", flat=True))

    call_command("flush", interactive=False, verbosity=0)
    assert copied.fits()
    copied.restore()

    assert _every_row(tables) == loaded
    # The sequences are past the restored ids: a new row neither collides nor reuses one.
    assert factories.JourneyFactory().pk > highest_journey


def test_a_copy_is_not_put_back_over_rows_it_was_not_taken_from():
    tables = tables_in_dependency_order()
    copied = DatabaseCopy.take(tables=tables, counts_before=row_counts(tables))
    assert copied.fits()

    factories.PersonFactory(name="Someone a fixture made")

    assert not copied.fits()


def _refers_to(model, target, seen=frozenset()) -> bool:
    """Whether model refers to target through its foreign keys, directly or through other tables."""
    for field in model._meta.concrete_fields:
        related = field.related_model if field.is_relation else None
        if related is None or related in seen:
            continue
        if related is target or _refers_to(related, target, seen | {model}):
            return True
    return False


def test_every_table_comes_after_the_tables_it_refers_to_unless_they_refer_back():
    order = {table: position for position, table in enumerate(tables_in_dependency_order())}

    for model in apps.get_models(include_auto_created=True):
        if not model._meta.managed or model._meta.proxy:
            continue
        for field in model._meta.concrete_fields:
            target = field.related_model if field.is_relation else None
            if target is None or target is model or _refers_to(target, model):
                continue  # a cycle (a function's head is a person of a function): checked at commit
            assert order[target._meta.db_table] < order[model._meta.db_table], (model, field.name)
