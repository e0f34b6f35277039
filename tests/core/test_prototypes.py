"""A list's queryset built once per process and cloned for every call (core.prototypes.built_once)."""

import datetime as dt

import pytest

from core.prototypes import built_once
from improvements.selectors import _issue_rows_of, issue_rows
from journeys.models import Journey
from journeys.selectors.health import _stage_health_values, snapshot_rows
from journeys.selectors.ingest import instance_rows
from journeys.selectors.maps import journey_rows
from tests import factories

SELECTORS = [
    (journey_rows, {}),
    (instance_rows, {}),
    (snapshot_rows, {}),
    (_stage_health_values, {}),
    (_issue_rows_of, {"today": dt.date(2026, 12, 6)}),
]


def sql(queryset) -> str:
    return str(queryset.order_by("pk")[:51].query)


@pytest.mark.parametrize(("selector", "arguments"), SELECTORS)
def test_every_call_gets_a_fresh_clone_with_the_sql_of_a_queryset_built_afresh(selector, arguments):
    # when
    first, second = selector(**arguments), selector(**arguments)

    # then: two querysets, neither the other, each compiling to what building it again gives
    assert first is not second
    assert first.query is not second.query
    assert sql(first) == sql(second) == sql(selector.__wrapped__(**arguments))


def test_what_a_caller_does_to_its_clone_never_reaches_the_next_call():
    # given
    counted = []

    @built_once
    def journeys():
        counted.append(1)
        return Journey.objects.all()

    # when: one caller filters, orders and slices its clone
    narrowed = journeys().filter(slug="a").order_by("name")[:2]
    again = journeys()

    # then: built once; the next call is the whole, unordered list
    assert len(counted) == 1
    assert "WHERE" in str(narrowed.query)
    assert "WHERE" not in str(again.query)
    assert "LIMIT" not in str(again.query)


@pytest.mark.django_db
def test_a_clone_reads_the_rows_of_the_moment_it_is_evaluated_not_those_of_an_earlier_call():
    # given: a clone read before a journey existed
    assert list(journey_rows()) == []
    journey = factories.JourneyFactory()

    # when
    rows = list(journey_rows())

    # then
    assert [row["id"] for row in rows] == [journey.pk]
    assert rows[0]["parent_slug"] is None


def test_each_day_has_its_own_issue_list_queryset():
    # when
    monday, tuesday = dt.date(2026, 12, 7), dt.date(2026, 12, 8)

    # then: the overdue flag compares with each day's date
    assert str(monday) in str(_issue_rows_of(today=monday).query)
    assert str(tuesday) in str(_issue_rows_of(today=tuesday).query)
    assert str(monday) not in str(_issue_rows_of(today=tuesday).query)
    assert sql(issue_rows(today=monday)) == sql(_issue_rows_of.__wrapped__(today=monday))
