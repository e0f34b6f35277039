"""``reverse()`` of a URL with one argument, for pages that draw hundreds of links.

Django's ``reverse()`` walks the URL patterns and checks the argument against the converter every
time (30-80 µs a link): the portfolio's gap summary alone draws 170 journey links. A URL with one
argument is a prefix, the argument quoted as ``reverse()`` quotes it, and a suffix. Those two parts are
found once with a placeholder argument and kept on the URL resolver (so a changed URL configuration,
or another ``urlconf`` for a request, has its own) per script prefix (a deployment under a path).

Only for arguments the URL's converter accepts (a saved object's slug or id): ``reverse()`` would
refuse anything else, this does not check (an empty value still goes to ``reverse()``, which refuses it).
"""

from collections.abc import Callable
from urllib.parse import quote

from django.urls import get_resolver, get_script_prefix, get_urlconf, reverse

# Django's reverse() quotes each URL argument leaving these characters as they are (RFC 3986 sub-delims
# and "/~:@"; django.urls.resolvers).
URL_SAFE = "!$&'()*+,;=/~:@"
PLACEHOLDER = "2718281828459045"  # digits: it matches a slug converter and an int converter alike


def _parts(name: str, kwarg: str) -> tuple[str, str]:
    resolver = get_resolver(get_urlconf())
    found = resolver.__dict__.setdefault("_one_argument_urls", {})
    key = (get_script_prefix(), name, kwarg)
    parts = found.get(key)
    if parts is None:
        prefix, suffix = reverse(name, kwargs={kwarg: PLACEHOLDER}).split(PLACEHOLDER)  # exactly two parts
        parts = found[key] = (prefix, suffix)
    return parts


def url_with(name: str, kwarg: str, value) -> str:
    """``reverse(name, kwargs={kwarg: value})`` (which refuses an empty value: an unsaved object's)."""
    if value in ("", None):
        return reverse(name, kwargs={kwarg: value})
    return url_maker(name, kwarg)(value)


def url_maker(name: str, kwarg: str) -> Callable[[object], str]:
    """``lambda value: reverse(name, kwargs={kwarg: value})``, the parts looked up once for many links."""
    prefix, suffix = _parts(name, kwarg)
    return lambda value: prefix + quote(str(value), safe=URL_SAFE) + suffix
