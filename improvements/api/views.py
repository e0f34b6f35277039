"""API views of the improvements app: issues, initiatives and initiative updates.

Everyone logged in reads everything; writes check the rules of core/rules.py on the journey
concerned, validate an input serializer and call a service. Illegal transitions and stale
versions answer 409, bad input 400.
"""

from django.db.models import Prefetch
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.filters import OrderingFilter
from rest_framework.response import Response

from core.concurrency import VersionETagMixin
from core.listcache import CachedListMixin
from core.ordering import nulls_last

from .. import selectors, services
from ..filters import InitiativeFilter, InitiativeUpdateFilter, IssueFilter
from ..models import Issue
from .serializers import (
    InitiativeCreateSerializer,
    InitiativeSerializer,
    InitiativeTransitionSerializer,
    InitiativeUpdateCreateSerializer,
    InitiativeUpdateFieldsSerializer,
    InitiativeUpdateSerializer,
    IssueCreateSerializer,
    IssueSerializer,
    IssueTransitionSerializer,
    IssueUpdateSerializer,
)


class NullsLastOrderingFilter(OrderingFilter):
    """``?ordering=`` where rows without a value (no effort, no due date...) always come last."""

    def filter_queryset(self, request, queryset, view):
        ordering = self.get_ordering(request, queryset, view)
        if not ordering:
            return queryset
        return queryset.order_by(*[nulls_last(queryset.model, term) for term in ordering], "id")


class _ImprovementsViewSet(viewsets.GenericViewSet):
    filter_backends = [DjangoFilterBackend, NullsLastOrderingFilter]

    def require(self, permission: str, obj) -> None:
        if not self.request.user.has_perm(permission, obj):
            raise PermissionDenied("Your role on this journey does not allow this.")

    def respond(self, obj, *, status_code=status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=obj.pk)
        return Response(self.get_serializer(fresh).data, status=status_code)


class IssueViewSet(
    CachedListMixin,
    VersionETagMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    _ImprovementsViewSet,
):
    """Root-cause issues. ``search`` looks in title, symptom and root cause."""

    serializer_class = IssueSerializer
    filterset_class = IssueFilter
    ordering_fields = ["created_at", "updated_at", "severity", "status", "title"]
    ordering = ["-severity", "-created_at"]

    def get_queryset(self):
        return selectors.issue_list()

    @extend_schema(request=IssueCreateSerializer, responses={201: IssueSerializer})
    def create(self, request):
        """Log an issue (team members, the owner, managers). The reporter is your Person."""
        data = IssueCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        self.require("improvements.log_issue", data.validated_data["journey"])
        reporter = services.require_person(request.user, doing="log an issue")
        issue = services.issue_log(reported_by=reporter, **data.validated_data)
        return self.respond(issue, status_code=status.HTTP_201_CREATED)

    def _update(self, request, *, partial: bool):
        issue = self.get_object()
        self.require("improvements.triage_issue", issue)
        data = IssueUpdateSerializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        version = self.expected_version(issue, fields.pop("version", None))
        issue = services.issue_edit(issue=issue, data=fields, version=version)
        return self.respond(issue)

    @extend_schema(request=IssueUpdateSerializer, responses=IssueSerializer)
    def update(self, request, pk=None):
        return self._update(request, partial=False)

    @extend_schema(request=IssueUpdateSerializer, responses=IssueSerializer)
    def partial_update(self, request, pk=None):
        return self._update(request, partial=True)

    @extend_schema(request=IssueTransitionSerializer, responses=IssueSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Move the issue to ``status`` (409 when the workflow does not allow it); optionally set
        ``root_cause`` (required for root_cause_confirmed) and ``assignee``."""
        issue = self.get_object()
        self.require("improvements.triage_issue", issue)
        data = IssueTransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        issue = services.issue_triage(
            issue=issue,
            status=values["status"],
            root_cause=values.get("root_cause"),
            assignee=values.get("assignee", services.UNSET),
            version=self.expected_version(issue, values.get("version")),
        )
        return self.respond(issue)


class InitiativeViewSet(
    CachedListMixin,
    VersionETagMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    _ImprovementsViewSet,
):
    """Initiatives. ``ordering=-gain_per_person_day`` ranks them by value (unknown effort last)."""

    serializer_class = InitiativeSerializer
    filterset_class = InitiativeFilter
    ordering_fields = [
        "due_date",
        "start_date",
        "delivered_on",
        "created_at",
        "updated_at",
        "title",
        "status",
        "expected_gain",
        "effort",
        "gain_per_person_day",
    ]
    ordering = ["due_date"]

    def get_queryset(self):
        return selectors.initiative_list().prefetch_related(Prefetch("issues", queryset=Issue.objects.only("id")))

    @extend_schema(request=InitiativeCreateSerializer, responses={201: InitiativeSerializer})
    def create(self, request):
        """Propose an initiative (the journey's owner or a manager)."""
        data = InitiativeCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        self.require("improvements.manage_initiative", data.validated_data["journey"])
        initiative = services.initiative_propose(**data.validated_data)
        return self.respond(initiative, status_code=status.HTTP_201_CREATED)

    def _update(self, request, *, partial: bool):
        initiative = self.get_object()
        self.require("improvements.manage_initiative", initiative)
        data = InitiativeUpdateFieldsSerializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        version = self.expected_version(initiative, fields.pop("version", None))
        initiative = services.initiative_edit(initiative=initiative, data=fields, version=version)
        return self.respond(initiative)

    @extend_schema(request=InitiativeUpdateFieldsSerializer, responses=InitiativeSerializer)
    def update(self, request, pk=None):
        return self._update(request, partial=False)

    @extend_schema(request=InitiativeUpdateFieldsSerializer, responses=InitiativeSerializer)
    def partial_update(self, request, pk=None):
        return self._update(request, partial=True)

    @extend_schema(request=InitiativeTransitionSerializer, responses=InitiativeSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Move the initiative to ``status`` (409 when not allowed, or when in_progress finds no
        baseline); ``delivered_on`` applies when delivering (default today)."""
        initiative = self.get_object()
        self.require("improvements.manage_initiative", initiative)
        data = InitiativeTransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        initiative = services.initiative_transition(
            initiative=initiative,
            status=values["status"],
            delivered_on=values.get("delivered_on"),
            version=self.expected_version(initiative, values.get("version")),
        )
        return self.respond(initiative)


class InitiativeUpdateViewSet(
    CachedListMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    _ImprovementsViewSet,
):
    """Progress updates on initiatives: an append-only timeline."""

    serializer_class = InitiativeUpdateSerializer
    filterset_class = InitiativeUpdateFilter
    ordering_fields = ["created_at", "progress"]
    ordering = ["-created_at"]

    def get_queryset(self):
        return selectors.initiative_updates()

    @extend_schema(request=InitiativeUpdateCreateSerializer, responses={201: InitiativeUpdateSerializer})
    def create(self, request):
        """Post an update (the journey's team, its owner, managers). The author is your Person."""
        data = InitiativeUpdateCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        initiative = data.validated_data["initiative"]
        self.require("improvements.post_update", initiative)
        author = services.require_person(request.user, doing="post an update")
        update = services.initiative_update_post(
            initiative=initiative,
            author=author,
            body=data.validated_data["body"],
            progress=data.validated_data["progress"],
        )
        return self.respond(update, status_code=status.HTTP_201_CREATED)
