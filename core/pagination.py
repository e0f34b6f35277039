"""Page-number pagination shared by every API list."""

from django.conf import settings
from django.core.paginator import EmptyPage, Paginator
from django.db import connections
from django.db.models import FloatField, ForeignKey
from django.db.models.expressions import RawSQL
from django.db.models.sql.constants import INNER
from django.db.models.sql.datastructures import Join
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

# The largest OFFSET + LIMIT a database takes (a signed 64-bit integer, PostgreSQL and SQLite).
MAX_OFFSET = 2**63 - 1


class LastPageCountPaginator(Paginator):
    """Django's paginator that reads one row more than a page and, when the page is the last one, knows
    the count from it: ``COUNT(*)`` runs only when more rows follow.

    Most lists of a team (its journeys, issues of a filter, one instance's interactions) fit on one
    page: their count query was a second scan of what the page had just read. The page and its count
    now come from the same statement. A page number that is not a positive integer, or an empty page
    after the first, goes through Django's own ``page()`` (its errors, its count).
    """

    @cached_property
    def count(self) -> int:
        """Django's count, of the table alone when the list's joins cannot change it (``rows_of_its_table``)."""
        table = rows_of_its_table(self.object_list)
        if table is not None:
            return table.count()
        return super().count

    def page(self, number):
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            return super().page(number)
        if number < 1 or self.orphans:
            return super().page(number)
        bottom = (number - 1) * self.per_page
        if bottom + self.per_page + 1 > MAX_OFFSET:  # no database takes such an OFFSET: Django's 404 instead
            return super().page(number)
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if len(rows) > self.per_page:  # more follow: the count is asked when the answer needs it
            self.more_follow(seen=bottom + len(rows), rows=rows)
            return self._get_page(rows[: self.per_page], number, self)
        if rows or (number == 1 and self.allow_empty_first_page):
            self.__dict__["count"] = bottom + len(rows)  # the cached_property's value, from this page
            return self._get_page(rows, number, self)
        return self.past_the_end(number)

    def more_follow(self, *, seen: int, rows: list) -> None:
        """The page read ``rows``, ``seen`` rows from the start of the list: the count is at least that (an
        exact one is)."""

    def past_the_end(self, number):
        """A page after the first that has no rows: Django's own page() (its count, its EmptyPage)."""
        return super().page(number)


def rows_of_its_table(queryset):
    """The queryset's own table, unfiltered, when that has exactly the queryset's rows; else None.

    A list that shows its related rows' names as columns (``F("journey__name")``, ``select_related``)
    joins their tables, and Django's ``count()`` keeps those joins: the issues list's count read four
    tables for what one holds. The joins are dropped only where they provably keep every row once:
    no WHERE, DISTINCT, GROUP BY, combined query, extra table or slice; every join along a forward
    foreign key (at most one row on the other side, no filtered relation); an INNER join only on a
    NOT NULL key whose constraint the database enforces, from a row that is always there (the table
    itself or another such join), so that no row lacks its partner. Anything else keeps Django's count.
    """
    query = getattr(queryset, "query", None)
    if query is None:
        return None
    if (
        query.where
        or query.distinct
        or query.group_by is not None
        or query.combinator
        or query.extra_tables
        or query.is_sliced
    ):
        return None
    always_there = {query.base_table}
    for alias, table in query.alias_map.items():
        if not isinstance(table, Join):
            if alias != query.base_table:
                return None  # a second table in FROM
            continue
        field = table.join_field
        if not isinstance(field, ForeignKey) or table.filtered_relation is not None:
            return None  # a reverse or many-to-many join may repeat a row, a filtered one may drop it
        if table.join_type == INNER:
            if field.null or not field.db_constraint or table.parent_alias not in always_there:
                return None  # rows without a partner would be left out
            always_there.add(alias)
    return queryset.model._base_manager.using(queryset.db)


class StandardPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    django_paginator_class = LastPageCountPaginator


def _estimable(queryset) -> bool:
    """Whether the planner's estimate of the table can stand for the queryset's count: PostgreSQL, and
    the queryset has the table's rows (``rows_of_its_table``)."""
    return rows_of_its_table(queryset) is not None and connections[queryset.db].vendor == "postgresql"


