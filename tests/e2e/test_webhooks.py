"""A manager connects another system: adds a webhook to a real loopback receiver, copies the secret shown
once, sends a test event that a real Celery worker delivers, and reads the delivery log."""

import json
import re

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.celery_worker import running_worker
from tests.e2e.conftest import log_in
from tests.webhooks.conftest import verify_signature  # noqa: F401  (the docs' snippet, as a fixture)
from tests.webhooks.receiver import running_receiver

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_manager_adds_a_webhook_and_sends_it_a_test_event(page, verify_signature):  # noqa: F811
    manager = factories.ManagerUserFactory(username="manager")
    factories.PersonFactory(user=manager, name="Mona Manager")
    log_in(page, "manager", password="password")

    with running_receiver() as receiver, running_worker():
        # when she adds a webhook from the header's link
        page.get_by_role("link", name="Webhooks").click()
        expect(page.get_by_text("No webhooks yet.")).to_be_visible()
        page.get_by_role("link", name="Add a webhook").click()
        page.get_by_label("Name:", exact=True).fill("Jira bridge")
        page.get_by_label("Target URL").fill("ftp://example.org/hooks")
        page.get_by_label("An issue was logged (issue.created)").check()
        page.get_by_label("An issue was resolved (issue.resolved)").check()
        page.get_by_role("button", name="Add the webhook").click()
        # then a wrong address is explained next to its field
        expect(page.get_by_text("Use an http:// or https:// address.")).to_be_visible()
        # the refused form is answered 400, which Chromium reports on its console: expected here, once
        assert page.problems == [
            "console: Failed to load resource: the server responded with a status of 400 (Bad Request)"
        ]
        page.problems.clear()
        page.get_by_label("Target URL").fill(receiver.url)
        page.get_by_role("button", name="Add the webhook").click()

        # then the secret is shown once
        expect(page.get_by_role("heading", name="Jira bridge")).to_be_visible()
        secret = page.locator("#webhook-secret").inner_text()
        assert secret.startswith("whsec_")
        expect(page.get_by_text("Nothing sent yet.")).to_be_visible()

        # when she sends a test event, the worker delivers it to the receiver
        page.get_by_role("button", name="Send a test event").click()
        expect(page.get_by_text("A test event is on its way")).to_be_visible()
        expect(page.locator("#webhook-secret")).to_have_count(0)
        (request,) = receiver.wait_for(1, timeout=30)
        for _ in range(30):
            page.reload()
            if page.get_by_role("cell", name="Delivered").count():
                break
            page.wait_for_timeout(300)

    # then the receiver could check the signature with the secret she copied, and the log says delivered
    assert verify_signature(secret, request.headers["Throughline-Signature"], request.body)
    assert json.loads(request.body)["type"] == "webhook.test"
    row = page.get_by_role("row", name=re.compile("webhook.test"))
    expect(row.get_by_text("Delivered")).to_be_visible()
    expect(row.get_by_role("cell", name="200")).to_be_visible()

    # and the list shows it sending, with one delivery
    page.get_by_role("link", name="Webhooks").first.click()
    listed = page.get_by_role("row", name=re.compile("Jira bridge"))
    expect(listed.get_by_text("On")).to_be_visible()
    expect(listed).to_contain_text("An issue was logged, An issue was resolved")
