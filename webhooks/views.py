"""Pages of the webhooks app (managers): subscriptions, their delivery log, the test button."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import web

from . import selectors, services
from .forms import SubscriptionForm
from .models import Subscription

MANAGERS_ONLY = "Only managers connect other systems to Throughline."
NEW_SECRET_SESSION_KEY = "webhooks.new_secret"  # noqa: S105  (a session key name, not a secret)
PAGE_SIZE = 50


def _require_manager(request) -> None:
    web.require(request.user, "webhooks.manage_subscriptions", message=MANAGERS_ONLY)


@require_GET
def subscription_list(request):
    _require_manager(request)
    subscriptions = list(selectors.subscription_list())
    for subscription in subscriptions:
        subscription.event_labels = selectors.event_type_labels(subscription.event_types)
    return render(
        request, "webhooks/subscription_list.html", {"subscriptions": subscriptions, "breadcrumbs": _crumbs()}
    )


@require_http_methods(["GET", "POST"])
def subscription_create(request):
    _require_manager(request)
    form = SubscriptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            subscription, secret = services.subscription_create(**form.cleaned_data, created_by=request.user)
        except ValidationError as error:
            web.add_service_error(form, error)
        else:
            # Shown on the next page only (a reload of a POST answer would create a second subscription).
            request.session[NEW_SECRET_SESSION_KEY] = {"id": subscription.pk, "secret": secret}
            return redirect(subscription)
    status = 400 if form.errors else 200
    return render(
        request,
        "webhooks/subscription_form.html",
        {"form": form, "breadcrumbs": _crumbs({"label": "New webhook"})},
        status=status,
    )


@require_GET
def subscription_detail(request, pk):
    _require_manager(request)
    subscription = get_object_or_404(Subscription.objects.select_related("created_by"), pk=pk)
    new_secret = request.session.pop(NEW_SECRET_SESSION_KEY, None)
    if new_secret and new_secret.get("id") != subscription.pk:
        new_secret = None
    page = Paginator(selectors.delivery_list(subscription=subscription), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "webhooks/subscription_detail.html",
        {
            "subscription": subscription,
            "event_labels": selectors.event_type_labels(subscription.event_types),
            "new_secret": new_secret["secret"] if new_secret else None,
            "page": page,
            "deliveries": page.object_list,
            "breadcrumbs": _crumbs({"label": subscription.name}),
        },
    )


@require_POST
def subscription_test(request, pk):
    _require_manager(request)
    subscription = get_object_or_404(Subscription, pk=pk)
    services.subscription_send_test(subscription=subscription, sent_by=request.user)
    messages.success(request, "A test event is on its way; its delivery appears below (reload to follow it).")
    return redirect(subscription)


@require_POST
def subscription_toggle(request, pk):
    _require_manager(request)
    subscription = get_object_or_404(Subscription, pk=pk)
    turn_on = not subscription.is_active
    services.subscription_set_active(subscription=subscription, active=turn_on)
    messages.success(request, "Sending is on again." if turn_on else "Sending is off; nothing new is sent.")
    return redirect(subscription)


@require_POST
def subscription_rotate_secret(request, pk):
    _require_manager(request)
    subscription = get_object_or_404(Subscription, pk=pk)
    secret = services.subscription_rotate_secret(subscription=subscription)
    request.session[NEW_SECRET_SESSION_KEY] = {"id": subscription.pk, "secret": secret}
    return redirect(subscription)


@require_POST
def subscription_delete(request, pk):
    _require_manager(request)
    subscription = get_object_or_404(Subscription, pk=pk)
    services.subscription_delete(subscription=subscription)
    messages.success(request, f"The webhook “{subscription.name}” and its delivery log were deleted.")
    return redirect("webhooks:subscription-list")


def _crumbs(*more) -> list[dict]:
    return [{"label": "Webhooks", "url": reverse("webhooks:subscription-list") if more else None}, *more]
