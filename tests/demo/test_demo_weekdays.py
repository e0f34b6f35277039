"""The demo's stories on every day of the week.

The demo is generated back from the day it is loaded, with quieter weekends: which instances exist
depends on the weekday of that day, and repeats every seven days. A story that a small sample can tip
then holds on some weekdays only and fails the suite on the others: at 5 % of the instances (the scale
of test_seed_demo.py) the reminder read "worsened" and the greeting had no minimum detectable effect
when the demo was loaded on a Sunday or a Monday, and at 10 % the reminder read "improved" on most
days. So these stories are checked here for seven consecutive days, at the browser tests' scale (where
tests/e2e/test_owner_reads_impact.py reads the reminder) and at a fifth of the full demo, the smallest
scale probed (0.03, 0.05, 0.1, 0.2) at which every story of the initiatives holds on every weekday.
The full demo (scale 1) read "inconclusive" on 14 consecutive days too (effect -0.02 to +0.01).
"""

import datetime as dt

import pytest

from demo.loader import seed_demo
from improvements.models import Initiative

pytestmark = pytest.mark.django_db

BROWSER_DEMO_SCALE = 0.03  # tests/e2e/conftest.py DEMO_SCALE
MONDAY = dt.date(2026, 11, 30)
WEEK = pytest.mark.parametrize("day", range(7), ids=["mon", "tue", "wed", "thu", "fri", "sat", "sun"])
REMINDER = "Text a reminder the day before the technician visit"
GREETING = "Greet loyalty members by name at the collection desk"


def _inconclusive(impact) -> bool:
    return impact.verdict == "inconclusive" and impact.ci_low < 0 < impact.ci_high


@WEEK
def test_the_browser_demos_reminder_reads_inconclusive_whatever_the_weekday(day):
    seed_demo(scale=BROWSER_DEMO_SCALE, today=MONDAY + dt.timedelta(days=day))

    assert _inconclusive(Initiative.objects.get(title=REMINDER).impact)


@WEEK
def test_at_a_fifth_of_the_demo_the_reminder_is_inconclusive_and_the_greeting_underpowered(day):
    seed_demo(scale=0.2, today=MONDAY + dt.timedelta(days=day))

    assert _inconclusive(Initiative.objects.get(title=REMINDER).impact)
    greeting = Initiative.objects.get(title=GREETING)
    assert greeting.underpowered is True
    assert greeting.expected_gain < greeting.mde
