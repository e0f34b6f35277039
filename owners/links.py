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
