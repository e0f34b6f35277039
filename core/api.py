"""API building blocks that belong to no domain app: the viewset base every app's writes use, and token login."""

from collections.abc import Mapping

from django.conf import settings
from django.core.cache import caches
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import APIException
from rest_framework.fields import empty
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from .auth import LIMITS_CACHE, client_address, record_failure, throttled_message, too_many_failures
from .representation import FIELDS_PARAM, choose_fields, readable_field_names
from .web import NOT_ALLOWED, require


class RefuseUnknownFieldsMixin:
    """A serializer that answers 400 at a key that is none of its fields, rather than ignoring it.

    A misspelt key (``satisfation``) would otherwise be dropped silently: the write looks accepted and the
    field the client meant to set keeps its old value, or becomes empty where the write replaces the row.
    Read-only fields are fields: a document read from the API can be sent back as it is.
    """

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = {
                str(key): [f"Unknown field '{key}'. The fields are: {', '.join(self.fields)}."]
                for key in data
                if key not in self.fields
            }
            if unknown:
                raise serializers.ValidationError(unknown)
        return super().to_internal_value(data)


def chosen_field_names(values: list[str], fields: list[str]) -> list[str]:
    """The field names of ``?fields=a,b`` (the parameter's values), each one of ``fields``; 400 otherwise."""
    names = list(dict.fromkeys(name.strip() for value in values for name in value.split(",") if name.strip()))
    known = ", ".join(fields)
    if not names:
        message = f"Name at least one field, separated by commas (fields=id,status). The fields are: {known}."
        raise serializers.ValidationError({FIELDS_PARAM: [message]})
    unknown = [f"Unknown field '{name}'. The fields are: {known}." for name in names if name not in fields]
    if unknown:
        raise serializers.ValidationError({FIELDS_PARAM: unknown})
    return names


class ChosenFieldsMixin:
    """``?fields=id,status`` on a list or one object: only those fields of each row (sparse fields).

    A client that polls snapshots for their scores need not receive, nor make the server build, their
    components and stage health. The answer keeps the serializer's order; the page around a list's rows
    (``count``, ``next``...) is unchanged and its links keep the parameter. Only the reads ``list`` and
    ``retrieve`` take it (what the OpenAPI schema says): an answer to a write is always whole, and the
    parameter never narrows what a write validates. Names are checked before anything is read.
    """

    chosen_fields_actions = ("list", "retrieve")
    _chosen_fields: list[str] | None = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # authentication and permissions first: a 401 stays a 401
        if self.action in self.chosen_fields_actions and FIELDS_PARAM in request.query_params:
            serializer = self.get_serializer_class()(context=self.get_serializer_context())
            self._chosen_fields = chosen_field_names(
                request.query_params.getlist(FIELDS_PARAM), readable_field_names(serializer)
            )

    def answers_field(self, name: str) -> bool:
        """Whether this request's answer has field ``name`` (for a read that can skip work for it)."""
        return self._chosen_fields is None or name in self._chosen_fields

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        if self._chosen_fields is not None:
            choose_fields(serializer, self._chosen_fields)
        return serializer


class ServiceViewSet(ChosenFieldsMixin, viewsets.GenericViewSet):
    """A viewset whose writes go through services: validate an input serializer, check the rules, call a
    service, answer with the output serializer.

    ``serializer_class`` (or ``get_serializer_class()``) is the output serializer and, unless a write
    names another, the input one too. Reads come from DRF's list and retrieve mixins as usual::

        def create(self, request):
            data = self.validated_input(IssueCreateSerializer)
            self.require("improvements.log_issue", data["journey"])
            return self.respond(services.issue_log(**data), status_code=status.HTTP_201_CREATED)
    """

    #: What a refusal by ``require`` says when the call names no message.
    permission_message = NOT_ALLOWED
    #: Answer with the object read again through ``get_queryset()`` (its annotations and prefetches),
    #: rather than as the service returned it.
    reload_after_write = False

    def validated_input(self, serializer_class=None, *, instance=None, partial: bool = False) -> dict:
        """The request body validated by ``serializer_class`` (default: the output serializer); 400 when invalid."""
        serializer_class = serializer_class or self.get_serializer_class()
        serializer = serializer_class(
            instance, data=self.request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def validated_field(self, serializer_class, name: str):
        """One field of the request body (as ``serializer_class`` reads it), validated alone; 400 when invalid.

        For the field a permission depends on (the journey a write is for): check the permission with it,
        then validate the whole body, so that a refused user learns nothing from the validation
        ("already on the team").
        """
        field = serializer_class(context=self.get_serializer_context()).fields[name]
        body = self.request.data if isinstance(self.request.data, Mapping) else {}
        try:
            return field.run_validation(body.get(name, empty))
        except serializers.ValidationError as error:
            raise serializers.ValidationError({name: error.detail}) from None

    def require(self, permission: str, obj=None, *, message: str | None = None) -> None:
        """403 unless the request's user has ``permission`` (on ``obj``)."""
        require(self.request.user, permission, obj, message=message or self.permission_message)

    def respond(self, obj, *, status_code: int = status.HTTP_200_OK) -> Response:
        """``obj`` through the output serializer."""
        if self.reload_after_write:
            obj = self.get_queryset().get(pk=obj.pk)
        return Response(self.get_serializer(obj).data, status=status_code)

    def respond_no_content(self) -> Response:
        return Response(status=status.HTTP_204_NO_CONTENT)


class ServiceModelViewSet(
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    mixins.ListModelMixin,
    ServiceViewSet,
):
    """A ServiceViewSet with every route of DRF's ModelViewSet; ``create``/``update``/``perform_destroy``
    are the subclass's, each calling its service."""


class ClientAddressThrottle(ScopedRateThrottle):
    """DRF's scoped rate, counted per client address as the login limits see it (trusted proxies
    only) in the cache every web process shares."""

    def __init__(self):
        self.cache = caches[LIMITS_CACHE]
        super().__init__()

    def get_ident(self, request):
        return client_address(request)


class ThrottledObtainAuthToken(ObtainAuthToken):
    """POST username and password, get a token. Throttled against password guessing: a rate per client
    address, and the login page's failure limit per address and per username."""

    throttle_classes = [ClientAddressThrottle]
    throttle_scope = "auth"

    def post(self, request, *args, **kwargs):
        if too_many_failures(request, _username(request)):
            # Refused before the password is checked, right or wrong, until the window ends.
            response = Response({"detail": throttled_message()}, status=status.HTTP_429_TOO_MANY_REQUESTS)
            response["Retry-After"] = str(settings.LOGIN_FAILURE_WINDOW_SECONDS)
            return response
        return super().post(request, *args, **kwargs)

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        if response.status_code == status.HTTP_400_BAD_REQUEST:  # wrong credentials (or no usable body)
            record_failure(self.request, _username(self.request))
        return response


def _username(request) -> str:
    try:
        data = request.data
    except APIException:  # an unparsable body has no username; DRF answers it itself
        return ""
    username = data.get("username", "") if hasattr(data, "get") else ""  # a JSON body may be a list or `true`
    return username if isinstance(username, str) else ""
