"""Request body parsers shared by the API: DRF's, refusing what the database cannot store.

PostgreSQL text cannot hold a NUL character; a NUL in any value (a slug looked up, a text saved)
would reach the database and fail there (500). Neither database can store a lone UTF-16 surrogate
(JSON's ``"\\ud800"``), which no UTF-8 text can contain. These parsers answer 400 first; a surrogate
is addressed by its position in the document (``instances[0].interactions[1].touchpoint``), as the
ingest API addresses every other error.
"""

import re

from rest_framework import parsers
from rest_framework.exceptions import ParseError, ValidationError

NUL_MESSAGE = "Null characters are not allowed."
SURROGATE_MESSAGE = "Lone surrogate characters (\\ud800-\\udfff) are not allowed: send valid UTF-8 text."
_SURROGATE = re.compile("[\ud800-\udfff]")


def _surrogate_paths(value, path: str = "") -> list[str]:
    """Where in a parsed JSON document a string (a key or a value) holds a lone surrogate."""
    if isinstance(value, str):
        return [path or "non_field_errors"] if _SURROGATE.search(value) else []
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            key_text = str(key)
            if _SURROGATE.search(key_text):
                found.append(path or "non_field_errors")
                continue
            found.extend(_surrogate_paths(item, f"{path}.{key_text}" if path else key_text))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found.extend(_surrogate_paths(item, f"{path}[{index}]"))
    return found


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
        surrogates = _surrogate_paths(data)
        if surrogates:
            raise ValidationError({path: [SURROGATE_MESSAGE] for path in surrogates})
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
