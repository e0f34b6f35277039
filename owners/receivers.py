"""Receivers of the journeys app's signals and of the owners app's own."""

import logging
from functools import partial

from django.db import transaction
from django.dispatch import receiver

from core.queue import enqueue
from journeys.map_templates import FUNCTION_NAMES
from journeys.signals import health_recomputed, map_copied, map_drawn_from_template

from .models import Function, Responsibility
from .services import owner_alerts_notify
from .signals import incentive_measurements_changed
from .tasks import compute_incentive_evidence

logger = logging.getLogger(__name__)


@receiver(health_recomputed, dispatch_uid="owners.notify_owner_of_new_alerts")
def notify_owner_of_new_alerts(sender, *, journey, snapshot, new_alerts, **kwargs):
    """E-mail the journey's owner about each alert that is new in this recompute."""
    owner_alerts_notify(journey=journey, as_of=snapshot.as_of, new_alerts=list(new_alerts or []))


def _enqueue_evidence(incentive_id: int) -> None:
    # The measurements have committed; with the broker down the daily job catches up.
    if not enqueue(compute_incentive_evidence, args=[incentive_id]):
        logger.warning("Evidence of incentive %s waits for the daily job: the broker is unreachable.", incentive_id)


@receiver(incentive_measurements_changed, dispatch_uid="owners.enqueue_incentive_evidence")
def enqueue_incentive_evidence(sender, *, incentive_ids, **kwargs):
    """One evidence job per incentive whose measurements changed, once they have committed."""
    for incentive_id in sorted(set(incentive_ids)):
        transaction.on_commit(partial(_enqueue_evidence, incentive_id))


@receiver(map_copied, dispatch_uid="owners.copy_responsibilities")
def copy_responsibilities(sender, *, source, journey, touchpoints, **kwargs):
    """A copied map keeps its swimlanes: every copied touchpoint is delivered by the same functions."""
    Responsibility.objects.bulk_create(
        [
            Responsibility(touchpoint_id=touchpoints[touchpoint_id], function_id=function_id)
            for touchpoint_id, function_id in Responsibility.objects.filter(
                touchpoint_id__in=list(touchpoints)
            ).values_list("touchpoint_id", "function_id")
        ]
    )


@receiver(map_drawn_from_template, dispatch_uid="owners.draw_template_responsibilities")
def draw_template_responsibilities(sender, *, journey, template, function_slugs, **kwargs):
    """Link the functions the template names to the organisation's functions of the same slug (or name);
    a function the organisation does not have is left out, for the owner to fill in on the grid."""
    wanted = {slug for slugs in function_slugs.values() for slug in slugs}
    by_slug = {function.slug: function for function in Function.objects.all()}
    by_name = {function.name.casefold(): function for function in by_slug.values()}
    matched = {}
    for slug in wanted:
        function = by_slug.get(slug) or by_name.get(FUNCTION_NAMES.get(slug, slug).casefold())
        if function is not None:
            matched[slug] = function
    Responsibility.objects.bulk_create(
        [
            Responsibility(touchpoint_id=touchpoint_id, function=matched[slug])
            for touchpoint_id, slugs in function_slugs.items()
            for slug in dict.fromkeys(slugs)
            if slug in matched
        ]
    )
