"""Request body parsers shared by the API: DRF's, refusing what the database cannot store.

PostgreSQL text cannot hold a NUL character; a NUL in any value (a slug looked up, a text saved)
would reach the database and fail there (500). These parsers answer 400 first.
"""

from rest_framework import parsers
from rest_framework.exceptions import ParseError

NUL_MESSAGE = "Null characters are not allowed."


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(item) for item in value)
    return False


class JSONParser(parsers.JSONParser):
    """Also answers 400 (not 500) to a document nested too deeply for Python's decoder."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - the document is nested too deeply.") from None
        if _has_nul(data):
            raise ParseError(NUL_MESSAGE)
        return data


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if _has_nul(dict(data.lists())):
            raise ParseError(NUL_MESSAGE)
        return data


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        result = super().parse(stream, media_type, parser_context)
        if _has_nul(dict(result.data.lists())):
            raise ParseError(NUL_MESSAGE)
        return result
