"""Links from owners' pages into pages of other apps.

Pages below owners (journeys) are reached directly. Pages above it (improvements) cannot be
named here (journeys <- owners <- improvements): those apps register a builder from their
``AppConfig.ready()``, and without one owners shows no link.
"""

from collections.abc import Callable

# builder(*, journey, incentive, review) -> the path of a page where a conflicting incentive is raised
_conflict_issue_builders: list[Callable[..., str]] = []
# finder(pairs) -> {(incentive id, journey id): the issue that addresses that conflict}
_conflict_issue_finders: list[Callable[..., dict]] = []


def register_conflict_issue_link(builder: Callable[..., str]) -> None:
    """Set the page that raises an issue about an incentive conflicting with a journey (one per process)."""
    _conflict_issue_builders[:] = [builder]


def journey_path(journey) -> str:
    """The journey page's path."""
    return journey.get_absolute_url()


def object_path(obj) -> str:
    """The page of an object another app owns (an issue, an initiative)."""
    return obj.get_absolute_url()


def raise_issue_path(*, journey, incentive, review=None) -> str:
    """Where to raise a root-cause issue about ``incentive`` conflicting with ``journey``; '' without such a page."""
    if not _conflict_issue_builders:
        return ""
    return _conflict_issue_builders[0](journey=journey, incentive=incentive, review=review)


def register_conflict_issue_finder(finder: Callable[..., dict]) -> None:
    """Set how owners learns which issue addresses a conflicting incentive on a journey (one per process)."""
    _conflict_issue_finders[:] = [finder]


def conflict_issues(pairs) -> dict:
    """(incentive id, journey id) -> the issue raised about that conflict (an object with a page); {} without."""
    pairs = set(pairs)
    if not pairs or not _conflict_issue_finders:
        return {}
    return _conflict_issue_finders[0](pairs)


# section(journey) -> lines to add to the owner's alert e-mail about the journey (e.g. its overdue issues)
_alert_mail_sections: list[Callable[..., list[str]]] = []


def register_alert_mail_section(section: Callable[..., list[str]]) -> None:
    """Add a section to the owner's alert e-mail (one per process and app: registering again replaces it)."""
    name = f"{section.__module__}.{section.__qualname__}"
    _alert_mail_sections[:] = [
        existing for existing in _alert_mail_sections if f"{existing.__module__}.{existing.__qualname__}" != name
    ]
    _alert_mail_sections.append(section)


def alert_mail_sections(journey) -> list[str]:
    """The extra lines of the owner's alert e-mail about ``journey``, from the apps above owners."""
    return [line for section in _alert_mail_sections for line in section(journey=journey)]
