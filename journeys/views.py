"""Pages of the journeys app.

One block per part of the app (maps, data ingest, health); keep additions inside their block.
"""

# --- maps: journeys, stages, touchpoints -------------------------------------------------------


# --- data ingest: instances, interactions, imports ---------------------------------------------


# --- health --------------------------------------------------------------------------------------

from django.contrib import messages  # noqa: E402
from django.core.exceptions import PermissionDenied  # noqa: E402
from django.db import transaction  # noqa: E402
from django.shortcuts import get_object_or_404, redirect  # noqa: E402
from django.urls import NoReverseMatch  # noqa: E402
from django.utils.http import url_has_allowed_host_and_scheme  # noqa: E402
from django.views.decorators.http import require_POST  # noqa: E402

from .models import Journey  # noqa: E402
from .tasks import recompute_journey_health  # noqa: E402


@require_POST
def health_recompute(request, slug):
    """ "Recompute now" on the journey page: owners and managers queue a recompute, then go back."""
    journey = get_object_or_404(Journey, slug=slug)
    if not request.user.has_perm("journeys.recompute_journey", journey):
        raise PermissionDenied("Only the journey's owner or a manager can recompute its health.")
    transaction.on_commit(lambda: recompute_journey_health.delay(journey.pk))
    messages.success(
        request, f"Health of {journey.name} is being recomputed; refresh the page in a moment to see the new figures."
    )
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(next_url)
    try:
        return redirect(journey.get_absolute_url())
    except NoReverseMatch:  # the journey page belongs to the maps part
        return redirect("home")
