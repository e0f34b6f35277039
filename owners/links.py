"""URLs into pages other parts own, with a fallback so that owners never hard-depends on them."""

from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse

ISSUE_CREATE_FALLBACK = "/issues/new/"


def journey_path(journey) -> str:
    """The journey page's path (``journeys:detail``), or its known path while that page is absent."""
    try:
        return journey.get_absolute_url()
    except NoReverseMatch:
        return f"/journeys/{journey.slug}/"


def object_path(obj) -> str:
    """``obj.get_absolute_url()``, or '' when the page is not installed."""
    try:
        return obj.get_absolute_url()
    except (NoReverseMatch, AttributeError):
        return ""


def raise_issue_path(*, journey, incentive, review=None) -> str:
    """The improvements app's issue form prefilled for a conflicting incentive (no import of it)."""
    try:
        base = reverse("improvements:issue-create")
    except NoReverseMatch:
        base = ISSUE_CREATE_FALLBACK
    symptom = (
        f"The incentive '{incentive.name}' of {incentive.function.name} ({incentive.measure}) "
        f"conflicts with the {journey.name} journey."
    )
    if review is not None and review.rationale:
        symptom += f" {review.rationale}"
    query = {
        "journey": journey.slug,
        "category": "conflicting_objectives",
        "title": f"{incentive.function.name} incentive '{incentive.name}' conflicts with {journey.name}",
        "symptom": symptom,
        "functions": incentive.function.slug,
    }
    return f"{base}?{urlencode(query)}"
