"""The markdown-lite of comments: what people write renders, and nothing hostile gets through."""

from html.parser import HTMLParser

import pytest

from core.markup import plain_text, render_markdown_lite


class _Tags(HTMLParser):
    """Every element and attribute a browser would build from the HTML."""

    def __init__(self):
        super().__init__()
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def _elements(html):
    parser = _Tags()
    parser.feed(html)
    return parser.elements


def test_bold_italic_code_breaks_and_paragraphs_render():
    html = render_markdown_lite("**Dropped** calls, *twice*, see `ERR-12`\nsince Monday\n\nSecond point")

    assert html == (
        "<p><strong>Dropped</strong> calls, <em>twice</em>, see <code>ERR-12</code><br>\nsince Monday</p>\n"
        "<p>Second point</p>\n"
    )


def test_lists_render():
    html = render_markdown_lite("- one\n- two\n\n1. first\n2. second")

    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in html
    assert "<ol>\n<li>first</li>\n<li>second</li>\n</ol>" in html


def test_a_web_link_opens_nothing_of_ours_and_passes_no_referrer():
    html = render_markdown_lite("[the ticket](https://tickets.example.com/T-1) and <https://example.com/a>")

    assert '<a href="https://tickets.example.com/T-1" rel="nofollow noopener noreferrer">the ticket</a>' in html
    assert '<a href="https://example.com/a" rel="nofollow noopener noreferrer">https://example.com/a</a>' in html


def test_a_bare_web_address_becomes_a_safe_link_and_other_words_stay_text():
    html = render_markdown_lite("Logs: https://logs.example.com/run?id=7 not notes.md, www.example.org, bo@example.com")

    assert (
        '<a href="https://logs.example.com/run?id=7" rel="nofollow noopener noreferrer">'
        "https://logs.example.com/run?id=7</a>"
    ) in html
    assert [tag for tag, _ in _elements(html)].count("a") == 1


def test_a_bare_address_that_is_not_a_web_one_is_not_linked():
    html = render_markdown_lite("javascript:alert(1) and ftp://files.example.com/x")

    assert "<a" not in html


def test_plain_text_keeps_the_words_and_drops_the_markup():
    text = plain_text("**Dropped** calls, see [the ticket](https://t.example.com/1) & <b>this</b>\n\n- one\n- two")

    assert text == "Dropped calls, see the ticket & <b>this</b>\none\ntwo"


def test_a_mail_link_is_kept():
    assert 'href="mailto:ana@example.com"' in render_markdown_lite("[Ana](mailto:ana@example.com)")


@pytest.mark.parametrize(
    ("text", "forbidden"),
    [
        ("<script>alert(1)</script>", "<script"),
        ("<img src=x onerror=alert(1)>", "<img"),
        ("<a href='javascript:alert(1)'>x</a>", "<a "),
        ("[x](javascript:alert(1))", "href"),
        ("[x](JavaScript:alert(1))", "href"),
        ("[x](&#106;avascript:alert(1))", "href"),
        ("[x](  javascript:alert(1))", "href"),
        ("[x](vbscript:msgbox(1))", "href"),
        ("[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", "href"),
        ("[x](//evil.example.com)", "href"),
        ("[x](/admin/)", "href"),
        ('[x](https://e.com/"onmouseover="alert(1))', 'onmouseover="'),
        # Not a markdown link (the title is followed by junk): the bare address alone is linked, the rest is text.
        ('[x](https://e.com/ "title" onclick=alert(1))', " title="),
        ("![pixel](https://tracker.example.com/p.gif)", "<img"),
        ("<style>body{display:none}</style>", "<style"),
        ("<iframe src=https://e.com></iframe>", "<iframe"),
        ("# Heading\n> quote", "<h1"),
        ("<!-- hidden --> text", "<!--"),
    ],
)
def test_hostile_input_comes_out_as_text(text, forbidden):
    html = render_markdown_lite(text)

    assert forbidden not in html
    for tag, attributes in _elements(html):
        assert tag in {"p", "br", "strong", "em", "code", "ul", "ol", "li", "a"}
        assert set(attributes) <= {"href", "rel", "start"}
        if tag == "a":
            assert attributes["href"].startswith(("https://", "http://", "mailto:"))
            assert attributes["rel"] == "nofollow noopener noreferrer"


def test_text_that_looks_like_markup_is_shown_escaped():
    html = render_markdown_lite('5 < 6 & "quotes" <b>not bold</b>')

    assert html == '<p>5 &lt; 6 &amp; "quotes" &lt;b&gt;not bold&lt;/b&gt;</p>\n'
