"""Writes of the owners app: organisation, ownership, teams, responsibilities, incentives, alerts."""

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import ApplicationError
from journeys.health_components import ALERTS_BY_CODE
from journeys.models import Journey, Touchpoint

from . import events
from .choices import Verdict
from .links import journey_path
from .models import (
    AlertNotification,
    Function,
    Incentive,
    IncentiveReview,
    Ownership,
    Person,
    Responsibility,
    TeamMembership,
)

logger = logging.getLogger(__name__)

ASSIGNMENT_CONFLICT = "Someone else assigned an owner to this journey at the same time; reload and try again."
STALE_OWNER = "The journey's owner changed since you loaded the page; reload and try again."
# ``expected_current`` default: the caller does not say which ownership it means to replace.
UNCHECKED = object()

# --- organisation: functions, people, incentives -----------------------------------------------


def _apply(instance, fields: dict):
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    return instance


@transaction.atomic
def function_create(*, name: str, slug: str, description: str = "", head: Person | None = None) -> Function:
    return _apply(Function(), {"name": name, "slug": slug, "description": description, "head": head})


@transaction.atomic
def function_update(*, function: Function, **fields) -> Function:
    return _apply(function, fields)


@transaction.atomic
def person_create(*, name: str, email: str, title: str = "", function: Function | None = None, user=None) -> Person:
    return _apply(Person(), {"name": name, "email": email, "title": title, "function": function, "user": user})


@transaction.atomic
def person_update(*, person: Person, **fields) -> Person:
    return _apply(person, fields)


@transaction.atomic
def incentive_create(
    *, function: Function, name: str, measure: str, target: str = "", weight: int = 0, active: bool = True
) -> Incentive:
    return _apply(
        Incentive(),
        {"function": function, "name": name, "measure": measure, "target": target, "weight": weight, "active": active},
    )


@transaction.atomic
def incentive_update(*, incentive: Incentive, **fields) -> Incentive:
    return _apply(incentive, fields)


@transaction.atomic
def function_delete(*, function: Function) -> None:
    """Delete a function that nothing refers to; one with history is kept (its reviews would go)."""
    if function.responsibilities.exists() or function.incentives.exists():
        raise ApplicationError(
            f"{function} delivers touchpoints or has incentives: remove those first, so no history is lost."
        )
    function.delete()


@transaction.atomic
def person_delete(*, person: Person) -> None:
    if person.ownerships.exists():
        raise ApplicationError(f"{person} owns or owned journeys: the ownership history must stay.")
    person.delete()


@transaction.atomic
def incentive_delete(*, incentive: Incentive) -> None:
    if incentive.reviews.exists():
        raise ApplicationError(f"{incentive.name} has been reviewed: make it inactive instead, to keep its history.")
    incentive.delete()


# --- ownership ---------------------------------------------------------------------------------


def ownership_assign(
    *,
    journey: Journey,
    person: Person,
    mandate: str,
    started_on: dt.date | None = None,
    assigned_by=None,
    expected_current: int | None | object = UNCHECKED,
) -> Ownership:
    """Name ``person`` the owner of ``journey`` from ``started_on`` (default today).

    The active ownership, if any, ends the day before the new one starts (the same day when it
    started that day: an ownership cannot end before it began), in the same transaction. When two
    managers assign at once, the partial unique constraint lets exactly one win; the other gets an
    ApplicationError (409) instead of a second active owner. ``expected_current`` is the id of the
    active ownership the caller saw (None: it saw no owner); when the journey has changed hands
    since, the caller is told rather than silently replacing someone it never saw.
    """
    started_on = started_on or timezone.localdate()
    try:
        with transaction.atomic():
            current = Ownership.objects.select_for_update().filter(journey=journey, ended_on__isnull=True).first()
            if expected_current is not UNCHECKED and (current.pk if current else None) != expected_current:
                raise ApplicationError(STALE_OWNER, field="person")
            if current is not None:
                if current.person_id == person.pk:
                    raise ApplicationError(f"{person} already owns this journey.", field="person")
                if started_on < current.started_on:
                    raise ApplicationError(
                        f"The new ownership cannot start before the current one ({current.started_on:%d %b %Y}).",
                        field="started_on",
                    )
                current.ended_on = max(current.started_on, started_on - dt.timedelta(days=1))
                current._change_reason = f"Replaced by {person}"
                current.full_clean()
                current.save(update_fields=["ended_on", "updated_at"])
            ownership = Ownership(journey=journey, person=person, mandate=mandate, started_on=started_on)
            # The active-owner constraint is checked by the database (the race decides), not here.
            ownership.full_clean(validate_constraints=False)
            ownership._change_reason = f"Assigned by {assigned_by}" if assigned_by else "Assigned"
            ownership.save()
            events.ownership_assigned_emit(ownership=ownership, previous_person=current.person if current else None)
    except IntegrityError as error:
        logger.info("ownership_assign lost a race on journey %s: %s", journey.pk, error)
        raise ApplicationError(ASSIGNMENT_CONFLICT, field="person") from error
    return ownership


