"""PostgreSQL date-times read by psycopg's compiled loader instead of Django's Python one.

Django registers its own ``timestamptz`` loader on every PostgreSQL connection: a subclass of
psycopg's *Python* loader that parses the text and then sets the time zone Django wants. psycopg's
compiled loader (psycopg[binary]) cannot be subclassed, so every date-time Django reads goes through
Python: about 4 µs each, a millisecond for a page of 50 instances with their four date-times.

When the connection's session time zone is UTC and Django wants UTC date-times (``USE_TZ`` with the
database's ``TIME_ZONE`` unset, the product's configuration), psycopg's compiled loader returns exactly
what Django's does (a ``datetime`` with ``datetime.timezone.utc``; equal and of the same kind,
tested), about five times faster. A session in any other time zone (Django sets UTC when it connects;
only a raw ``SET TIME ZONE`` changes it) keeps Django's loader and so exactly Django's behaviour: the
check runs for every cursor. Django's own check (``create_cursor`` compares the time zone it wants with
the loader's ``timezone``) still puts its loader on the cursors of a connection that wants another.
"""

import datetime as dt

from django.db.backends.postgresql.psycopg_any import BaseTzLoader
from psycopg import adapters
from psycopg.adapt import Loader
from psycopg.pq import Format

TIMESTAMPTZ = adapters.types["timestamptz"].oid
_COMPILED = adapters.get_loader(TIMESTAMPTZ, Format.TEXT)  # psycopg's own (compiled with psycopg[binary])


class _DjangoUtcLoader(BaseTzLoader):
    timezone = dt.UTC


class UtcTimestamptzLoader(Loader):
    """``timestamptz`` as an aware UTC ``datetime``, parsed by psycopg's own loader on a UTC session."""

    timezone = dt.UTC  # what Django's create_cursor compares with its connection's time zone

    def __init__(self, oid, context=None):
        super().__init__(oid, context)
        connection = getattr(context, "connection", None)
        if connection is not None and connection.info.parameter_status("TimeZone") == "UTC":
            self._load = _COMPILED(oid, context).load
        else:  # a session in another time zone: Django's loader, as if this one were not here
            self._load = _DjangoUtcLoader(oid, context).load
        self.load = self._load  # the instance's own: psycopg reads ``loader.load`` once per column

    def load(self, data):
        return self._load(data)


def use_compiled_datetime_loader(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: the loader above on a PostgreSQL connection that wants UTC."""
    if connection.vendor != "postgresql" or connection.timezone is not dt.UTC:
        return
    connection.connection.adapters.register_loader(TIMESTAMPTZ, UtcTimestamptzLoader)
