"""Browser tests: Playwright for Python driving Debian's Chromium against pytest-django's live server.

Each test gets a fresh page; the suite fails a test on any JavaScript console error, uncaught page
error, failed request or server error, and saves a full-page screenshot under var/screenshots/ of
each test that failed (of every test with E2E_SCREENSHOTS=all).
"""

import io
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from playwright.sync_api import sync_playwright

from core.authentication import forget_all
from tests.database_copy import DatabaseCopy, row_counts, tables_in_dependency_order

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
DEMO_PASSWORD = "throughline-demo"


def pytest_configure(config):
    # Playwright's sync API runs an event loop in this thread; Django must still be allowed to query.
    # Django reads the variable at each query, so setting it when this conftest loads is early enough.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.path):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install it with `apt-get install chromium` (see README).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keeps each phase's report on the test, so the page fixture knows whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def _failed(item) -> bool:
    return any(getattr(getattr(item, f"report_{when}", None), "failed", False) for when in ("setup", "call"))


FAVICON = "/img/favicon."  # templates/base.html's icon link (static/img/favicon.svg, with or without a hash)


class BrowserProblems(list):
    """Everything that went wrong in the page, reported at the end of the test."""


class NavigationClock:
    """Tells a request the browser cancelled because its page navigated away from it.

    A test that submits a form while the page's scripts are still loading makes Chromium abort those
    loads with net::ERR_ABORTED, as any browser does when a person clicks before a page has finished.
    That is not a fault of the page; an abort with no navigation after the request was sent still is.
    """

    def __init__(self):
        self.count = 0
        self.sent_at = {}

    def saw(self, request):
        if request.is_navigation_request():
            self.count += 1
        self.sent_at[request] = self.count

    def cancelled(self, request) -> bool:
        if request.failure != "net::ERR_ABORTED" or request.is_navigation_request():
            return False
        navigated_since = self.count > self.sent_at.get(request, self.count)
        # The tab's icon is fetched by the browser for itself, late and at low priority, and dropped whenever
        # the tab moves on or closes: its abort says nothing about the page (a missing icon would be a 404).
        return navigated_since or FAVICON in urlsplit(request.url).path


def watch_for_problems(page) -> BrowserProblems:
    """Collects console errors, page errors, failed requests and server errors as the page runs."""
    problems = BrowserProblems()
    navigations = NavigationClock()
    page.on("console", lambda message: message.type == "error" and problems.append(f"console: {message.text}"))
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("request", navigations.saw)
    page.on(
        "requestfailed",
        lambda req: (
            navigations.cancelled(req) or problems.append(f"request failed: {req.method} {req.url} {req.failure}")
        ),
    )
    page.on("response", lambda resp: resp.status >= 500 and problems.append(f"HTTP {resp.status}: {resp.url}"))
    return problems


@pytest.fixture
def page(browser, live_server, request):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.problems = watch_for_problems(page)
    yield page
    if page.problems or _failed(request.node) or os.environ.get("E2E_SCREENSHOTS") == "all":
        # A full-page screenshot costs about a second on a long page: kept for what needs looking at.
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    problems = list(page.problems)  # what the test's pages did: closing the context aborts what is still loading
    context.close()
    assert not problems, "the browser reported problems:\n" + "\n".join(problems)


def log_in(page, username: str, password: str = DEMO_PASSWORD):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("networkidle")


# The smallest demo in which onboarding is still at risk with the touchpoint paradox (and its
# first-time subscribers critical): a few seconds to load, so every test gets a fresh copy.
DEMO_SCALE = 0.03
# Daily snapshots backfilled before today: enough points for the trend chart and its table.
DEMO_HISTORY_DAYS = 14
# The first load of each demo in this test process, to be put back for the next test that wants it.
_LOADED: dict[tuple, DatabaseCopy] = {}


def seed_demo_organisation(*, history_days: int = DEMO_HISTORY_DAYS, scale: float = DEMO_SCALE) -> None:
    """Load the demo organisation into the live server's database, with ``history_days`` of health.

    The first load in a test process is copied (tests/database_copy.py); a later test asking for the
    same demo on the same day, in a database emptied as the first one was, gets that copy back: the
    same rows in a tenth of the time.
    """
    tables = tables_in_dependency_order()
    # The state the demo goes into: the first transactional test of a process still has the rows
    # of the data migrations (the beat schedule), the later ones have what the flush left.
    counts_before = row_counts(tables)
    key = (connection.vendor, timezone.now().date(), timezone.localdate(), scale, history_days, counts_before)
    copied = _LOADED.get(key)
    if copied is not None:
        copied.restore()
        ContentType.objects.clear_cache()
        forget_all()
        return
    output = io.StringIO()
    call_command("seed_demo", scale=scale, no_recompute=True, stdout=output)
    call_command("recompute_health", since=history_days, verbosity=0, stdout=output)
    _LOADED[key] = DatabaseCopy.take(tables=tables, counts_before=counts_before)


@pytest.fixture
def demo(transactional_db, live_server):
    """The demo organisation (Meridian Group), loaded for this test.

    live_server tests run on a transactional database that is emptied after each test, so each test
    loads its own copy; the users are the demo logins (owner, teammate, manager, admin, integration,
    viewer) with the demo password.
    """
    seed_demo_organisation()