RELTUPLES_SQL = "SELECT reltuples FROM pg_class WHERE oid = %s::regclass"

# The column an estimable page's query reads the planner's estimate into (EstimatedCountPaginator).
ESTIMATE_COLUMN = "planner_estimate_of_table"


def _rows_of(reltuples: float | None) -> int | None:
    """pg_class.reltuples as a row count: None for a table never analysed (-1)."""
    return int(reltuples) if reltuples is not None and reltuples >= 0 else None


def planner_estimate(queryset) -> int | None:
    """PostgreSQL's row estimate of the queryset's table (pg_class.reltuples), if the queryset is unfiltered.

    None when the queryset has a WHERE clause, the database is not PostgreSQL or the table was
    never analysed: then only an exact count is right.
    """
    if not _estimable(queryset):
        return None
    connection = connections[queryset.db]
    with connection.cursor() as cursor:
        cursor.execute(RELTUPLES_SQL, [queryset.model._meta.db_table])
        row = cursor.fetchone()
    return _rows_of(row[0]) if row else None


class EstimatedCountPaginator(LastPageCountPaginator):
    """Counts exactly, except an unfiltered list of a big table, where the planner's estimate stands in.

    An exact COUNT(*) of a whole table of a million rows reads all of it on every page (about 50 ms
    at a million instances, more than the page itself). The estimate is kept current by autovacuum's
    ANALYZE; it is used only from ``API_ESTIMATED_COUNT_FROM`` rows on, so small tables and every
    filtered list keep their exact count.
    """

    count_is_estimate = False
    _page_reltuples: float | None = None  # the estimate as the page's own query read it

    def __init__(self, object_list, *args, **kwargs):
        # An estimable list reads the estimate in its page's query (an uncorrelated subquery, run once):
        # the query of its own was a round trip of every page that has more after it.
        if _estimable(object_list):
            params = [object_list.model._meta.db_table]
            estimate = RawSQL(RELTUPLES_SQL, params, output_field=FloatField())  # noqa: S611 (a table name as a parameter)
            object_list = object_list.annotate(**{ESTIMATE_COLUMN: estimate})
        super().__init__(object_list, *args, **kwargs)

    # The page's rows decide what follows, never the estimate: a table that grew since its last ANALYZE
    # has rows after the estimate's last page, and their pages answer with them, each with a ``next``
    # link while more follow; a table that shrank has no empty pages before the estimate's end. The
    # last page counts exactly (``offset + rows``), as every list's last page does.
    def more_follow(self, *, seen: int, rows: list) -> None:
        first = rows[0]  # a model, or a dict of a values() list
        self._page_reltuples = (
            first.get(ESTIMATE_COLUMN) if type(first) is dict else getattr(first, ESTIMATE_COLUMN, None)
        )
        if self.count < seen:  # the estimate is behind the table: the rows seen are there
            self.__dict__["count"] = seen

    def past_the_end(self, number):
        # No rows at this offset: whatever the estimate says, there is no such page (Django's own 404).
        raise EmptyPage(_("That page contains no results"))

    @cached_property
    def count(self) -> int:
        if self._page_reltuples is not None:
            estimate = _rows_of(self._page_reltuples)
        else:
            estimate = planner_estimate(self.object_list)
        if estimate is not None and estimate >= settings.API_ESTIMATED_COUNT_FROM:
            self.count_is_estimate = True
            return estimate
        return super().count


class EstimatedCountPagination(StandardPagination):
    """StandardPagination whose unfiltered big lists report an estimated count and say so (``count_is_estimate``)."""

    django_paginator_class = EstimatedCountPaginator

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.page.paginator.count,
                "count_is_estimate": self.page.paginator.count_is_estimate,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        properties = schema["properties"]
        estimate = {
            "type": "boolean",
            "description": "True when count is PostgreSQL's estimate for an unfiltered list of a big table.",
            "example": False,
        }
        schema["properties"] = {"count": properties["count"], "count_is_estimate": estimate, **properties}
        return schema
