"""A manager invites a colleague, who chooses a password from the e-mailed link; a forgotten password is
reset by e-mail; the profile shows a new API token once. E-mail through Django's locmem backend."""

import re

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def _emailed_path(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def test_a_manager_invites_a_colleague_who_joins_from_the_emailed_link(page, browser, live_server, mailoutbox):
    # given a manager
    manager = factories.ManagerUserFactory(username="manager")
    factories.PersonFactory(user=manager, name="Mona Manager")
    factories.FunctionFactory(name="Billing", slug="billing")
    log_in(page, "manager", password="password")

    # when she invites Grace from the logins page
    page.get_by_role("link", name="Logins").click()
    page.get_by_role("link", name="Invite a person").click()
    page.get_by_label("Name").fill("Grace Hopper")
    page.get_by_label("E-mail address").fill("grace@example.org")
    page.get_by_label("Function").select_option(label="Billing")
    page.get_by_role("button", name="Send the invitation").click()

    # then the page confirms it and lists Grace as invited, never logged in
    expect(page.get_by_text("An invitation was sent to grace@example.org")).to_be_visible()
    page.get_by_label("Show").select_option(label="Never logged in")
    page.get_by_role("button", name="Filter").click()
    row = page.get_by_role("row", name=re.compile("Grace Hopper"))
    expect(row.get_by_text("Invited, not joined yet")).to_be_visible()
    expect(row.get_by_text("Never")).to_be_visible()

    # when Grace opens the link from her e-mail in her own browser and chooses a password
    assert mailoutbox[0].to == ["grace@example.org"]
    grace_context = browser.new_context(base_url=live_server.url)
    grace = grace_context.new_page()
    grace.goto(_emailed_path(mailoutbox[0]))
    expect(grace.get_by_role("heading", name="Welcome, Grace Hopper")).to_be_visible()
    grace.get_by_label("New password:", exact=True).fill("journeys-not-moments")
    grace.get_by_label("New password confirmation").fill("journeys-not-moments")
    grace.get_by_role("button", name="Set my password").click()

    # then she logs in and her profile is hers
    expect(grace.get_by_text("Your password is set")).to_be_visible()
    log_in(grace, "grace@example.org", password="journeys-not-moments")
    grace.get_by_role("link", name="Profile").click()
    expect(grace.locator("#id_function").locator("option:checked")).to_have_text("Billing")
    grace.get_by_role("button", name="Create a token").click()
    token = grace.locator("#new-api-token").inner_text()
    assert len(token) == 40
    grace.reload()
    expect(grace.locator("#new-api-token")).to_have_count(0)
    expect(grace.get_by_text("You have an API token, created on")).to_be_visible()
    grace_context.close()
    assert page.problems == []


def test_a_forgotten_password_is_reset_from_the_login_page(page, mailoutbox):
    user = factories.UserFactory(username="forgetful", email="forgetful@example.org")
    factories.PersonFactory(user=user, name="Fred Forgetful")

    page.goto("/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill("forgetful@example.org")
    page.get_by_role("button", name="Send me the link").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()

    page.goto(_emailed_path(mailoutbox[0]))
    page.get_by_label("New password:", exact=True).fill("remembered-this-time")
    page.get_by_label("New password confirmation").fill("remembered-this-time")
    page.get_by_role("button", name="Set my new password").click()
    expect(page.get_by_role("heading", name="Your password is set")).to_be_visible()

    log_in(page, "forgetful", password="remembered-this-time")
    expect(page.get_by_text("Fred Forgetful")).to_be_visible()
    assert page.problems == []
