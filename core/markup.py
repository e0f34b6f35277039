"""Markdown-lite for what people write (comments): **bold**, *italic*, `code`, paragraphs and line
breaks, lists and links (written ``[text](address)``, ``<address>``, or a bare https:// address, which
becomes a link as in every chat tool); nothing else.

markdown-it-py parses with raw HTML off (a ``<script>`` stays text) and only the few rules above on;
links go only to http, https and mailto addresses (anything else, ``javascript:`` among them, stays
text). nh3 (the ammonia sanitiser) then cleans the output once more against the same short list of
tags and attributes and puts ``rel="nofollow noopener noreferrer"`` on every link: a bug in the parser
or a rule turned on later cannot bring markup in.
"""

import html

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

ALLOWED_TAGS = {"p", "br", "strong", "em", "code", "ul", "ol", "li", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow noopener noreferrer"
SAFE_LINK_PREFIXES = ("http://", "https://", "mailto:")


def _parser() -> MarkdownIt:
    parser = MarkdownIt("zero", {"html": False, "breaks": True, "linkify": True, "typographer": False})
    parser.enable(["emphasis", "backticks", "list", "link", "autolink", "linkify", "newline", "escape"])
    # Bare addresses only with their scheme (https://...): linkify-it's fuzzy matching would link "notes.md".
    parser.linkify.set({"fuzzy_link": False, "fuzzy_email": False})
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


def plain_text(text: str) -> str:
    """``text`` as a reader sees it, without markup: for notifications, e-mails and chat messages.

    Rendered, then stripped of every tag (a link keeps its words), then unescaped: the result is plain
    text to be escaped by whatever shows it, not HTML.
    """
    stripped = nh3.clean(str(render_markdown_lite(text)).replace("</p>", "</p>\n"), tags=set(), strip_comments=True)
    lines = [" ".join(line.split()) for line in html.unescape(stripped).splitlines()]
    return "\n".join(line for line in lines if line)
