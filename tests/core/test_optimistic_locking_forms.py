"""Optimistic locking in the edit forms (design section 10): each form carries the version it was
rendered with in a hidden field; a submit made stale by someone else's save shows a form error (or
a message, for the board's move buttons) and never overwrites what the other person saved."""

from html.parser import HTMLParser

import pytest

from improvements import services as improvements_services
from improvements.models import Initiative, Issue
from journeys.models import Journey
from journeys.services import maps as journeys_services
from tests import factories

pytestmark = pytest.mark.django_db

STALE = "changed by someone else"


class _Forms(HTMLParser):
    """What a browser would post for each form of a page: [(action, {name: value or [values]})]."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, dict]] = []
        self._fields: dict | None = None
        self._select: tuple[str, bool] | None = None
        self._textarea: str | None = None
        self._first_option: dict[str, str] = {}

    def _add(self, name: str, value: str) -> None:
        if name in self._fields:
            previous = self._fields[name]
            self._fields[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            self._fields[name] = value

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._fields = {}
            self.forms.append((attrs.get("action") or "", self._fields))
        elif self._fields is None:
            return
        elif tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "reset"} or (kind in {"checkbox", "radio"} and "checked" not in attrs):
                return
            self._add(attrs["name"], attrs.get("value", "on" if kind in {"checkbox", "radio"} else ""))
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = attrs["name"]
            self._fields[self._textarea] = ""
        elif tag == "select" and attrs.get("name"):
            self._select = (attrs["name"], "multiple" in attrs)
        elif tag == "option" and self._select:
            name, multiple = self._select
            self._first_option.setdefault(name, attrs.get("value", ""))
            if "selected" in attrs:
                self._add(name, attrs.get("value", ""))

    def handle_data(self, data):
        if self._textarea:
            self._fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select:
            name, multiple = self._select
            if not multiple and name not in self._fields:
                self._fields[name] = self._first_option.get(name, "")
            self._select = None
        elif tag == "form":
            self._fields = None


def form_on(client, page: str, *, action: str = "") -> dict:
    """The fields the form of ``page`` posting to ``action`` (default: the page itself) would send."""
    response = client.get(page)
    assert response.status_code == 200
    parser = _Forms()
    parser.feed(response.content.decode())
    for form_action, fields in parser.forms:
        if form_action in {action, page} or (not action and form_action == "" and "version" in fields):
            return dict(fields)
    raise AssertionError(f"No form posting to {action or page} on {page}: {[a for a, _ in parser.forms]}")


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def owner_client(client, owner_user):
    client.force_login(owner_user)
    return client


@pytest.fixture
def issue(journey):
    return factories.IssueFactory(journey=journey, title="Technician arrives without the router")


@pytest.fixture
def initiative(journey, issue):
    initiative = factories.InitiativeFactory(journey=journey, title="Kit check before dispatch")
    initiative.issues.add(issue)
    return initiative


def test_the_journey_edit_form_refuses_a_stale_save_and_keeps_the_other_change(owner_client, journey):
    page = f"/journeys/{journey.slug}/edit/"
    fields = form_on(owner_client, page)
    assert fields["version"] == "1"
    journeys_services.journey_update(journey=journey, name="Changed elsewhere", version=1)

    response = owner_client.post(page, {**fields, "name": "My name"})

    assert response.status_code == 200
    assert "Someone else changed this journey" in text(response)
    stored = Journey.objects.get(pk=journey.pk)
    assert (stored.name, stored.version) == ("Changed elsewhere", 2)


def test_the_issue_edit_form_refuses_a_stale_save_then_applies_it_once_the_editor_was_told(owner_client, issue):
    page = f"/issues/{issue.pk}/edit/"
    fields = form_on(owner_client, page)
    assert fields["version"] == "1"
    improvements_services.issue_edit(issue=issue, data={"title": "Changed elsewhere"}, version=1)

    refused = owner_client.post(page, {**fields, "title": "My title"})

    assert refused.status_code == 400
    assert STALE in text(refused)
    assert "Your values are kept below" in text(refused)
    stored = Issue.objects.get(pk=issue.pk)
    assert (stored.title, stored.version) == ("Changed elsewhere", 2)

    # the re-rendered form carries the current version and the editor's values: saving again is deliberate
    again = _Forms()
    again.feed(text(refused))
    resent = next(fields for _action, fields in again.forms if "version" in fields)
    assert (resent["version"], resent["title"]) == ("2", "My title")
    accepted = owner_client.post(page, resent)
    assert accepted.status_code == 302
    assert Issue.objects.get(pk=issue.pk).title == "My title"


def test_the_issue_triage_form_refuses_a_stale_save(owner_client, issue):
    page = f"/issues/{issue.pk}/"
    fields = form_on(owner_client, page, action=f"/issues/{issue.pk}/triage/")
    assert fields["version"] == "1"
    improvements_services.issue_triage(issue=issue, status="investigating", version=1)

    response = owner_client.post(f"/issues/{issue.pk}/triage/", {**fields, "status": "closed"})

    assert response.status_code == 400
    assert STALE in text(response)
    stored = Issue.objects.get(pk=issue.pk)
    assert (stored.status, stored.version) == ("investigating", 2)


def test_the_initiative_edit_form_refuses_a_stale_save(owner_client, initiative):
    page = f"/initiatives/{initiative.pk}/edit/"
    fields = form_on(owner_client, page)
    assert fields["version"] == "1"
    improvements_services.initiative_edit(initiative=initiative, data={"title": "Changed elsewhere"}, version=1)

    response = owner_client.post(page, {**fields, "title": "My title"})

    assert response.status_code == 400
    assert STALE in text(response)
    stored = Initiative.objects.get(pk=initiative.pk)
    assert (stored.title, stored.version) == ("Changed elsewhere", 2)


@pytest.mark.parametrize("page", ["detail", "board"])
def test_a_stale_move_of_an_initiative_is_refused_with_a_message(owner_client, initiative, page):
    url = f"/initiatives/{initiative.pk}/" if page == "detail" else "/initiatives/"
    action = f"/initiatives/{initiative.pk}/transition/"
    fields = form_on(owner_client, url, action=action)
    assert fields["version"] == "1"
    improvements_services.initiative_transition(initiative=initiative, status="approved", version=1)

    response = owner_client.post(action, {**fields, "status": "cancelled"}, follow=True)

    assert STALE in text(response)
    stored = Initiative.objects.get(pk=initiative.pk)
    assert (stored.status, stored.version) == ("approved", 2)


@pytest.mark.parametrize(
    ("url", "change"),
    [
        ("/journeys/onboarding/edit/", {"name": "Without a version"}),
        ("/issues/{issue}/edit/", {"title": "Without a version"}),
        ("/issues/{issue}/triage/", {"status": "investigating"}),
        ("/initiatives/{initiative}/edit/", {"title": "Without a version"}),
        ("/initiatives/{initiative}/transition/", {"status": "approved"}),
    ],
)
def test_a_form_posted_without_its_version_changes_nothing(owner_client, journey, issue, initiative, url, change):
    url = url.format(issue=issue.pk, initiative=initiative.pk)
    page = url if url.endswith("/edit/") else None
    fields = form_on(owner_client, page) if page else {}
    fields.pop("version", None)

    response = owner_client.post(url, {**fields, **change}, follow=True)

    assert "out of date" in text(response) or "This field is required" in text(response)
    assert Journey.objects.get(pk=journey.pk).version == 1
    assert Issue.objects.get(pk=issue.pk).version == 1
    assert Initiative.objects.get(pk=initiative.pk).version == 1
