"""Browser tests assert with Playwright's waiting `expect`, not with answers taken at one instant.

`locator.is_visible()`, `is_hidden()`, `count()`, `input_value()` and `get_attribute()` read the page as
it is at that moment; after a click that navigates it may still be the old page, or none. CI failed on
exactly that (`assert row.get_by_text(...).is_visible()` right after clicking "Filter"), so this test
reads every browser test and names each assertion that does not wait.
"""

import re
from pathlib import Path

BROWSER_TESTS = Path(__file__).resolve().parent
INSTANT = re.compile(
    r"^\s*assert\b.*\.(is_visible|is_hidden|is_enabled|is_disabled|is_checked|input_value|get_attribute)\("
)
# a locator's count() compared for equality (to_have_count waits); a queryset's count is not the page's
INSTANT_COUNT = re.compile(r"^\s*assert\b(?!.*\.objects\.).*\.count\(\)\s*==")


def instant_assertions(source: str) -> list[int]:
    """The line numbers of assertions that read the page without waiting."""
    return [
        number
        for number, line in enumerate(source.splitlines(), start=1)
        if INSTANT.search(line) or INSTANT_COUNT.search(line)
    ]


def test_the_check_finds_an_assertion_that_does_not_wait_and_passes_one_that_does():
    source = "\n".join(
        [
            'expect(page.get_by_text("Saved")).to_be_visible()',
            'assert page.get_by_text("Saved").is_visible()',
            'assert not page.locator(".badge").is_visible()',
            'assert page.locator("#secret").count() == 0',
            "assert Issue.objects.filter(journey=journey).count() == 1",
            'assert box.input_value() == "x"',
        ]
    )
    assert instant_assertions(source) == [2, 3, 4, 6]


def test_no_browser_test_asserts_on_the_page_without_waiting():
    found = {
        f"{path.name}:{number}"
        for path in sorted(BROWSER_TESTS.glob("test_*.py"))
        if path.name != Path(__file__).name
        for number in instant_assertions(path.read_text())
    }
    assert not found, "use expect(...) so the assertion waits for the page: " + ", ".join(sorted(found))
