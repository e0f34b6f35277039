"""Page-number pagination shared by every API list."""

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response


class StandardPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def planner_estimate(queryset) -> int | None:
    """PostgreSQL's row estimate of the queryset's table (pg_class.reltuples), if the queryset is unfiltered.

    None when the queryset has a WHERE clause, the database is not PostgreSQL or the table was
    never analysed: then only an exact count is right.
    """
    connection = connections[queryset.db]
    if connection.vendor != "postgresql" or queryset.query.where or queryset.query.distinct:
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [queryset.model._meta.db_table])
        row = cursor.fetchone()
    return int(row[0]) if row and row[0] >= 0 else None


class EstimatedCountPaginator(Paginator):
    """Counts exactly, except an unfiltered list of a big table, where the planner's estimate stands in.

    An exact COUNT(*) of a whole table of a million rows reads all of it on every page (about 50 ms
    at a million instances, more than the page itself). The estimate is kept current by autovacuum's
    ANALYZE; it is used only from ``API_ESTIMATED_COUNT_FROM`` rows on, so small tables and every
    filtered list keep their exact count.
    """

    count_is_estimate = False

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
