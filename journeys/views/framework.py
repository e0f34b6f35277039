"""The framework page: every journey in its place under the wider journeys, with roll-ups."""

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from ..health_components import AT_RISK_FROM, HEALTHY_FROM
from ..selectors.framework import journey_framework


@require_GET
def framework(request):
    """The tree of journeys: owner, health and worst segment of each; a parent's roll-up of its parts."""
    tree = journey_framework()
    context = {
        "rows": tree.rows(),
        "parent_count": sum(1 for node in tree.nodes.values() if node.children),
        "healthy_from": HEALTHY_FROM,
        "at_risk_from": AT_RISK_FROM,
        "can_create": request.user.has_perm("journeys.create_journey"),
        "breadcrumbs": [{"label": "Journeys", "url": reverse("journeys:list")}, {"label": "Framework", "url": None}],
    }
    return render(request, "journeys/framework.html", context)
