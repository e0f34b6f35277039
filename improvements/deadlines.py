"""Issue deadlines (issue 20.5): the default due date of a new issue from its severity.

``settings.ISSUE_DUE_DAYS`` reads like ``critical=7,high=30,medium=90``: days from the day the issue
is logged, per severity; a severity left out (low, by default) gets no deadline. A bad value is
reported by ``manage.py check`` (and so at start-up) rather than at the first issue logged.
"""

import datetime as dt

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from .choices import Severity

SEVERITY_BY_NAME = {str(severity.label).lower(): severity for severity in Severity}


def parse_due_days(text: str) -> dict[int, int]:
    """``"critical=7,high=30"`` -> {4: 7, 3: 30}; refuses unknown severities and days that are no whole number >= 1."""
    days: dict[int, int] = {}
    for part in filter(None, (piece.strip() for piece in (text or "").split(","))):
        name, sep, value = part.partition("=")
        name = name.strip().lower()
        if not sep or name not in SEVERITY_BY_NAME:
            raise ImproperlyConfigured(
                f"ISSUE_DUE_DAYS: \u201c{part}\u201d is not severity=days; "
                f"severities are {', '.join(SEVERITY_BY_NAME)}."
            )
        try:
            number = int(value.strip())
        except ValueError:
            number = 0
        if number < 1:
            raise ImproperlyConfigured(f"ISSUE_DUE_DAYS: the days for {name} must be a whole number of at least 1.")
        days[SEVERITY_BY_NAME[name].value] = number
    return days


def due_days_by_severity() -> dict[int, int]:
    return parse_due_days(settings.ISSUE_DUE_DAYS)


def default_due_date(severity: int, *, logged_on: dt.date) -> dt.date | None:
    """The deadline an issue of this severity logged on ``logged_on`` gets by default (None: no deadline)."""
    days = due_days_by_severity().get(int(severity))
    return None if days is None else logged_on + dt.timedelta(days=days)


@checks.register()
def check_issue_due_days(app_configs, **kwargs):
    try:
        due_days_by_severity()
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="improvements.E001")]
    return []
