"""GET /api/schema/: the OpenAPI schema, built once per process for each version and language.

Apart from core.schema, which drf-spectacular imports while it sets up (its views import it back).
"""

import threading

from django.conf import settings
from django.utils import translation
from drf_spectacular.views import SpectacularAPIView
from rest_framework.response import Response

# Each (API version, language) pair's schema, built once per process: it depends only on the code.
_schemas: dict[tuple[str | None, str | None], dict] = {}
_schemas_lock = threading.Lock()


def _cacheable_language(language: str | None) -> bool:
    return language is None or language in {code for code, _name in settings.LANGUAGES}


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema, built once per process for each API version and language it is asked in.

    drf-spectacular builds the schema afresh on every request: about a second of one process's time
    for every anonymous GET (the schema is public), which made it the cheapest way to keep a server
    busy. The schema depends only on the code and the settings, the version and the language asked
    for (SERVE_PUBLIC: every endpoint, whoever asks), so each process keeps the ones it has built. A
    ``?lang=`` outside the configured languages is answered but not kept, so the kept set is bounded.
    """

    def _get_schema_response(self, request):
        version = self.api_version or request.version or self._get_version_parameter(request)
        language = translation.get_language()
        key = (version, language)
        schema = _schemas.get(key)
        if schema is None:
            generator = self.generator_class(urlconf=self.urlconf, api_version=version, patterns=self.patterns)
            schema = generator.get_schema(request=request, public=self.serve_public)
            if _cacheable_language(language):
                with _schemas_lock:
                    schema = _schemas.setdefault(key, schema)
        return Response(
            data=schema,
            headers={"Content-Disposition": f'inline; filename="{self._get_filename(request, version)}"'},
        )
