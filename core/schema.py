"""The OpenAPI schema documents the error answers every operation can give, not only its success.

drf-spectacular describes the success answer of each operation; clients (and the schema fuzz tests)
also need the errors of design section 6: 400 with field messages, 401/403, 404 on objects, 409 on
conflicting state changes, 413 on uploads and 429 when throttled.
"""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter

from .representation import FIELDS_PARAM, readable_field_names

ERROR_BODY = {
    "type": "object",
    "description": "`detail` for the request as a whole; otherwise one list of messages per field "
    "(`non_field_errors` for the object as a whole, nested by position for lists).",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": True,
}

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": ERROR_BODY}}}


class ThroughlineAutoSchema(AutoSchema):
    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        actions = getattr(self.view, "chosen_fields_actions", ())
        if self.method == "GET" and getattr(self.view, "action", None) in actions:
            parameters = [*parameters, self._fields_parameter()]
        return parameters

    def _fields_parameter(self) -> OpenApiParameter:
        """``?fields=`` (core.api.ChosenFieldsMixin): the names this operation's answer can be narrowed to."""
        names = readable_field_names(self._get_serializer())
        return OpenApiParameter(
            FIELDS_PARAM,
            {"type": "array", "items": {"type": "string", "enum": names}, "minItems": 1},
            style="form",
            explode=False,
            description="Only these fields of each object, comma-separated (`fields=id,status`), in the "
            "order of the full answer; the others are left out and not computed. Without it, every field.",
        )

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        errors = {
            "400": _error("Bad input: the messages say which field and why."),
            "401": _error("Not authenticated."),
            "403": _error("Authenticated, but this account may not do this."),
        }
        # Objects that do not exist or are not visible, and list pages past the last one.
        errors["404"] = _error("Not found: no such object, or no such page of the list.")
        if self.method in WRITE_METHODS:
            errors["409"] = _error("The change conflicts with the object's current state or version.")
            errors["413"] = _error("The request body is too large.")
        if getattr(self.view, "throttle_scope", None) or getattr(self.view, "throttle_classes", None):
            errors["429"] = _error("Too many requests: wait and try again.")
        for code, response in errors.items():
            responses.setdefault(code, response)
        return responses