@transaction.atomic
def ownership_end(*, ownership: Ownership, ended_on: dt.date | None = None) -> Ownership:
    """End an active ownership without a successor: the journey has no owner until one is named."""
    if ownership.ended_on is not None:
        raise ApplicationError("This ownership has already ended.")
    ownership.ended_on = max(ownership.started_on, ended_on or timezone.localdate())
    ownership.full_clean()
    ownership.save(update_fields=["ended_on", "updated_at"])
    return ownership


@transaction.atomic
def ownership_update_mandate(*, ownership: Ownership, mandate: str) -> Ownership:
    ownership.mandate = mandate
    ownership.full_clean(validate_constraints=False)
    ownership.save(update_fields=["mandate", "updated_at"])
    return ownership


# --- team --------------------------------------------------------------------------------------


def team_member_add(*, journey: Journey, person: Person, role: str = "") -> TeamMembership:
    if TeamMembership.objects.filter(journey=journey, person=person).exists():
        raise ApplicationError(f"{person} is already on this journey's team.", field="person")
    membership = TeamMembership(journey=journey, person=person, role=role)
    membership.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError as error:
        raise ApplicationError(f"{person} is already on this journey's team.", field="person") from error
    return membership


@transaction.atomic
def team_member_change_role(*, membership: TeamMembership, role: str) -> TeamMembership:
    membership.role = role
    membership.full_clean(validate_constraints=False)
    membership.save(update_fields=["role", "updated_at"])
    return membership


@transaction.atomic
def team_member_remove(*, membership: TeamMembership) -> None:
    membership.delete()


# --- responsibilities --------------------------------------------------------------------------


def responsibility_create(*, touchpoint: Touchpoint, function: Function) -> Responsibility:
    if Responsibility.objects.filter(touchpoint=touchpoint, function=function).exists():
        raise ApplicationError(f"{function} already delivers {touchpoint}.", field="function")
    responsibility = Responsibility(touchpoint=touchpoint, function=function)
    try:
        with transaction.atomic():
            responsibility.save()
    except IntegrityError as error:
        raise ApplicationError(f"{function} already delivers {touchpoint}.", field="function") from error
    return responsibility


@transaction.atomic
def responsibility_delete(*, responsibility: Responsibility) -> None:
    responsibility.delete()


