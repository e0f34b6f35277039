"""A copy of every table's rows, taken once and put back into an emptied test database.

The browser tests each need the demo organisation in a database that the previous test emptied
(live_server tests run on ``transactional_db``). Loading it costs 1-2 s a test (``seed_demo`` and
14 days of health); putting back the rows that the first load left costs a tenth of that. The copy
holds the rows as the database gives them back (PostgreSQL's COPY text, SQLite's own values), so
what comes back is the same rows with the same ids; the sequences are set past them as Django's
``sqlsequencereset`` does. ``tests/demo/test_database_copy.py`` checks that a restored demo equals
a freshly loaded one, table by table, on both databases.

A copy is put back only into the state it was taken from: every table holds the same number of
rows as it did just before the first load (after a flush: the content types and permissions that
its post_migrate recreates; before the first flush of a process, the data migrations' rows too).
Anything else, and the caller loads afresh.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction


def tables_in_dependency_order() -> list[str]:
    """Every model table (auto-created many-to-many tables too), each after the tables it refers to.

    Foreign keys are checked at commit, but the integrity triggers (an interaction's touchpoint in
    its instance's journey) look the referred rows up as each row goes in.
    """
    models = [model for model in apps.get_models(include_auto_created=True) if model._meta.managed]
    models = [model for model in models if not model._meta.proxy]
    by_table = {model._meta.db_table: model for model in models}
    existing = set(connection.introspection.table_names())
    order: list[str] = []
    placed: set[str] = set()

    def place(table: str, visiting: frozenset) -> None:
        if table in placed or table in visiting or table not in existing:
            return
        model = by_table[table]
        for field in model._meta.concrete_fields:
            target = getattr(field, "related_model", None)
            if field.is_relation and target is not None and target._meta.db_table in by_table:
                place(target._meta.db_table, visiting | {table})
        placed.add(table)
        order.append(table)

    for table in sorted(by_table):
        place(table, frozenset())
    return order


def row_counts(tables: list[str]) -> tuple[int, ...]:
    """The number of rows of each table, in one query."""
    quote = connection.ops.quote_name
    select = ", ".join(f"(SELECT COUNT(*) FROM {quote(table)})" for table in tables)  # noqa: S608 (quoted table names)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {select}")
        return tuple(cursor.fetchone())


@dataclass
class DatabaseCopy:
    tables: list[str]
    counts_before: tuple[int, ...]
    rows: dict[str, object]

    @classmethod
    def take(cls, *, tables: list[str], counts_before: tuple[int, ...]) -> DatabaseCopy:
        quote = connection.ops.quote_name
        rows = {}
        with connection.cursor() as cursor:
            raw = cursor.cursor
            for table in tables:
                if connection.vendor == "postgresql":
                    with raw.copy(f"COPY {quote(table)} TO STDOUT") as copy:
                        rows[table] = b"".join(bytes(block) for block in copy)
                else:
                    raw.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608 (quoted table names)
                    rows[table] = ([column[0] for column in raw.description], raw.fetchall())
        return cls(tables=tables, counts_before=counts_before, rows=rows)

    def fits(self) -> bool:
        """Whether the database is in the state this copy was taken from (see the module's docstring)."""
        return row_counts(self.tables) == self.counts_before

    def restore(self) -> None:
        quote = connection.ops.quote_name
        if connection.vendor == "postgresql":
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("TRUNCATE " + ", ".join(quote(table) for table in self.tables))
                for table in self.tables:
                    if self.rows[table]:
                        with cursor.cursor.copy(f"COPY {quote(table)} FROM STDIN") as copy:
                            copy.write(self.rows[table])
                models = apps.get_models(include_auto_created=True)
                for statement in connection.ops.sequence_reset_sql(no_style(), models):
                    cursor.execute(statement)
            return
        # SQLite: rows go in with their ids, which moves each AUTOINCREMENT sequence past them.
        with transaction.atomic(), connection.cursor() as cursor:
            raw = cursor.cursor
            for table in reversed(self.tables):
                raw.execute(f"DELETE FROM {quote(table)}")  # noqa: S608 (quoted table names)
            for table in self.tables:
                columns, values = self.rows[table]
                if values:
                    names = ", ".join(quote(column) for column in columns)
                    marks = ", ".join("?" for _ in columns)
                    raw.executemany(f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})", values)  # noqa: S608 (quoted table names)
