"""API views of personas: ``journeys/{slug}/personas/`` (CRUD) and ``.../personas/{id}/curve/``."""

import datetime as dt

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import cached_property
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import permissions, status
from rest_framework.exceptions import ValidationError
from rest_framework.fields import DateField
from rest_framework.response import Response

from core.api import ServiceModelViewSet
from journeys.api.persona_serializers import PersonaCurveSerializer, PersonaInputSerializer, PersonaSerializer
from journeys.filters import PersonaFilterSet
from journeys.models import Journey, Persona
from journeys.selectors import personas as selectors
from journeys.services import personas as services

CHANGE_REFUSED = "Only the journey's owner or a manager can change its personas."


class PersonaPermission(permissions.BasePermission):
    """Any login reads; the journey's owner or a manager writes (design section 9: J's map)."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        return request.user.has_perm("journeys.change_journey", view.journey)


@extend_schema_view(
    list=extend_schema(summary="A journey's personas"),
    partial_update=extend_schema(request=PersonaInputSerializer, responses={200: PersonaSerializer}),
)
class PersonaViewSet(ServiceModelViewSet):
    """The personas of the journey in the URL; each stands for a segment of its data."""

    permission_classes = [PersonaPermission]
    permission_message = CHANGE_REFUSED
    serializer_class = PersonaSerializer
    filterset_class = PersonaFilterSet
    search_fields = ["name", "segment", "goals", "needs", "pains"]
    ordering_fields = ["name", "segment", "created_at", "updated_at"]
    ordering = ["name", "id"]

    @cached_property
    def journey(self) -> Journey:
        return get_object_or_404(Journey, slug=self.kwargs["slug"])

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the OpenAPI generator has no journey in its URL
            return Persona.objects.none()
        return selectors.journey_personas(self.journey).select_related("journey")

    @extend_schema(request=PersonaInputSerializer, responses={201: PersonaSerializer})
    def create(self, request, *args, **kwargs):
        data = self.validated_input(PersonaInputSerializer)
        persona = services.persona_create(journey=self.journey, **data)
        return self.respond(persona, status_code=status.HTTP_201_CREATED)

    @extend_schema(request=PersonaInputSerializer, responses={200: PersonaSerializer})
    def update(self, request, *args, **kwargs):
        persona = self.get_object()
        data = self.validated_input(PersonaInputSerializer, partial=kwargs.get("partial", False))
        return self.respond(services.persona_update(persona=persona, **data))

    def perform_destroy(self, instance):
        services.persona_delete(persona=instance)

    @extend_schema(
        parameters=[OpenApiParameter("as_of", str, description="A day (YYYY-MM-DD); default today.")],
        responses={200: PersonaCurveSerializer},
    )
    def curve(self, request, *args, **kwargs):
        """The persona's emotion curve beside all customers', the target and the stages that dip below it."""
        persona = self.get_object()
        as_of = None
        if request.query_params.get("as_of"):
            try:
                as_of = DateField().to_internal_value(request.query_params["as_of"])
            except ValidationError as error:
                raise ValidationError({"as_of": error.detail}) from None
            if not dt.date(1970, 1, 1) <= as_of <= timezone.localdate():
                raise ValidationError({"as_of": ["Choose a day between 1970-01-01 and today."]})
        curves = selectors.emotion_curves(self.journey, [persona], as_of=as_of)
        data = {
            "persona": persona,
            "as_of": curves.as_of,
            "window_start": curves.window_start,
            "window_end": curves.window_end,
            "target": curves.target,
            "min_ratings": curves.min_ratings,
            "curve": curves.curve_of(persona),
            "overall": curves.overall,
        }
        return Response(PersonaCurveSerializer(data, context=self.get_serializer_context()).data)
