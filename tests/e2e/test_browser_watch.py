"""The browser suite's own watch: what it forgives and what it reports, in Chromium."""

from tests.e2e.conftest import watch_for_problems

ADD_SCRIPT = "src => { const s = document.createElement('script'); s.src = src; document.head.appendChild(s); }"


def _page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    return context, page, watch_for_problems(page)


def test_a_script_cancelled_because_the_page_moved_on_is_not_a_problem(browser, live_server):
    # given a page whose script is still loading (the route holds it and never answers)
    context, page, problems = _page(browser, live_server)
    held = []
    page.route("**/static/held.js", lambda route: held.append(route))
    page.goto("/accounts/login/")
    with page.expect_request("**/static/held.js"):
        page.evaluate(ADD_SCRIPT, "/static/held.js")

    # when the person moves on before it arrives
    with page.expect_event("requestfailed") as failed:
        page.goto("/accounts/login/?next=/")

    # then Chromium cancelled the load, and the watch does not count it
    assert failed.value.failure == "net::ERR_ABORTED"
    assert problems == []
    context.close()


def test_a_request_aborted_while_the_page_stays_is_reported(browser, live_server):
    # given a page that stays where it is
    context, page, problems = _page(browser, live_server)
    page.route("**/static/broken.js", lambda route: route.abort("aborted"))
    page.goto("/accounts/login/")

    # when one of its requests is aborted with the same error
    with page.expect_event("requestfailed"):
        page.evaluate(ADD_SCRIPT, "/static/broken.js")

    # then the watch reports it
    assert [problem for problem in problems if "broken.js" in problem] == [
        f"request failed: GET {live_server.url}/static/broken.js net::ERR_ABORTED"
    ]
    context.close()
