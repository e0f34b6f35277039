"""Incentive measurements (bulk, all or nothing) and the evidence computed from them (design section 16)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail

from owners import evidence as stats
from owners import services
from owners.choices import Direction, EvidenceSignal, Gap, Verdict
from owners.models import AlertNotification, IncentiveEvidence, IncentiveMeasurement
from owners.selectors import journey_gaps, person_profile
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 30)
# Twelve month ends and a handle time that is lowest when the score is lowest (a conflict).
MONTHS = [dt.date(2025, 12, 31)] + [dt.date(2026, m + 1, 1) - dt.timedelta(days=1) for m in range(1, 12)]
HANDLE_TIMES = [6.4, 6.1, 5.8, 6.6, 6.0, 5.7, 6.3, 6.5, 5.9, 6.2, 5.6, 6.7]
SCORES = [71.0, 66.0, 64.5, 69.0, 60.0, 58.0, 72.5, 67.0, 63.0, 70.0, 57.5, 66.0]
REPEAT_RATES = [0.12, 0.15, 0.16, 0.13, 0.18, 0.19, 0.11, 0.14, 0.17, 0.12, 0.20, 0.15]


def _history(org, *, months=MONTHS, values=HANDLE_TIMES, scores=SCORES):
    for day, score, repeat_rate in zip(months, scores, REPEAT_RATES, strict=False):
        factories.HealthSnapshotFactory(
            journey=org.journey, as_of=day, score=Decimal(str(score)), repeat_rate=repeat_rate
        )
    for day, value in zip(months, values, strict=False):
        factories.IncentiveMeasurementFactory(incentive=org.handle_time, period_end=day, value=value)


def _feed(measurements):
    return services.incentive_measurements_ingest(measurements=measurements, today=TODAY)


# --- measurements --------------------------------------------------------------------------------


def test_measurements_are_created_then_sending_them_again_changes_nothing(organisation):
    batch = [
        {"incentive": organisation.handle_time.pk, "period_end": "2026-10-31", "value": 6.2, "source": "WFM"},
        {"incentive": organisation.handle_time.pk, "period_end": "2026-09-30", "value": "5.9"},
    ]

    first = _feed(batch)
    second = _feed(batch)
    batch[0]["value"] = 6.0
    third = _feed(batch)

    assert (first.created, first.updated) == (2, 0)
    assert (second.created, second.updated) == (0, 0)
    assert (third.created, third.updated) == (0, 1)
    assert IncentiveMeasurement.objects.get(period_end=dt.date(2026, 10, 31)).value == 6.0


def test_a_bad_batch_is_refused_whole_with_every_problem_addressed_by_position(organisation):
    batch = [
        {"incentive": organisation.handle_time.pk, "period_end": "2026-10-31", "value": 6.2},
        {"incentive": 999999, "period_end": "2026-13-01", "value": "fast"},
        {"incentive": organisation.handle_time.pk, "period_end": "2026-10-31", "value": 6.3},
        {"incentive": organisation.handle_time.pk, "period_end": "2026-12-31", "value": float("inf")},
        "not an object",
        {"incentive": str(2**70), "period_end": "2026-01-31", "value": True},
    ]

    with pytest.raises(services.MeasurementsInvalid) as refused:
        _feed(batch)

    errors = refused.value.errors
    assert errors["measurements[1].incentive"] == ["There is no incentive with id 999999."]
    assert errors["measurements[1].period_end"] == ["'2026-13-01' is not a date (YYYY-MM-DD)."]
    assert errors["measurements[1].value"] == ["'fast' is not a number."]
    assert "also at measurements[0]" in errors["measurements[2].period_end"][0]
    assert "has not ended yet" in errors["measurements[3].period_end"][0]
    assert errors["measurements[3].value"] == ["Must be a finite number."]
    assert errors["measurements[4]"] == ["Must be an object."]
    assert errors["measurements[5].incentive"][0].startswith("There is no incentive")
    assert errors["measurements[5].value"] == ["Required: a number."]
    assert IncentiveMeasurement.objects.count() == 0


@pytest.mark.parametrize("body", [None, [], {"a": 1}, "text"])
def test_a_batch_that_is_not_a_list_is_refused(organisation, body):
    with pytest.raises(services.MeasurementsInvalid) as refused:
        _feed(body)

    assert list(refused.value.errors) == ["measurements"]


def test_more_than_a_thousand_measurements_are_refused(organisation):
    batch = [{"incentive": organisation.handle_time.pk, "period_end": "2026-10-31", "value": 1}] * 1001

    with pytest.raises(services.MeasurementsInvalid) as refused:
        _feed(batch)

    assert refused.value.errors == {"measurements": ["At most 1000 measurements per call."]}


# --- evidence ------------------------------------------------------------------------------------


def test_evidence_is_spearman_of_the_signed_measure_and_the_score_with_its_seeded_interval(organisation):
    organisation.handle_time.direction = Direction.LOWER_IS_BETTER
    organisation.handle_time.save()
    _history(organisation)

    rows = services.incentive_evidence_compute(incentive=organisation.handle_time)

    onboarding = next(row for row in rows if row.journey_id == organisation.journey.pk)
    signed = [-value for value in HANDLE_TIMES]
    expected = stats.bootstrap_spearman(
        signed, SCORES, seed=stats.evidence_seed(organisation.handle_time.pk, organisation.journey.pk)
    )
    assert onboarding.periods == 12
    # The same figures from the pure computation on either database: nothing is computed in SQL.
    assert onboarding.rho == round(expected.rho, 4)
    assert (onboarding.ci_low, onboarding.ci_high) == (round(expected.ci_low, 4), round(expected.ci_high, 4))
    assert onboarding.rho < 0
    assert onboarding.ci_high < 0
    assert onboarding.signal == EvidenceSignal.CONFLICT
    repeat = next(item for item in onboarding.components if item["component"] == "repeat_rate")
    assert repeat["periods"] == 12
    assert repeat["signal"] == EvidenceSignal.CONFLICT
    assert [point["period_end"] for point in onboarding.points] == [day.isoformat() for day in MONTHS]


def test_the_signal_flips_when_the_direction_flips(organisation):
    _history(organisation)
    organisation.handle_time.direction = Direction.LOWER_IS_BETTER
    organisation.handle_time.save()
    lower = services.incentive_evidence_compute(incentive=organisation.handle_time)[0]

    organisation.handle_time.direction = Direction.HIGHER_IS_BETTER
    organisation.handle_time.save()
    higher = services.incentive_evidence_compute(incentive=organisation.handle_time)[0]

    assert lower.signal == EvidenceSignal.CONFLICT
    assert higher.signal == EvidenceSignal.ALIGNMENT
    assert higher.rho == -lower.rho


def test_fewer_than_eight_periods_say_not_enough_history(organisation):
    _history(organisation, months=MONTHS[:7])

    row = services.incentive_evidence_compute(incentive=organisation.handle_time)[0]

    assert row.periods == 7
    assert (row.rho, row.ci_low, row.ci_high) == (None, None, None)
    assert row.signal == EvidenceSignal.NOT_ENOUGH_HISTORY
    assert len(row.points) == 7


def test_only_the_last_twelve_periods_with_both_a_measure_and_a_snapshot_count(organisation):
    older = [dt.date(2025, month, 28) for month in range(1, 9)]
    for day in older:
        factories.IncentiveMeasurementFactory(incentive=organisation.handle_time, period_end=day, value=1.0)
        factories.HealthSnapshotFactory(journey=organisation.journey, as_of=day, score=Decimal("99"))
    _history(organisation)
    # a measure without a snapshot and a snapshot without a measure are left out
    factories.IncentiveMeasurementFactory(incentive=organisation.handle_time, period_end=dt.date(2026, 11, 15), value=9)
    factories.HealthSnapshotFactory(journey=organisation.journey, as_of=dt.date(2026, 11, 20), score=Decimal("1"))

    row = services.incentive_evidence_compute(incentive=organisation.handle_time)[0]

    assert row.periods == 12
    assert [point["period_end"] for point in row.points] == [day.isoformat() for day in MONTHS]


def test_evidence_is_kept_per_journey_touched_and_removed_when_the_incentive_is_retired(organisation):
    _history(organisation)
    services.incentive_evidence_compute(incentive=organisation.handle_time)
    assert IncentiveEvidence.objects.filter(incentive=organisation.handle_time).count() == 1

    organisation.handle_time.active = False
    organisation.handle_time.save()
    services.incentive_evidence_compute(incentive=organisation.handle_time)

    assert not IncentiveEvidence.objects.filter(incentive=organisation.handle_time).exists()


def test_an_aligned_verdict_contradicted_by_the_evidence_is_a_gap_and_tells_the_owner_once(
    organisation, owner_user, django_capture_on_commit_callbacks
):
    # given: first-contact resolution is "aligned", but its figures move against the journey
    _history(organisation)
    for measurement in IncentiveMeasurement.objects.filter(incentive=organisation.handle_time):
        factories.IncentiveMeasurementFactory(
            incentive=organisation.first_contact, period_end=measurement.period_end, value=measurement.value
        )
    organisation.first_contact.direction = Direction.LOWER_IS_BETTER
    organisation.first_contact.save()

    # when: computed twice (after the measurements, then by the daily job)
    with django_capture_on_commit_callbacks(execute=True):
        services.incentive_evidence_compute(incentive=organisation.first_contact)
    with django_capture_on_commit_callbacks(execute=True):
        services.incentive_evidence_compute(incentive=organisation.first_contact)

    # then
    gaps = journey_gaps(organisation.journey)
    assert Gap.EVIDENCE_DISAGREES in gaps.codes
    assert [standing.incentive for standing in gaps.evidence_disagreements] == [organisation.first_contact]
    assert len(mail.outbox) == 1
    assert "evidence disagrees with an aligned verdict" in mail.outbox[0].subject
    assert mail.outbox[0].to == [owner_user.person.email]
    assert AlertNotification.objects.filter(alert=Gap.EVIDENCE_DISAGREES).count() == 1
    alerts = person_profile(owner_user.person)["recent_alerts"]
    assert any(item["alert"] == Gap.EVIDENCE_DISAGREES for item in alerts)


def test_a_conflict_signal_on_a_conflicting_verdict_is_no_new_gap(organisation):
    organisation.handle_time.direction = Direction.LOWER_IS_BETTER
    organisation.handle_time.save()
    _history(organisation)

    services.incentive_evidence_compute(incentive=organisation.handle_time)

    gaps = journey_gaps(organisation.journey)
    assert Gap.EVIDENCE_DISAGREES not in gaps.codes
    assert gaps.conflicting_incentives[0].incentive == organisation.handle_time
    assert gaps.conflicting_incentives[0].review.verdict == Verdict.CONFLICTING
