"""Where the events come from: the journeys app's signal and the saves of owners' and improvements' rows.

Each receiver runs inside the writer's transaction, so the notifications commit with the change and
their deliveries are enqueued only after it (``services.notify``).
"""

import datetime as dt
import logging

from django.db.models import Q
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from core.markup import plain_text
from improvements.events import COMMENT_EVENTS
from improvements.models import Initiative, Issue
from journeys.health_components import ALERTS_BY_CODE
from journeys.models import Journey
from journeys.signals import health_recomputed
from owners.choices import Verdict
from owners.models import IncentiveReview, Ownership, Person, TeamMembership

from . import services
from .choices import Event

logger = logging.getLogger(__name__)

# A recompute of an old day (a backfill) is history, not news (as for the owner's alert e-mail).
ALERT_MAX_AGE_DAYS = 1


def journey_people(journey) -> list[Person]:
    """The journey's active owners and its team members: one query."""
    owned = Ownership.objects.active().filter(journey=journey).values("person_id")
    members = TeamMembership.objects.filter(journey=journey).values("person_id")
    return list(Person.objects.filter(Q(pk__in=owned) | Q(pk__in=members), is_active=True).order_by("pk"))


def journey_owners(journey) -> list[Person]:
    owned = Ownership.objects.active().filter(journey=journey).values("person_id")
    return list(Person.objects.filter(pk__in=owned, is_active=True).order_by("pk"))


@receiver(health_recomputed, dispatch_uid="notifications.alerts")
def alerts(sender, *, journey, snapshot, new_alerts, **kwargs):
    as_of = snapshot.as_of
    if not new_alerts or as_of < timezone.localdate() - dt.timedelta(days=ALERT_MAX_AGE_DAYS):
        return
    people = journey_people(journey)
    url = reverse("journeys:detail", kwargs={"slug": journey.slug})
    for code in dict.fromkeys(new_alerts):
        alert = ALERTS_BY_CODE.get(code)
        label = code.replace("_", " ")
        services.notify(
            event=Event.ALERT,
            key=f"alert:{journey.pk}:{code}:{as_of.isoformat()}",
            recipients=people,
            journey=journey,
            title=f"{journey.name}: new alert, {label}",
            body=(f"{alert.summary} " if alert is not None and alert.summary else "")
            + f"Health as of {as_of:%d %b %Y}.",
            url=url,
        )


# --- issues ------------------------------------------------------------------------------------


def _remember(instance, fields):
    if instance.pk is None:
        instance._notify_before = None
        return
    instance._notify_before = type(instance).objects.filter(pk=instance.pk).values(*fields).first()


@receiver(pre_save, sender=Issue, dispatch_uid="notifications.issue_before")
def issue_before(sender, instance, raw=False, **kwargs):
    if not raw:
        _remember(instance, ["assignee_id"])


@receiver(post_save, sender=Issue, dispatch_uid="notifications.issue_saved")
def issue_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    issue = instance
    journey = issue.journey
    url = reverse("improvements:issue-detail", kwargs={"pk": issue.pk})
    if created:
        services.notify(
            event=Event.ISSUE,
            key=f"issue:{issue.pk}:logged",
            recipients=[person for person in journey_owners(journey) if person.pk != issue.assignee_id],
            journey=journey,
            title=f"New issue on {journey.name}: {issue.title}",
            body=f"Logged{f' by {issue.reported_by.name}' if issue.reported_by_id else ''}.",
            url=url,
        )
    before = getattr(issue, "_notify_before", None)
    if issue.assignee_id and (created or before is None or before["assignee_id"] != issue.assignee_id):
        services.notify(
            event=Event.ISSUE,
            key=f"issue:{issue.pk}:assigned:{issue.assignee_id}",
            recipients=[issue.assignee],
            journey=journey,
            title=f"Issue assigned to you: {issue.title}",
            body=f"On {journey.name}, status {issue.get_status_display().lower()}.",
            url=url,
        )


