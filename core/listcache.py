"""API list pages served from the cache until the data changes.

A list page costs 10-40 ms of CPU to build (queries, DRF serialisation of 50 rows with their
links, JSON); the same page read again, by dashboards and integrations polling it, costs one
token check, one indexed read and a cache lookup. Correctness comes from a *data generation*: one
number in the database (``core.DataGeneration``) that goes up after every committed transaction
that wrote anything through Django, in every process (web, worker, commands):

- every database connection gets an execute wrapper (``install``) that notices statements that
  can write (anything but SELECT and transaction control) and bumps the generation once the
  transaction commits (at once in autocommit);
- a list page is cached under a key that holds the generation read *before* the page's own
  queries, with the user, the full URL (host, path, query string) and the media type. A page
  built while a writer commits is therefore stored under the older generation, which no reader
  asks for once the writer's bump is done: a cached page is never older than its generation;
- a request inside a transaction that has already written (tests, scripts) never uses the cache:
  it must see its own writes.

Writes made outside Throughline (psql, a restored dump) are not noticed: ``API_LIST_CACHE_SECONDS``
(default 60) bounds how long such a page can be served; ``manage.py bump_data_generation``
drops every cached page at once. ``API_LIST_CACHE_SECONDS = 0`` turns the cache off.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, router, transaction
from django.db.backends.base.base import NO_DB_ALIAS
from django.http import HttpResponse

logger = logging.getLogger(__name__)

GENERATION_TABLE = "core_datageneration"
# The row is created by the first write, from a random number: were the table emptied (a flush, a
# restore), counting would not start again from a number that keys pages of another state.
BUMP_SQL = (
    f"INSERT INTO {GENERATION_TABLE} (id, value) VALUES (1, %s) "  # noqa: S608 (a constant)
    f"ON CONFLICT (id) DO UPDATE SET value = {GENERATION_TABLE}.value + 1"
)
READ_SQL = f"SELECT value FROM {GENERATION_TABLE} WHERE id = 1"  # noqa: S608 (a constant)
# Statements that cannot change data. Anything else counts as a write (a false alarm only costs a miss).
READ_ONLY = re.compile(r"\s*(SELECT|SAVEPOINT|RELEASE|ROLLBACK|COMMIT|BEGIN|SET|SHOW|EXPLAIN|PRAGMA)\b", re.IGNORECASE)
WRITING_CTE = re.compile(r"\b(INSERT|UPDATE|DELETE|MERGE)\b", re.IGNORECASE)


def _writes(sql: str) -> bool:
    if READ_ONLY.match(sql):
        return False
    if sql.lstrip()[:4].upper() == "WITH":
        return bool(WRITING_CTE.search(sql))
    return sql != BUMP_SQL


# --- noticing writes ---------------------------------------------------------------------------------


def bump(connection=None) -> None:
    """Raise the data generation (after a commit, or by hand: ``manage.py bump_data_generation``)."""
    connection = connection or connections[DEFAULT_DB_ALIAS]
    try:
        with connection.cursor() as cursor:
            cursor.execute(BUMP_SQL, [secrets.randbits(62)])
    except DatabaseError as error:  # e.g. before core's migration: no cached page can exist either
        logger.debug("Data generation not bumped: %s", error)


def _pending_bump(connection) -> bool:
    return any(getattr(entry[1], "bumps_data_generation", False) for entry in connection.run_on_commit)


def data_changed(connection) -> None:
    """Note that ``connection`` wrote: bump the generation now (autocommit) or once its transaction commits."""
    if not connection.in_atomic_block:
        bump(connection)
        return
    if _pending_bump(connection):
        return

    def bump_after_commit():
        bump(connection)

    bump_after_commit.bumps_data_generation = True
    # robust: a failed bump is logged; it must not turn the committed write into an error.
    transaction.on_commit(bump_after_commit, using=connection.alias, robust=True)


def _note_writes(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if _writes(sql):
        data_changed(context["connection"])
    return result


def install(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: watch the new connection's statements.

    Not the connections Django opens to the server's maintenance database (creating a test database).
    """
    if connection.alias == NO_DB_ALIAS:
        return
    if _note_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(_note_writes)


def current_generation(alias: str = "default") -> int | None:
    """The data generation, or None when there is none yet (nothing written since the table was created)."""
    with connections[alias].cursor() as cursor:
        cursor.execute(READ_SQL)
        row = cursor.fetchone()
    return row[0] if row else None


# --- serving list pages ---------------------------------------------------------------------------------


class CachedListMixin:
    """For DRF list views: a JSON list page comes from the cache while the data generation is unchanged."""

    def list(self, request, *args, **kwargs):
        key = self._list_cache_key(request)
        if key is None:
            return super().list(request, *args, **kwargs)
        cached = cache.get(key)
        if cached is not None:
            content, content_type = cached
            return HttpResponse(content, content_type=content_type)
        response = super().list(request, *args, **kwargs)
        if response.status_code != 200:
            return response
        # Rendered as DRF would render it (finalize_response), so that a hit returns the same bytes.
        self.finalize_response(request, response, *args, **kwargs)
        response.render()
        cache.set(key, (response.content, response["Content-Type"]), settings.API_LIST_CACHE_SECONDS)
        return response

    def _list_cache_key(self, request) -> str | None:
        seconds = settings.API_LIST_CACHE_SECONDS
        renderer = getattr(request, "accepted_renderer", None)
        if not seconds or renderer is None or renderer.format != "json":
            return None
        queryset = getattr(self, "queryset", None)  # not get_queryset(): a hit builds no query
        alias = router.db_for_read(queryset.model) if queryset is not None else DEFAULT_DB_ALIAS
        connection = connections[alias]
        if connection.in_atomic_block and _pending_bump(connection):
            return None  # this transaction wrote: it must see its own writes
        generation = current_generation(alias)
        if generation is None:
            return None
        user = request.user.pk if request.user and request.user.is_authenticated else 0
        parts = [
            connection.settings_dict["NAME"],
            str(generation),
            str(user),
            request.build_absolute_uri(),
            request.accepted_media_type,
        ]
        digest = hashlib.blake2b("\n".join(map(str, parts)).encode(), digest_size=20).hexdigest()
        return f"api-list:{generation}:{digest}"
