"""Management commands of the journeys app: import_interactions and recompute_health."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from journeys.choices import JourneyStatus
from journeys.models import HealthSnapshot, Import, JourneyInstance
from journeys.services.health import journey_health_compute
from tests.journeys.conftest import recent_map
from tests.journeys.csv_files import a_row, csv_bytes, valid_rows

pytestmark = pytest.mark.django_db


# --- import_interactions --------------------------------------------------------------------------------------


def test_the_command_imports_a_file_and_prints_the_counts(tmp_path, mapped_journey, capsys):
    path = tmp_path / "feed.csv"
    path.write_bytes(csv_bytes(valid_rows()))

    call_command("import_interactions", str(path), "--journey", "onboarding", stdout=(out := io.StringIO()))

    assert "Imported 3 rows" in out.getvalue()
    assert "instances 2 created, 0 updated; interactions 3 created, 0 updated" in out.getvalue()
    assert Import.objects.get().status == "succeeded"
    assert "Checking" in capsys.readouterr().err  # the tqdm bar


def test_the_command_prints_the_error_report_and_fails(tmp_path, mapped_journey):
    path = tmp_path / "feed.csv"
    path.write_bytes(csv_bytes([a_row(touchpoint="fax")]))
    err = io.StringIO()

    with pytest.raises(CommandError) as failure:
        call_command("import_interactions", str(path), "--no-progress", stderr=err)

    assert failure.value.returncode == 1
    assert "row 2, column touchpoint: Unknown touchpoint key 'fax' for journey 'onboarding'." in err.getvalue()
    assert not JourneyInstance.objects.exists()


def test_the_command_refuses_an_unknown_journey_or_a_missing_file(tmp_path, mapped_journey):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_interactions", str(tmp_path / "none.csv"))
    path = tmp_path / "feed.csv"
    path.write_bytes(csv_bytes(valid_rows()))
    with pytest.raises(CommandError, match="Unknown journey 'nope'"):
        call_command("import_interactions", str(path), "--journey", "nope")
    assert not Import.objects.exists()


# --- recompute_health ------------------------------------------------------------------------------------


def test_recompute_health_command_backfills_a_snapshot_per_day():
    journey_map = recent_map()
    other = recent_map()

    call_command("recompute_health", journey=journey_map.journey.slug, since=3, verbosity=0)

    today = timezone.localdate()
    days = list(HealthSnapshot.objects.filter(journey=journey_map.journey, segment="").values_list("as_of", flat=True))
    assert sorted(days) == [today - dt.timedelta(days=offset) for offset in (3, 2, 1, 0)]
    assert not HealthSnapshot.objects.filter(journey=other.journey).exists()
    # the same figures as a recompute of that day alone
    backfilled = HealthSnapshot.objects.get(journey=journey_map.journey, as_of=today - dt.timedelta(days=1))
    alone = journey_health_compute(journey=journey_map.journey, as_of=today - dt.timedelta(days=1)).snapshot
    assert (alone.pk, alone.score, alone.sample_size) == (backfilled.pk, backfilled.score, backfilled.sample_size)


def test_recompute_health_command_without_a_journey_covers_every_active_journey(capsys):
    recent_map()
    recent_map(status=JourneyStatus.RETIRED)

    call_command("recompute_health", verbosity=0)

    assert HealthSnapshot.objects.filter(segment="").count() == 1


def test_recompute_health_command_refuses_an_unknown_journey_or_negative_days():
    recent_map()

    with pytest.raises(CommandError, match="No journey with slug 'nope'"):
        call_command("recompute_health", journey="nope", verbosity=0)
    with pytest.raises(CommandError, match="--since"):
        call_command("recompute_health", since=-1, verbosity=0)

    assert not HealthSnapshot.objects.exists()
