"""Pages of the notifications app: a person's notifications, marking them read, their preferences."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from . import selectors, services
from .choices import EmailChoice, Event
from .models import Notification

NO_PERSON = "Your login is not linked to a person yet, so nothing is sent to you. Ask a manager to link it."


def preferences_context(request, person) -> dict:
    if person is None:
        return {"no_person": NO_PERSON}
    return {
        "preference_rows": selectors.preferences_of(person),
        "email_choices": EmailChoice.choices,
        "preferences_url": reverse("notifications:preferences"),
    }


@require_GET
def notification_list(request):
    person = selectors.person_of(request.user)
    page = None
    unread = 0
    if person is not None:
        page = Paginator(selectors.notifications_of(person), 30).get_page(request.GET.get("page"))
        unread = selectors.unread_count(person)
    return render(
        request,
        "notifications/list.html",
        {
            "person": person,
            "page": page,
            "unread": unread,
            "no_person": NO_PERSON,
            "breadcrumbs": [{"label": "Notifications"}],
        },
    )


@require_POST
def notification_open(request, pk: int):
    """Mark one notification read and go to what it is about."""
    person = selectors.person_of(request.user)
    # Someone else's notification (or none) is not theirs to open: back to their own list.
    notification = Notification.objects.filter(pk=pk, recipient=person).first() if person else None
    if notification is None:
        return redirect("notifications:list")
    services.notifications_mark_read(person=person, ids=[notification.pk])
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:list")


@require_POST
def notifications_read_all(request):
    person = selectors.person_of(request.user)
    if person is not None:
        count = services.notifications_mark_read(person=person)
        messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked as read.")
    return redirect("notifications:list")


@require_POST
def preferences(request):
    person = selectors.person_of(request.user)
    if person is None:
        messages.error(request, NO_PERSON)
        return redirect("accounts:profile")
    choices = {}
    errors = []
    for event in Event:
        email = request.POST.get(f"{event.value}-email", EmailChoice.OFF)
        if email not in EmailChoice.values:
            errors.append(f"{event.label}: choose one of the e-mail options.")
            continue
        choices[event.value] = {"in_app": request.POST.get(f"{event.value}-in_app") == "on", "email": email}
    if errors:
        for error in errors:
            messages.error(request, error)
        return redirect(f"{reverse('accounts:profile')}#notifications")
    services.preferences_set(person=person, choices=choices)
    messages.success(request, "Your notification choices are saved.")
    return redirect(f"{reverse('accounts:profile')}#notifications")
