"""Markdown-lite for what people write (comments): **bold**, *italic*, `code`, paragraphs and line
breaks, lists and links; nothing else.

markdown-it-py parses with raw HTML off (a ``<script>`` stays text) and only the few rules above on;
links go only to http, https and mailto addresses (anything else, ``javascript:`` among them, stays
text). nh3 (the ammonia sanitiser) then cleans the output once more against the same short list of
tags and attributes and puts ``rel="nofollow noopener noreferrer"`` on every link: a bug in the parser
or a rule turned on later cannot bring markup in.
"""

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

ALLOWED_TAGS = {"p", "br", "strong", "em", "code", "ul", "ol", "li", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow noopener noreferrer"
SAFE_LINK_PREFIXES = ("http://", "https://", "mailto:")


def _parser() -> MarkdownIt:
    parser = MarkdownIt("zero", {"html": False, "breaks": True, "linkify": False, "typographer": False})
    parser.enable(["emphasis", "backticks", "list", "link", "autolink", "newline", "escape"])
    # Relative and protocol-relative links ("//elsewhere") are refused too: an absolute web or mail
    # address is what people paste.
    parser.validateLink = lambda url: url.strip().lower().startswith(SAFE_LINK_PREFIXES)
    return parser


_PARSER = _parser()


def render_markdown_lite(text: str) -> SafeString:
    """``text`` as safe HTML (escaped; the markdown-lite above and nothing else)."""
    html = _PARSER.render(text or "")
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )
    return mark_safe(cleaned)  # noqa: S308 - escaped by the parser, then sanitised by nh3
