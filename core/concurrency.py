"""Optimistic locking over HTTP for versioned objects (journeys, issues, initiatives).

Every answer about one such object carries ``ETag: "<version>"``. A write may name the version it
read in its body (``version``: a stale one is answered 409) or, the HTTP way, in an ``If-Match``
header (a stale one is answered 412 Precondition Failed). Either way the version reaches the
service, which checks it again under the row lock, so a writer that slips in between the check
and the write is caught too. ``If-None-Match`` and 304 answers are not supported: the ETag
identifies the version of the editable object, not the bytes of the representation.
"""

from rest_framework import status

from core.errors import StaleObjectError


class PreconditionFailed(StaleObjectError):
    """A write whose If-Match names another version than the current one (HTTP 412)."""

    status_code = status.HTTP_412_PRECONDITION_FAILED


def version_etag(version: int) -> str:
    """The strong entity tag of a version: ``"3"``."""
    return f'"{version}"'


def if_match_tags(header: str) -> list[str]:
    """The entity tags of an If-Match header, as written (weak ones keep their ``W/``)."""
    return [tag.strip() for tag in header.split(",") if tag.strip()]


class VersionETagMixin:
    """For DRF viewsets of ``core.models.VersionedModel`` objects whose serializers include ``version``.

    Writes call ``self.expected_version(obj, body_version)`` and pass the result to their service.
    """

    _version_from_if_match = False

    def expected_version(self, obj, body_version: int | None) -> int | None:
        """The version the write must find: the body's, else the one If-Match names (412 if stale)."""
        header = self.request.headers.get("If-Match")
        if header is None:
            return body_version
        tags = if_match_tags(header)
        if "*" in tags:
            return body_version
        # If-Match uses the strong comparison (RFC 9110, 13.1.1): a weak tag never matches.
        if version_etag(obj.version) not in tags:
            raise PreconditionFailed(
                f"This {obj._meta.verbose_name} was changed by someone else: If-Match {header} does not match "
                f"its current version ({version_etag(obj.version)}). Read it again and retry with its new ETag.",
                extra={"current_version": obj.version},
            )
        if body_version is not None:
            return body_version
        self._version_from_if_match = True
        return obj.version

    def handle_exception(self, exc):
        # The service found a newer version than the one If-Match named: a lost race, same answer.
        if isinstance(exc, StaleObjectError) and self._version_from_if_match:
            exc = PreconditionFailed(exc.message, extra=exc.extra)
        return super().handle_exception(exc)

    def get_object(self):
        obj = super().get_object()
        self._read_version = obj.version
        return obj

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        data = getattr(response, "data", None)
        version = data.get("version") if isinstance(data, dict) else None
        if version is None and getattr(self, "_chosen_fields", None) is not None:
            version = getattr(self, "_read_version", None)  # one object read with ?fields= without its version
        if status.is_success(response.status_code) and isinstance(version, int) and "ETag" not in response:
            response["ETag"] = version_etag(version)
        return response
