"""API views of the improvements app: issues, initiatives and initiative updates.

Everyone logged in reads everything; writes (core.api.ServiceViewSet) validate an input serializer,
check the rules on the journey concerned and call a service. Illegal transitions and stale
versions answer 409, bad input 400.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import ServiceViewSet
from core.concurrency import VersionETagMixin
from core.filters import DjangoFilterBackend, NullsLastOrderingFilter
from journeys.models import Journey

from .. import selectors, services
from ..filters import CommentFilter, InitiativeFilter, InitiativeUpdateFilter, IssueFilter
from ..models import Issue
from .serializers import (
    CommentSerializer,
    CommentWriteSerializer,
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


class _ImprovementsViewSet(ServiceViewSet):
    filter_backends = [DjangoFilterBackend, NullsLastOrderingFilter]
    permission_message = services.NOT_ALLOWED_ON_JOURNEY
    reload_after_write = True


class CommentThreadMixin:
    """``GET``/``POST {id}/comments/`` on an issue or an initiative: its thread, oldest first (not paged:
    a thread is one item's conversation), and a new comment by the journey's team, owner or managers."""

    def _comments(self, request):
        item = self.get_object()
        if request.method == "POST":
            self.require("improvements.comment", item)
            data = self.validated_input(CommentWriteSerializer)
            author = services.require_person(request.user, doing="comment")
            comment = services.comment_post(item=item, author=author, body=data["body"])
            comment = selectors.comment_list().get(pk=comment.pk)
            return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)
        thread = selectors.comment_list().filter(pk__in=selectors.comment_thread(item).values("pk"))
        return Response(CommentSerializer(thread.order_by("created_at", "id"), many=True).data)

    @extend_schema(methods=["GET"], request=None, responses=CommentSerializer(many=True))
    @extend_schema(methods=["POST"], request=CommentWriteSerializer, responses={201: CommentSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def comments(self, request, pk=None):
        return self._comments(request)


class IssueViewSet(
    CommentThreadMixin,
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
        # The list reads only the columns its rows show; one issue (to read, change or comment on) is whole.
        if self.action == "list":
            return selectors.issue_rows(functions=self.answers_field("functions"))
        return selectors.issue_list()

    @extend_schema(request=IssueCreateSerializer, responses={201: IssueSerializer})
    def create(self, request):
        """Log an issue (team members, the owner, managers). The reporter is your Person."""
        self.require("improvements.log_issue", self.validated_field(IssueCreateSerializer, "journey"))
        data = self.validated_input(IssueCreateSerializer)
        reporter = services.require_person(request.user, doing="log an issue")
        issue = services.issue_log(reported_by=reporter, **data)
        return self.respond(issue, status_code=status.HTTP_201_CREATED)

    def _update(self, request, *, partial: bool):
        issue = self.get_object()
        self.require("improvements.triage_issue", issue)
        data = self.validated_input(IssueUpdateSerializer, partial=partial)
        version = self.expected_version(issue, data.pop("version", None))
        issue = services.issue_edit(issue=issue, data=data, version=version)
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
        data = self.validated_input(IssueTransitionSerializer)
        issue = services.issue_triage(
            issue=issue,
            status=data["status"],
            root_cause=data.get("root_cause"),
            assignee=data.get("assignee", services.UNSET),
            version=self.expected_version(issue, data.get("version")),
        )
        return self.respond(issue)


class InitiativeViewSet(
    CommentThreadMixin,
    VersionETagMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    _ImprovementsViewSet,
):
    """Initiatives. ``ordering=-points_per_person_day`` ranks them by score points per person-day."""

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
        "points_per_person_day",
    ]
    ordering = ["due_date"]

    def get_queryset(self):
        return (
            selectors.initiative_list()
            .select_related("impact")
            .prefetch_related(
                Prefetch("issues", queryset=Issue.objects.only("id")),
                Prefetch("comparison_journeys", queryset=Journey.objects.only("id", "slug")),
            )
        )

    @extend_schema(request=InitiativeCreateSerializer, responses={201: InitiativeSerializer})
    def create(self, request):
        """Propose an initiative (the journey's owner or a manager)."""
        self.require("improvements.manage_initiative", self.validated_field(InitiativeCreateSerializer, "journey"))
        data = self.validated_input(InitiativeCreateSerializer)
        initiative = services.initiative_propose(**data)
        return self.respond(initiative, status_code=status.HTTP_201_CREATED)

    def _update(self, request, *, partial: bool):
        initiative = self.get_object()
        self.require("improvements.manage_initiative", initiative)
        data = self.validated_input(InitiativeUpdateFieldsSerializer, partial=partial)
        version = self.expected_version(initiative, data.pop("version", None))
        initiative = services.initiative_edit(initiative=initiative, data=data, version=version)
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
        data = self.validated_input(InitiativeTransitionSerializer)
        initiative = services.initiative_transition(
            initiative=initiative,
            status=data["status"],
            delivered_on=data.get("delivered_on"),
            version=self.expected_version(initiative, data.get("version")),
        )
        return self.respond(initiative)


class InitiativeUpdateViewSet(
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
        data = self.validated_input(InitiativeUpdateCreateSerializer)
        initiative = data["initiative"]
        self.require("improvements.post_update", initiative)
        author = services.require_person(request.user, doing="post an update")
        update = services.initiative_update_post(
            initiative=initiative,
            author=author,
            body=data["body"],
            progress=data["progress"],
        )
        return self.respond(update, status_code=status.HTTP_201_CREATED)


class CommentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _ImprovementsViewSet):
    """Comments on issues and initiatives, newest first; post one under its item
    (``/issues/{id}/comments/``). The author edits (PUT/PATCH) or deletes it in its first 15 minutes
    (later: 409)."""

    serializer_class = CommentSerializer
    filterset_class = CommentFilter
    ordering_fields = ["created_at"]
    ordering = ["-created_at", "-id"]
    permission_message = services.COMMENT_NOT_YOURS

    def get_queryset(self):
        return selectors.comment_list()

    def _own_comment(self):
        """The comment and its author, the requester; anyone else (an administrator too) gets 403."""
        comment = self.get_object()
        self.require("improvements.change_comment", comment)
        person = selectors.person_of(self.request.user)
        if person is None or person.pk != comment.author_id:
            raise PermissionDenied(services.COMMENT_NOT_YOURS)
        return comment, person

    def _update(self, request):
        comment, author = self._own_comment()
        data = self.validated_input(CommentWriteSerializer)
        comment = services.comment_edit(comment=comment, author=author, body=data["body"])
        return self.respond(comment)

    @extend_schema(request=CommentWriteSerializer, responses=CommentSerializer)
    def update(self, request, pk=None):
        return self._update(request)

    @extend_schema(request=CommentWriteSerializer, responses=CommentSerializer)
    def partial_update(self, request, pk=None):
        return self._update(request)

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        comment, author = self._own_comment()
        services.comment_delete(comment=comment, author=author)
        return self.respond_no_content()
