"""Links into improvements' pages that the apps below it show (registered from ``ImprovementsConfig.ready()``)."""

from urllib.parse import urlencode

from django.urls import reverse

from .choices import IssueCategory


def conflict_issue_path(*, journey, incentive, review=None) -> str:
    """The issue form prefilled for an incentive that conflicts with a journey (owners' matrix and review)."""
    symptom = (
        f"The incentive '{incentive.name}' of {incentive.function.name} ({incentive.measure}) "
        f"conflicts with the {journey.name} journey."
    )
    if review is not None and review.rationale:
        symptom += f" {review.rationale}"
    query = {
        "journey": journey.slug,
        "category": IssueCategory.CONFLICTING_OBJECTIVES.value,
        "title": f"{incentive.function.name} incentive '{incentive.name}' conflicts with {journey.name}",
        "symptom": symptom,
        "functions": incentive.function.slug,
        "incentive": incentive.pk,
    }
    return f"{reverse('improvements:issue-create')}?{urlencode(query)}"


def touchpoint_issue_path(journey, touchpoint) -> str:
    """The issue form for a touchpoint of the journey (a link on every blueprint card)."""
    return (
        f"{reverse('improvements:issue-create')}?{urlencode({'journey': journey.slug, 'touchpoint': touchpoint.key})}"
    )