@transaction.atomic
def responsibilities_set(*, journey: Journey, pairs: set[tuple[int, int]]) -> dict:
    """Make the journey's responsibilities exactly ``pairs`` of (touchpoint id, function id).

    Returns how many were added and removed. Pairs naming a touchpoint of another journey or an
    unknown function are refused.
    """
    touchpoint_ids = set(Touchpoint.objects.filter(journey=journey).values_list("id", flat=True))
    function_ids = set(Function.objects.values_list("id", flat=True))
    for touchpoint_id, function_id in pairs:
        if touchpoint_id not in touchpoint_ids:
            raise ApplicationError("A touchpoint does not belong to this journey.", field="touchpoint")
        if function_id not in function_ids:
            raise ApplicationError("A function does not exist.", field="function")
    existing = {
        (touchpoint_id, function_id): pk
        for pk, touchpoint_id, function_id in Responsibility.objects.filter(touchpoint__journey=journey).values_list(
            "id", "touchpoint_id", "function_id"
        )
    }
    to_remove = [pk for pair, pk in existing.items() if pair not in pairs]
    to_add = [Responsibility(touchpoint_id=t, function_id=f) for t, f in pairs if (t, f) not in existing]
    Responsibility.objects.filter(pk__in=to_remove).delete()
    Responsibility.objects.bulk_create(to_add, ignore_conflicts=True)
    return {"added": len(to_add), "removed": len(to_remove)}


# --- incentive reviews -------------------------------------------------------------------------


@transaction.atomic
def incentive_review_create(
    *, incentive: Incentive, journey: Journey, verdict: str, rationale: str = "", reviewer: Person | None
) -> IncentiveReview:
    """Append a verdict; the newest review of the pair becomes the current one, older ones stay."""
    if verdict not in Verdict.values:
        raise ValidationError({"verdict": f"Unknown verdict {verdict!r}."})
    if verdict == Verdict.CONFLICTING and not rationale.strip():
        raise ValidationError({"rationale": "Say why the incentive conflicts with the journey."})
    if not Responsibility.objects.filter(function_id=incentive.function_id, touchpoint__journey=journey).exists():
        raise ValidationError(
            {"journey": f"{incentive.function} delivers no touchpoint of {journey}: there is nothing to review."}
        )
    review = IncentiveReview(
        incentive=incentive, journey=journey, verdict=verdict, rationale=rationale, reviewer=reviewer
    )
    review.full_clean()
    review.save()
    return review


# --- owner alerts ------------------------------------------------------------------------------

# A recompute of an old day (a backfill) is history, not news: only recent days alert the owner.
ALERT_MAX_AGE_DAYS = 1


def _alert_summary(code: str) -> str:
    alert = ALERTS_BY_CODE.get(code)
    return alert.summary if alert is not None else ""


def owner_alerts_notify(*, journey: Journey, as_of: dt.date, new_alerts: list[str]) -> list[str]:
    """E-mail the journey's active owner once about each new alert of the ``as_of`` day.

    Returns the alerts sent. A notice is recorded with the e-mail in one transaction per alert;
    the unique (journey, alert, day) key means a second recompute of the same day sends nothing.
    """
    if not new_alerts or as_of < timezone.localdate() - dt.timedelta(days=ALERT_MAX_AGE_DAYS):
        return []
    ownership = Ownership.objects.active().filter(journey=journey).select_related("person").first()
    if ownership is None or not ownership.person.email:
        return []
    person = ownership.person
    link = f"{settings.SITE_URL.rstrip('/')}{journey_path(journey)}"
    sent = []
    for alert in dict.fromkeys(new_alerts):
        try:
            with transaction.atomic():
                _, created = AlertNotification.objects.get_or_create(
                    journey=journey, alert=alert, as_of=as_of, defaults={"person": person, "email": person.email}
                )
                if not created:
                    continue
                label = alert.replace("_", " ")
                send_mail(
                    subject=f"[Throughline] {journey.name}: {label}",
                    message=(
                        f"Hello {person.name},\n\n"
                        f"The health of {journey.name} (as of {as_of:%d %b %Y}) raised a new alert: {label}.\n"
                        f"{_alert_summary(alert)}\n\n"
                        f"See the journey: {link}\n\n"
                        "You receive this because you own the journey. You will not be told again while "
                        "the alert persists.\n"
                    ),
                    from_email=None,
                    recipient_list=[person.email],
                )
        except IntegrityError:
            continue  # another worker recorded (and sent) this notice first
        sent.append(alert)
    return sent