# --- initiatives -------------------------------------------------------------------------------


@receiver(pre_save, sender=Initiative, dispatch_uid="notifications.initiative_before")
def initiative_before(sender, instance, raw=False, **kwargs):
    if not raw:
        _remember(instance, ["status"])


@receiver(post_save, sender=Initiative, dispatch_uid="notifications.initiative_saved")
def initiative_saved(sender, instance, created, raw=False, **kwargs):
    before = getattr(instance, "_notify_before", None)
    if raw or created or before is None or before["status"] == instance.status:
        return
    initiative = instance
    journey = initiative.journey
    # The lead, and the journey's owner who sponsors the initiatives of the journey.
    recipients = [initiative.lead, *journey_owners(journey)]
    status = initiative.get_status_display().lower()
    body = f"On {journey.name}: now {status}."
    if initiative.status == "measured" and initiative.result_value is not None:
        body = f"On {journey.name}: measured, result {initiative.result_value:g}."
    services.notify(
        event=Event.INITIATIVE,
        key=f"initiative:{initiative.pk}:status:{initiative.status}",
        recipients=recipients,
        journey=journey,
        title=f"Initiative {initiative.title}: {status}",
        body=body,
        url=reverse("improvements:initiative-detail", kwargs={"pk": initiative.pk}),
    )


# --- owners ------------------------------------------------------------------------------------


@receiver(post_save, sender=IncentiveReview, dispatch_uid="notifications.incentive_review")
def incentive_review_saved(sender, instance, created, raw=False, **kwargs):
    """A verdict "conflicting" asks the head of the incentive's function to review the incentive."""
    if raw or not created or instance.verdict != Verdict.CONFLICTING:
        return
    review = instance
    incentive = review.incentive
    head = incentive.function.head
    if head is None:
        return
    services.notify(
        event=Event.INCENTIVE_REVIEW,
        key=f"incentive_review:{review.pk}",
        recipients=[head],
        journey=review.journey,
        title=f"Please review the incentive {incentive.name}: it conflicts with {review.journey.name}",
        body=review.rationale,
        url=reverse("owners:function-detail", kwargs={"slug": incentive.function.slug}),
    )


@receiver(post_save, sender=Ownership, dispatch_uid="notifications.owner_named")
def ownership_saved(sender, instance, created, raw=False, **kwargs):
    if raw or not created:
        return
    journey = instance.journey
    services.notify(
        event=Event.OWNER_NAMED,
        key=f"ownership:{instance.pk}",
        recipients=[instance.person],
        journey=journey,
        title=f"You are now the owner of {journey.name}",
        body=instance.mandate,
        url=reverse("journeys:detail", kwargs={"slug": journey.slug}),
    )


# --- mentions (core.events) --------------------------------------------------------------------


def mentions_heard(name: str, payload) -> None:
    """``comment.created`` / ``comment.edited``: tell the people the comment mentions for the first time.

    Runs after the comment committed (core.events). The key is the comment's, so a person is told
    once per comment however often it is edited or the event heard (``services.notify``).
    """
    if name not in COMMENT_EVENTS:
        return
    data = payload()
    comment = data["comment"]
    ids = [person["id"] for person in comment["newly_mentioned"]]
    if not ids:
        return
    item = data.get("issue") or data.get("initiative")
    kind = "issue" if "issue" in data else "initiative"
    author = (comment["author"] or {}).get("name", "Someone")
    try:
        services.notify(
            event=Event.MENTION,
            key=f"comment:{comment['id']}:mention",
            recipients=Person.objects.filter(pk__in=ids, is_active=True).order_by("pk"),
            journey=Journey.objects.filter(slug=data["journey"]["slug"]).first(),
            title=f"{author} mentioned you on the {kind} {item['title']}",
            body=plain_text(comment["body"])[:500],
            url=comment["path"],
        )
    except Exception:  # the comment is committed; a failure here must not answer the author with an error
        logger.exception("The mentions of comment %s could not be recorded.", comment["id"])
