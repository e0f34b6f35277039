"""The bench's command line: what it chooses when nothing is asked for."""

from benchmarks.run import parse_args, stream_settle_seconds


def test_the_stream_waits_longer_for_its_batches_the_more_data_there_is():
    assert stream_settle_seconds(parse_args(["--scale", "0.1"])) == 180.0
    assert stream_settle_seconds(parse_args(["--scale", "1"])) == 180.0
    assert stream_settle_seconds(parse_args(["--scale", "10"])) == 1800.0


def test_an_asked_for_wait_stands_at_any_scale():
    assert stream_settle_seconds(parse_args(["--scale", "10", "--stream-settle", "30"])) == 30.0
