"""The bare endpoint: DRF returning one page of instances from one indexed query, nothing else.

No authentication, no permission, no count, no serializer: the cost of the stack (gunicorn,
Django, DRF, one query, JSON) that every list endpoint pays at least.
"""

from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from journeys.models import JourneyInstance

FIELDS = ("id", "external_id", "segment", "started_at", "ended_at", "outcome", "satisfaction", "journey_id")


class BareInstancePage(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    def get(self, request):
        size = request.query_params.get("page_size", "50")
        size = min(int(size), 200) if size.isdigit() and int(size) > 0 else 50
        rows = list(JourneyInstance.objects.order_by("-id").values(*FIELDS)[:size])
        return Response({"results": rows})
