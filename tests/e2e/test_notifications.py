"""A person assigned an issue sees it in the header, opens it from the notifications page, and chooses a daily
e-mail digest for alerts on the profile page: in Chromium, under the Content-Security-Policy."""

import re
import time

import pytest
from playwright.sync_api import expect

from improvements import services as improvement_services
from improvements.choices import IssueStatus
from notifications.choices import EmailChoice, Event
from notifications.models import NotificationPreference
from tests import factories
from tests.celery_worker import running_worker
from tests.e2e.conftest import log_in
from tests.notifications.receiver import Receiver

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_assignee_reads_the_notification_and_chooses_a_digest(page, journey):
    # given Ana, whose login is linked to her person, and an issue assigned to her
    user = factories.UserFactory(username="ana")
    ana = factories.PersonFactory(user=user, name="Ana Assignee")
    issue = factories.IssueFactory(journey=journey, title="Refund forms lost")
    improvement_services.issue_triage(issue=issue, status=IssueStatus.INVESTIGATING, assignee=ana)

    # when she logs in, the header counts one unread notification
    log_in(page, "ana", password="password")
    link = page.get_by_role("link", name=re.compile(r"^Notifications"))
    expect(link.get_by_label("1 unread")).to_be_visible()

    # and the notifications page lists it; opening it leads to the issue and marks it read
    link.click()
    expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
    page.screenshot(path="var/notifications-page.png", full_page=True)
    page.get_by_role("button", name="Issue assigned to you: Refund forms lost").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/issues/{issue.pk}/")
    expect(page.get_by_role("link", name=re.compile(r"^Notifications")).get_by_label("1 unread")).to_have_count(0)

    # when she chooses a daily digest of alerts on her profile
    page.get_by_role("link", name="Profile").click()
    page.get_by_label("E-mail for: A new health alert on a journey I own or sit on").select_option(
        label="One daily digest"
    )
    page.get_by_role("button", name="Save notification choices").click()

    # then it is saved and shown again
    expect(page.get_by_text("Your notification choices are saved.")).to_be_visible()
    preference = NotificationPreference.objects.get(person=ana, event=Event.ALERT)
    assert preference.email == EmailChoice.DIGEST
    page.screenshot(path="var/notifications-preferences.png", full_page=True)
    assert page.problems == []


@pytest.mark.worker
def test_an_owner_connects_the_teams_slack_channel_and_its_test_message_arrives(page, journey, settings):
    # given Olu, the journey's owner, and the team's Slack channel (a real receiver on loopback)
    olu = factories.PersonFactory(user=factories.UserFactory(username="olu"), name="Olu Owner")
    factories.OwnershipFactory(journey=journey, person=olu)
    log_in(page, "olu", password="password")

    with Receiver() as slack, running_worker():
        # when he opens the chat channels from the journey page and adds the channel
        page.goto(journey.get_absolute_url())
        page.get_by_role("link", name="Chat channels").click()
        expect(page.get_by_text("No chat channel hears this journey yet")).to_be_visible()
        page.get_by_label("Slack").check()
        page.get_by_role("textbox", name="Channel:").fill("#onboarding-team")
        page.get_by_label("Incoming webhook URL").fill(slack.url)
        page.get_by_label("New health alerts").check()
        page.get_by_role("button", name="Add the channel").click()

        # then it is listed without its secret address, and a test message reaches the channel
        row = page.locator("#chat-channels tbody tr").filter(has_text="#onboarding-team")
        expect(row).to_contain_text("New health alerts")
        assert slack.url not in page.content()
        row.get_by_role("button", name="Send a test message").click()
        expect(page.get_by_text("A test message is on its way")).to_be_visible()
        deadline = time.monotonic() + 30
        while not slack.received and time.monotonic() < deadline:
            time.sleep(0.2)
        assert slack.received, "the channel heard nothing"
        assert slack.received[0]["text"].startswith("*Test message from Throughline")
        page.reload()
        messages = page.locator("#chat-messages tbody tr")
        expect(messages.first).to_contain_text("Sent")
        page.screenshot(path="var/screenshots/chat-channels.png", full_page=True)

        # and pausing it is one click
        row.get_by_role("button", name="Pause").click()
        expect(page.locator("#chat-channels")).to_contain_text("Paused")
