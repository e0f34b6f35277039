"""A journey team member comments on an issue and calls a colleague in with @name: in Chromium, under the
Content-Security-Policy, once with the autocomplete (JavaScript on) and once typed by hand (JavaScript off).
The colleague then sees the mention in the header and on the notifications page."""

import re

import pytest
from playwright.sync_api import expect

from improvements.models import Comment
from notifications.choices import Event
from notifications.models import Notification
from tests import factories
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people(journey):
    """Tess, on the onboarding team, and Bo, a colleague with a login; an open issue on the journey."""
    tess = factories.PersonFactory(user=factories.UserFactory(username="tess"), name="Tess Team")
    factories.TeamMembershipFactory(journey=journey, person=tess)
    bo = factories.PersonFactory(
        user=factories.UserFactory(username="bo.silva"), name="Bo Silva", title="Support lead", email="bo@example.com"
    )
    # a second "Bo" so that the list has a choice to make with the keyboard
    factories.PersonFactory(user=factories.UserFactory(username="bob.stone"), name="Bob Stone")
    issue = factories.IssueFactory(journey=journey, title="Welcome e-mail lands in spam")
    return tess, bo, issue


def _mentions_of(person):
    return list(Notification.objects.filter(recipient=person, event=Event.MENTION).values_list("title", flat=True))


def test_a_team_member_picks_a_colleague_from_the_autocomplete_and_the_colleague_is_told(page, people):
    tess, bo, issue = people

    # given Tess on the issue page
    log_in(page, "tess", password="password")
    page.goto(issue.get_absolute_url())
    box = page.get_by_label("Comment:", exact=True)
    suggestions = page.get_by_role("listbox", name="People to mention")
    expect(suggestions).to_be_hidden()

    # when she types "@bo" the autocomplete lists both people whose name starts so, Bo Silva first
    box.click()
    box.press_sequentially("Could you check this, @bo")
    options = suggestions.get_by_role("option")
    options.first.wait_for()
    expect(suggestions).to_be_visible()
    assert [text.split(" @")[0] for text in options.all_inner_texts()] == ["Bo Silva", "Bob Stone"]
    expect(options.first).to_have_attribute("aria-selected", "true")
    page.screenshot(path="var/screenshots/comment-autocomplete.png", full_page=True)

    # and she moves down and back up with the keyboard and picks Bo Silva with Enter
    box.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    box.press("ArrowUp")
    expect(options.first).to_have_attribute("aria-selected", "true")
    box.press("Enter")

    # then the box holds the login name, the list is gone and she writes on
    expect(box).to_have_value("Could you check this, @bo.silva ")
    expect(suggestions).to_be_hidden()
    box.press_sequentially("**today**? See [the log](https://example.com/log) and [this](javascript:alert(1)), cc @bob")

    # and a click on Bob Stone in the list writes his login name where the caret is
    suggestions.get_by_role("option", name=re.compile(r"^Bob Stone")).click()
    expect(box).to_have_value(re.compile(r", cc @bob\.stone $"))
    expect(suggestions).to_be_hidden()
    page.get_by_role("button", name="Post comment").click()
    page.wait_for_load_state("networkidle")

    # the comment appears rendered: bold as <strong>, the web link safe, the javascript: link plain text
    expect(page.get_by_text("Comment posted; Bo Silva, Bob Stone will be told.")).to_be_visible()
    comment = Comment.objects.get()
    assert page.url.endswith(f"/issues/{issue.pk}/#comment-{comment.pk}")
    body = page.locator(f"#comment-{comment.pk} .comment-body")
    expect(body.locator("strong")).to_have_text("today")
    link = body.get_by_role("link", name="the log")
    expect(link).to_have_attribute("href", "https://example.com/log")
    expect(link).to_have_attribute("rel", "nofollow noopener noreferrer")
    expect(body.locator("a")).to_have_count(1)
    expect(body).to_contain_text("javascript:alert(1)")
    expect(body).to_contain_text("@bo.silva")
    assert sorted(person.name for person in comment.mentioned.all()) == ["Bo Silva", "Bob Stone"]
    page.screenshot(path="var/screenshots/comment-posted.png", full_page=True)
    assert page.problems == []

    # when Bo logs in, the header counts one unread notification and the page lists the mention
    page.context.clear_cookies()
    log_in(page, "bo.silva", password="password")
    notifications = page.get_by_role("link", name=re.compile(r"^Notifications"))
    expect(notifications.get_by_label("1 unread")).to_be_visible()
    notifications.click()
    mention = page.get_by_role("button", name=f"Tess Team mentioned you on the issue {issue.title}")
    expect(mention).to_be_visible()
    page.screenshot(path="var/screenshots/comment-mention-notification.png", full_page=True)

    # and opening it leads to the issue
    mention.click()
    page.wait_for_load_state("networkidle")
    assert f"/issues/{issue.pk}/" in page.url
    expect(page.locator(f"#comment-{comment.pk}")).to_be_visible()
    assert page.problems == []


def test_without_javascript_a_typed_full_name_mention_resolves(browser, live_server, people):
    tess, bo, issue = people
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    context.set_default_timeout(15_000)
    page = context.new_page()
    server_errors = []
    page.on("response", lambda resp: resp.status >= 500 and server_errors.append(f"HTTP {resp.status}: {resp.url}"))
    try:
        # given Tess on the issue page with JavaScript off: no list, the box is a plain text area
        log_in(page, "tess", password="password")
        page.goto(issue.get_absolute_url())
        expect(page.get_by_role("listbox", name="People to mention")).to_be_hidden()

        # when she types the full name by hand and posts
        page.get_by_label("Comment:", exact=True).fill("@Bo Silva the welcome e-mail is *still* in spam")
        page.get_by_role("button", name="Post comment").click()

        # then the mention resolves: Bo gets a notification and the page shows the comment
        comment = Comment.objects.get()
        expect(page.get_by_text("Comment posted; Bo Silva will be told.")).to_be_visible()
        body = page.locator(f"#comment-{comment.pk} .comment-body")
        assert body.inner_text().strip() == "@Bo Silva the welcome e-mail is still in spam"
        expect(body.locator("em")).to_have_text("still")
        assert list(comment.mentioned.all()) == [bo]
        assert _mentions_of(bo) == [f"Tess Team mentioned you on the issue {issue.title}"]
        page.screenshot(path="var/screenshots/comment-without-javascript.png", full_page=True)
    finally:
        context.close()
    assert server_errors == []
