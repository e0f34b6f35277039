"""Pages of journey health: the health panel of the journey page and the "Recompute now" button."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from core.queue import enqueue_on_commit

from .. import health_components
from ..choices import HealthStatus
from ..models import Journey
from ..selectors import where
from ..selectors.health import alert_rows, component_rows, latest_overall_snapshot, segment_rows, trend
from ..tasks import recompute_journey_health


def _worded_segments(rows: list[dict], journey: Journey) -> list[dict]:
    """Segments too small to judge say so with their numbers, as the overall score does."""
    for row in rows:
        if row["below_min_sample"]:
            row["status_label"] = health_components.too_few_to_judge(row["sample_size"], journey.min_sample)
    return rows


def health_panel_context(request, journey: Journey) -> dict:
    """Context of the "Journey health" panel of the journey page (a constant number of queries)."""
    snapshot = where.page_snapshot_or(journey, latest_overall_snapshot)
    context = {
        "journey": journey,
        "can_recompute": request.user.has_perm("journeys.recompute_journey", journey),
        "recompute_url": reverse("journeys:recompute", kwargs={"slug": journey.slug}),
        "next_url": request.get_full_path(),
        "snapshot": snapshot,
    }
    if snapshot is None:
        return {"health": context}
    points = trend(journey, until=max(snapshot.as_of, timezone.localdate()))
    context.update(
        {
            "status_label": HealthStatus(snapshot.status).label,
            "below_min_sample": snapshot.sample_size < journey.min_sample,
            "components": component_rows(snapshot),
            "alerts": alert_rows(snapshot),
            "segments": _worded_segments(segment_rows(snapshot), journey),
            "too_few_to_judge": health_components.too_few_to_judge(snapshot.sample_size, journey.min_sample),
            "trend": points,
            "channel_mix": snapshot.channel_mix,
            "channel_mix_rows": [
                {"label": label, "share": snapshot.channel_mix.get(key)}
                for key, label in (
                    ("digital_only", "Digital only"),
                    ("assisted_only", "Assisted or offline only"),
                    ("cross_channel", "Cross-channel"),
                )
            ],
        }
    )
    return {"health": context}


@require_POST
def health_recompute(request, slug):
    """ "Recompute now" on the journey page: owners and managers queue a recompute, then go back."""
    journey = get_object_or_404(Journey, slug=slug)
    if not request.user.has_perm("journeys.recompute_journey", journey):
        raise PermissionDenied("Only the journey's owner or a manager can recompute its health.")
    if enqueue_on_commit(recompute_journey_health, args=[journey.pk]):
        messages.success(
            request,
            f"Health of {journey.name} is being recomputed; refresh the page in a moment to see the new figures.",
        )
    else:
        messages.error(request, "The task queue is unavailable right now, so nothing was queued. Try again shortly.")
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(next_url)
    return redirect(journey.get_absolute_url())
