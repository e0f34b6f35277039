"""The api section compares each built endpoint with the bare page measured just before and after it."""

import pytest

from benchmarks.api_bench import bare_beside, bare_summary, interleaved

BARE = ("bare", "/bench/bare/", {})


def test_the_bare_page_runs_before_every_built_endpoint_and_once_after_the_last():
    # given
    built = [("journeys", "/api/v1/journeys/", {}), ("portfolio", "/", {"Cookie": "x"})]

    # when
    runs = interleaved(built, BARE)

    # then
    assert [path for _name, path, _headers in runs] == [
        "/bench/bare/",
        "/api/v1/journeys/",
        "/bench/bare/",
        "/",
        "/bench/bare/",
    ]


def test_a_built_endpoint_is_compared_with_the_mean_of_the_bare_runs_either_side():
    # given: the machine got faster between the two bare runs
    before = {"p95_ms": 60.0, "per_second": 500.0}
    after = {"p95_ms": 40.0, "per_second": 800.0}

    # when
    beside = bare_beside([before, after])

    # then
    assert beside == {"p95_ms": 50.0, "per_second": 650.0, "runs": 2}
    assert bare_beside([after]) == {"p95_ms": 40.0, "per_second": 800.0, "runs": 1}
    assert bare_beside([])["p95_ms"] is None


def test_the_bare_page_of_the_section_is_the_median_of_its_runs_with_their_range():
    # given
    runs = [
        {"p95_ms": p95, "per_second": rate, "requests": 2000, "errors": errors}
        for p95, rate, errors in [(61.0, 489.0, 0), (43.0, 831.0, 1), (50.0, 700.0, 0)]
    ]

    # when
    summary = bare_summary(runs)

    # then
    assert (summary["p95_ms"], summary["p95_low"], summary["p95_high"]) == (50.0, 43.0, 61.0)
    assert (summary["per_second"], summary["per_second_low"], summary["per_second_high"]) == (700.0, 489.0, 831.0)
    assert (summary["requests"], summary["errors"]) == (6000, 1)
    assert summary["runs"] == runs
    assert bare_summary(runs[:2])["p95_ms"] == pytest.approx(52.0)
