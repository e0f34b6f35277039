"""Pages of the owners app."""

from django.db.models import Prefetch
from django.shortcuts import render

from journeys.models import Journey

from .models import Ownership


def home(request):
    """The journeys and who owns each (the full portfolio dashboard builds on this)."""
    journeys = Journey.objects.exclude(status="retired").prefetch_related(
        Prefetch(
            "ownerships",
            queryset=Ownership.objects.active().select_related("person"),
            to_attr="active_ownerships",
        )
    )
    return render(request, "owners/home.html", {"journeys": journeys})
