"""Pages of the notifications app: a person's notifications, marking them read, their preferences; a
journey's chat channels."""

from urllib.parse import urlsplit

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import web
from journeys.models import Journey

from . import selectors, services
from .choices import CHAT_EVENT_LABELS, EmailChoice, Event
from .forms import ChatWebhookForm
from .models import ChatWebhook, Notification

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


# --- a journey's chat channels ------------------------------------------------------------------------

CHAT_NOT_ALLOWED = "Only the journey's owner or a manager sets up its chat channels."


def _chat_journey(request, slug: str) -> Journey:
    journey = get_object_or_404(Journey, slug=slug)
    web.require(request.user, "notifications.manage_chat_webhooks", journey, message=CHAT_NOT_ALLOWED)
    return journey


def _chat_webhook(request, slug: str, pk: int) -> ChatWebhook:
    journey = _chat_journey(request, slug)
    return get_object_or_404(ChatWebhook.objects.select_related("journey"), pk=pk, journey=journey)


def _masked(url: str) -> str:
    """An incoming webhook URL is a password: show where it goes and its last characters only."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or ''}/…{url[-4:]}" if len(url) > 12 else "…"


@require_http_methods(["GET", "POST"])
def chat_webhooks(request, slug: str):
    """The journey's Slack and Teams channels: the list, their recent messages, and the form to add one."""
    journey = _chat_journey(request, slug)
    form = ChatWebhookForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            webhook = services.chat_webhook_create(journey=journey, **form.cleaned_data)
        except ValidationError as error:
            web.add_service_error(form, error)
        else:
            messages.success(request, f"“{webhook.name}” will hear this journey's events. Send it a test message.")
            return redirect("notifications:chat-webhooks", slug=journey.slug)
    webhooks = selectors.chat_webhooks_of(journey)
    for webhook in webhooks:
        webhook.masked_url = _masked(webhook.url)
        webhook.event_labels = [CHAT_EVENT_LABELS.get(event, event) for event in webhook.events]
    return render(
        request,
        "notifications/chat_webhooks.html",
        {
            "journey": journey,
            "webhooks": webhooks,
            "deliveries": selectors.chat_deliveries_of(journey),
            "form": form,
            "breadcrumbs": [
                {"label": "Journeys", "url": reverse("journeys:list")},
                {"label": journey.name, "url": journey.get_absolute_url()},
                {"label": "Chat channels"},
            ],
        },
        status=400 if form.errors else 200,
    )


@require_POST
def chat_webhook_test(request, slug: str, pk: int):
    webhook = _chat_webhook(request, slug, pk)
    services.chat_webhook_send_test(webhook=webhook, sent_by=request.user)
    messages.success(request, f"A test message is on its way to “{webhook.name}”: it appears below (reload to follow).")
    return redirect("notifications:chat-webhooks", slug=slug)


@require_POST
def chat_webhook_toggle(request, slug: str, pk: int):
    webhook = _chat_webhook(request, slug, pk)
    services.chat_webhook_set_active(webhook=webhook, active=not webhook.active)
    messages.success(
        request,
        f"“{webhook.name}” posts again." if webhook.active else f"“{webhook.name}” is paused: nothing is posted.",
    )
    return redirect("notifications:chat-webhooks", slug=slug)


@require_POST
def chat_webhook_delete(request, slug: str, pk: int):
    webhook = _chat_webhook(request, slug, pk)
    if not web.confirmed(request):
        return web.confirmation_page(
            request,
            title=f"Remove {webhook.name}",
            question=f"Remove the chat channel “{webhook.name}” from {webhook.journey.name}?",
            consequence="Nothing more is posted there; its message log here goes too.",
            confirm_label="Remove the channel",
            cancel_url=reverse("notifications:chat-webhooks", kwargs={"slug": slug}),
        )
    services.chat_webhook_delete(webhook=webhook)
    messages.success(request, f"“{webhook.name}” was removed.")
    return redirect("notifications:chat-webhooks", slug=slug)
