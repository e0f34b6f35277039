"""Page-number pagination shared by every API list."""

from django.conf import settings
from django.core.paginator import EmptyPage, Paginator
from django.db import connections
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
            self.more_follow(seen=bottom + len(rows))
            return self._get_page(rows[: self.per_page], number, self)
        if rows or (number == 1 and self.allow_empty_first_page):
            self.__dict__["count"] = bottom + len(rows)  # the cached_property's value, from this page
            return self._get_page(rows, number, self)
        return self.past_the_end(number)

    def more_follow(self, *, seen: int) -> None:
        """The page read ``seen`` rows from the start of the list: the count is at least that (an exact one is)."""

    def past_the_end(self, number):
        """A page after the first that has no rows: Django's own page() (its count, its EmptyPage)."""
        return super().page(number)


class StandardPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    django_paginator_class = LastPageCountPaginator


def _estimable(queryset) -> bool:
    """Whether the planner's estimate can stand for the queryset's count: PostgreSQL, no WHERE, no DISTINCT."""
    if not hasattr(queryset, "query"):
        return False
    connection = connections[queryset.db]
    return connection.vendor == "postgresql" and not queryset.query.where and not queryset.query.distinct


def planner_estimate(queryset) -> int | None:
    """PostgreSQL's row estimate of the queryset's table (pg_class.reltuples), if the queryset is unfiltered.

    None when the queryset has a WHERE clause, the database is not PostgreSQL or the table was
    never analysed: then only an exact count is right.
    """
    if not _estimable(queryset):
        return None
    connection = connections[queryset.db]
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [queryset.model._meta.db_table])
        row = cursor.fetchone()
    return int(row[0]) if row and row[0] >= 0 else None


class EstimatedCountPaginator(LastPageCountPaginator):
    """Counts exactly, except an unfiltered list of a big table, where the planner's estimate stands in.

    An exact COUNT(*) of a whole table of a million rows reads all of it on every page (about 50 ms
    at a million instances, more than the page itself). The estimate is kept current by autovacuum's
    ANALYZE; it is used only from ``API_ESTIMATED_COUNT_FROM`` rows on, so small tables and every
    filtered list keep their exact count.
    """

    count_is_estimate = False

    # The page's rows decide what follows, never the estimate: a table that grew since its last ANALYZE
    # has rows after the estimate's last page, and their pages answer with them, each with a ``next``
    # link while more follow; a table that shrank has no empty pages before the estimate's end. The
    # last page counts exactly (``offset + rows``), as every list's last page does.
    def more_follow(self, *, seen: int) -> None:
        if self.count < seen:  # the estimate is behind the table: the rows seen are there
            self.__dict__["count"] = seen

    def past_the_end(self, number):
        # No rows at this offset: whatever the estimate says, there is no such page (Django's own 404).
        raise EmptyPage(_("That page contains no results"))

    @cached_property
    def count(self) -> int:
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
