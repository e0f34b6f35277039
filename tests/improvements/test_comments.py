"""Comments with mentions on issues and initiatives: services, mentions, notifications, pages, API."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from core.errors import ApplicationError
from improvements import services
from improvements.mentions import resolve_mentions
from improvements.models import Comment
from notifications.choices import Event
from notifications.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock(monkeypatch):
    """``clock.at(moment)`` / ``clock.advance(minutes=...)``: what timezone.now answers."""

    class Clock:
        now = START

        def at(self, moment):
            self.now = moment

        def advance(self, **delta):
            self.now += dt.timedelta(**delta)

    clock = Clock()
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    return clock


@pytest.fixture
def colleague(db):
    user = factories.UserFactory(username="bo.silva")
    return factories.PersonFactory(user=user, name="Bo Silva", email="bo@example.com")


def _mentions_of(person):
    return list(Notification.objects.filter(recipient=person, event=Event.MENTION).values_list("title", flat=True))


# --- mentions ----------------------------------------------------------------------------------


def test_a_mention_by_login_name_or_by_full_name_finds_the_person(colleague):
    ana = factories.PersonFactory(name="Ana Lima", user=factories.UserFactory(username="ana"))

    found = resolve_mentions("Thanks @bo.silva, and @Ana Lima: can you look?")

    assert found == [colleague, ana]


def test_the_longest_name_wins_and_case_does_not_matter(db):
    ana = factories.PersonFactory(name="Ana")
    ana_lima = factories.PersonFactory(name="Ana Lima")

    assert resolve_mentions("@ana lima please") == [ana_lima]
    assert resolve_mentions("@Ana, please") == [ana]


def test_an_email_address_a_shared_name_or_an_inactive_person_is_no_mention(db):
    factories.PersonFactory(name="Kim Park")
    factories.PersonFactory(name="Kim Park")
    factories.PersonFactory(name="Lee Gone", is_active=False)
    factories.PersonFactory(name="Example", user=factories.UserFactory(username="example.com"))

    assert resolve_mentions("write to ops@example.com, @Kim Park or @Lee Gone") == []


def test_a_name_must_end_at_a_word_boundary(db):
    factories.PersonFactory(name="Bo")

    assert resolve_mentions("@Bob said") == []


def test_mentions_cost_one_query_however_many(colleague, django_assert_num_queries):
    factories.PersonFactory(name="Ana Lima")
    with django_assert_num_queries(1):
        found = resolve_mentions(" ".join(["@Ana Lima @bo.silva @nobody"] * 5))
    assert [person.name for person in found] == ["Ana Lima", "Bo Silva"]


# --- services ----------------------------------------------------------------------------------


def test_posting_a_comment_mentions_and_notifies_the_colleague_once_after_commit(
    issue, team_user, colleague, clock, django_capture_on_commit_callbacks
):
    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        comment = services.comment_post(item=issue, author=team_user.person, body="@bo.silva seen it? @bo.silva")
    # then
    assert list(comment.mentioned.all()) == [colleague]
    assert len(callbacks) == 1
    assert _mentions_of(colleague) == [f"Team Person mentioned you on the issue {issue.title}"]
    notification = Notification.objects.get(recipient=colleague)
    assert notification.url == f"/issues/{issue.pk}/#comment-{comment.pk}"
    assert notification.journey == issue.journey
    assert notification.body == "@bo.silva seen it? @bo.silva"


def test_the_notification_quotes_the_comment_as_plain_text(
    issue, team_user, colleague, django_capture_on_commit_callbacks
):
    body = "@bo.silva the **second** call drops: see [T-12](https://tickets.example.com/T-12)\n\n- after 5 pm"
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_post(item=issue, author=team_user.person, body=body)

    assert Notification.objects.get(recipient=colleague).body == "@bo.silva the second call drops: see T-12\nafter 5 pm"


def test_nobody_is_told_before_the_comment_commits(issue, team_user, colleague, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        services.comment_post(item=issue, author=team_user.person, body="@bo.silva")

    assert _mentions_of(colleague) == []


def test_mentioning_oneself_tells_nobody(issue, team_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        comment = services.comment_post(item=issue, author=team_user.person, body="Note to self, @teammate")

    assert list(comment.mentioned.all()) == []
    assert not Notification.objects.filter(event=Event.MENTION).exists()


def test_an_edit_tells_only_the_people_it_adds(issue, team_user, colleague, clock, django_capture_on_commit_callbacks):
    ana = factories.PersonFactory(name="Ana Lima")
    with django_capture_on_commit_callbacks(execute=True):
        comment = services.comment_post(item=issue, author=team_user.person, body="@Bo Silva have a look")
    clock.advance(minutes=5)

    with django_capture_on_commit_callbacks(execute=True):
        services.comment_edit(comment=comment, author=team_user.person, body="@Bo Silva and @Ana Lima have a look")
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_edit(comment=comment, author=team_user.person, body="@Bo Silva, @Ana Lima: look")

    assert len(_mentions_of(colleague)) == 1
    assert len(_mentions_of(ana)) == 1
    comment.refresh_from_db()
    assert comment.edited_at == START + dt.timedelta(minutes=5)
    assert set(comment.mentioned.all()) == {colleague, ana}


def test_a_comment_on_an_initiative_names_the_initiative(
    initiative, team_user, colleague, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        comment = services.comment_post(item=initiative, author=team_user.person, body="@bo.silva numbers?")

    assert comment.journey == initiative.journey
    assert _mentions_of(colleague) == [f"Team Person mentioned you on the initiative {initiative.title}"]


def test_an_empty_comment_is_refused_and_nothing_is_saved(issue, team_user):
    with pytest.raises(services.ValidationError) as refused:
        services.comment_post(item=issue, author=team_user.person, body="   \n ")

    assert refused.value.message_dict == {"body": ["Write something before posting."]}
    assert not Comment.objects.exists()


def test_the_author_edits_within_15_minutes_but_not_after(issue, team_user, clock):
    comment = services.comment_post(item=issue, author=team_user.person, body="First take")
    clock.advance(minutes=14, seconds=59)
    services.comment_edit(comment=comment, author=team_user.person, body="Second take")
    clock.advance(seconds=1)

    with pytest.raises(ApplicationError) as refused:
        services.comment_edit(comment=comment, author=team_user.person, body="Third take")
    with pytest.raises(ApplicationError):
        services.comment_delete(comment=comment, author=team_user.person)

    assert "first 15 minutes" in refused.value.message
    comment.refresh_from_db()
    assert comment.body == "Second take"


def test_only_the_author_may_edit_or_delete(issue, team_user, owner_user, clock):
    comment = services.comment_post(item=issue, author=team_user.person, body="Mine")

    with pytest.raises(ApplicationError, match="Only the author"):
        services.comment_edit(comment=comment, author=owner_user.person, body="Theirs")
    with pytest.raises(ApplicationError, match="Only the author"):
        services.comment_delete(comment=comment, author=owner_user.person)

    assert Comment.objects.get().body == "Mine"


def test_posting_editing_and_deleting_are_audited(issue, team_user, clock):
    comment = services.comment_post(item=issue, author=team_user.person, body="One")
    services.comment_edit(comment=comment, author=team_user.person, body="Two")
    services.comment_delete(comment=comment, author=team_user.person)

    assert list(Comment.history.order_by("history_id").values_list("history_type", "body")) == [
        ("+", "One"),
        ("~", "Two"),
        ("-", "Two"),
    ]


# --- pages -------------------------------------------------------------------------------------


def test_a_viewer_reads_the_thread_but_gets_no_form(client, viewer_user, issue, team_user):
    factories.CommentFactory(issue=issue, author=team_user.person, body="**Seen** it")
    client.force_login(viewer_user)

    page = client.get(issue.get_absolute_url()).content.decode()

    assert "<strong>Seen</strong> it" in page
    assert "Post comment" not in page
    assert "Edit or delete" not in page


def test_an_empty_thread_invites_a_mention(client, team_user, issue):
    client.force_login(team_user)

    page = client.get(issue.get_absolute_url()).content.decode()

    assert "No comments yet - ask a colleague with @name." in page
    assert "Post comment" in page


def test_a_viewer_cannot_post(client, viewer_user, issue):
    client.force_login(viewer_user)

    response = client.post(reverse("improvements:issue-comment", args=[issue.pk]), {"body": "Hello"})

    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_a_team_member_posts_a_plain_text_mention_that_resolves(
    client, team_user, issue, colleague, django_capture_on_commit_callbacks
):
    client.force_login(team_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("improvements:issue-comment", args=[issue.pk]), {"body": "@Bo Silva can you check?"}
        )

    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/issues/{issue.pk}/#comment-{comment.pk}"
    assert _mentions_of(colleague) == [f"Team Person mentioned you on the issue {issue.title}"]
    page = client.get(response["Location"]).content.decode()
    assert "Comment posted; Bo Silva will be told." in page


def test_an_empty_comment_on_the_page_is_a_form_error(client, team_user, issue):
    client.force_login(team_user)

    response = client.post(reverse("improvements:issue-comment", args=[issue.pk]), {"body": "  "})

    assert response.status_code == 400
    assert "Write something before posting." in response.content.decode()
    assert not Comment.objects.exists()


def test_the_edit_link_goes_after_15_minutes_and_the_server_refuses(client, team_user, issue, clock):
    comment = services.comment_post(item=issue, author=team_user.person, body="Draft")
    client.force_login(team_user)
    assert "Edit or delete" in client.get(issue.get_absolute_url()).content.decode()

    clock.advance(minutes=15)
    page = client.get(issue.get_absolute_url()).content.decode()
    edit = client.post(reverse("improvements:comment-edit", args=[comment.pk]), {"body": "Changed"})
    delete = client.post(reverse("improvements:comment-delete", args=[comment.pk]))

    assert "Edit or delete" not in page
    assert edit.status_code == 409
    assert "minutes to edit or delete this comment are over" in edit.content.decode()
    assert delete.status_code == 409
    assert Comment.objects.get().body == "Draft"


def test_the_author_edits_and_deletes_from_the_edit_page(client, team_user, issue, clock):
    comment = services.comment_post(item=issue, author=team_user.person, body="Draft")
    client.force_login(team_user)

    edited = client.post(reverse("improvements:comment-edit", args=[comment.pk]), {"body": "Final *words*"})
    page = client.get(issue.get_absolute_url()).content.decode()
    deleted = client.post(reverse("improvements:comment-delete", args=[comment.pk]))

    assert edited.status_code == 302
    assert "Final <em>words</em>" in page
    assert "(edited)" in page
    assert deleted.status_code == 302
    assert not Comment.objects.exists()


def test_someone_else_cannot_open_the_edit_page(client, owner_user, team_user, issue, clock):
    comment = services.comment_post(item=issue, author=team_user.person, body="Draft")
    client.force_login(owner_user)

    assert client.get(reverse("improvements:comment-edit", args=[comment.pk])).status_code == 403
    assert client.post(reverse("improvements:comment-delete", args=[comment.pk])).status_code == 403
    assert Comment.objects.count() == 1


def test_comments_appear_in_the_items_history_even_once_deleted(client, owner_user, team_user, issue, clock):
    client.force_login(team_user)
    client.post(reverse("improvements:issue-comment", args=[issue.pk]), {"body": "Root cause is the IVR"})
    clock.advance(minutes=2)
    client.post(reverse("improvements:comment-delete", args=[Comment.objects.get().pk]))
    client.force_login(owner_user)

    page = client.get(issue.get_absolute_url()).content.decode()

    history = " ".join(page[page.index('id="history-title"') :].split())
    assert not Comment.objects.exists()
    assert history.count("Root cause is the IVR") == 2  # posted, then deleted
    assert "<strong>Team Person</strong> commented" in history
    assert "<strong>Team Person</strong> deleted a comment" in history


def test_the_initiative_page_shows_its_thread(client, team_user, initiative):
    factories.CommentFactory(initiative=initiative, issue=None, author=team_user.person, body="Pilot *live*")
    client.force_login(team_user)

    page = client.get(initiative.get_absolute_url()).content.decode()

    assert "Pilot <em>live</em>" in page
    assert f'action="/initiatives/{initiative.pk}/comments/"' in page


def test_the_issue_page_costs_the_same_queries_with_many_comments(
    client, team_user, issue, django_assert_max_num_queries
):
    client.force_login(team_user)
    for n in range(30):
        factories.CommentFactory(issue=issue, author=factories.PersonFactory(), body=f"Comment {n}")

    with django_assert_max_num_queries(16):
        response = client.get(issue.get_absolute_url())

    assert response.content.decode().count('class="comment"') == 30


def test_the_initiative_page_costs_the_same_queries_with_many_comments(
    client, owner_user, initiative, django_assert_max_num_queries
):
    client.force_login(owner_user)
    for n in range(30):
        factories.CommentFactory(initiative=initiative, issue=None, author=factories.PersonFactory(), body=f"C {n}")

    with django_assert_max_num_queries(21):
        response = client.get(initiative.get_absolute_url())

    assert response.content.decode().count('class="comment"') == 30


# --- the autocomplete --------------------------------------------------------------------------


def test_the_autocomplete_lists_active_people_by_name_or_login_name(client, team_user, colleague):
    factories.PersonFactory(name="Bob Gone", is_active=False)
    factories.PersonFactory(name="Ana Bosch")
    client.force_login(team_user)

    by_name = client.get(reverse("improvements:mention-people"), {"q": "bo"}).json()["results"]
    by_login = client.get(reverse("improvements:mention-people"), {"q": "bo.s"}).json()["results"]

    assert [(person["name"], person["mention"]) for person in by_name] == [
        ("Ana Bosch", "@Ana Bosch"),
        ("Bo Silva", "@bo.silva"),
    ]
    assert [person["name"] for person in by_login] == ["Bo Silva"]


def test_the_autocomplete_answers_nothing_for_nothing_and_needs_a_login(client, team_user):
    assert client.get(reverse("improvements:mention-people"), {"q": "a"}).status_code == 302
    client.force_login(team_user)
    assert client.get(reverse("improvements:mention-people"), {"q": "  "}).json() == {"results": []}


def test_the_autocomplete_costs_constant_queries(client, team_user, django_assert_max_num_queries):
    for n in range(20):
        factories.PersonFactory(name=f"Sam {n}", user=factories.UserFactory(username=f"sam{n}"))
    client.force_login(team_user)

    with django_assert_max_num_queries(4):
        results = client.get(reverse("improvements:mention-people"), {"q": "sam"}).json()["results"]

    assert len(results) == 8


# --- API ---------------------------------------------------------------------------------------


def test_the_api_lists_and_creates_comments_on_an_issue(
    api_client, team_user, issue, colleague, django_capture_on_commit_callbacks
):
    api_client.force_authenticate(team_user)
    url = f"/api/v1/issues/{issue.pk}/comments/"

    with django_capture_on_commit_callbacks(execute=True):
        created = api_client.post(url, {"body": "[log](https://logs.example.com) @bo.silva"}, format="json")
    listed = api_client.get(url)

    assert created.status_code == 201
    body = created.json()
    assert body["mentioned"] == [{"id": colleague.pk, "name": "Bo Silva"}]
    assert body["author"]["name"] == "Team Person"
    assert 'rel="nofollow noopener noreferrer"' in body["body_html"]
    assert [comment["id"] for comment in listed.json()] == [body["id"]]
    assert len(_mentions_of(colleague)) == 1


def test_the_api_refuses_a_viewer_and_bad_input(api_client, viewer_user, team_user, initiative):
    url = f"/api/v1/initiatives/{initiative.pk}/comments/"
    api_client.force_authenticate(viewer_user)
    refused = api_client.post(url, {"body": "Hi"}, format="json")
    api_client.force_authenticate(team_user)
    empty = api_client.post(url, {"body": ""}, format="json")
    too_long = api_client.post(url, {"body": "x" * 5001}, format="json")

    assert refused.status_code == 403
    assert empty.status_code == 400
    assert "body" in empty.json()
    assert too_long.status_code == 400
    assert not Comment.objects.exists()


def test_the_api_edit_and_delete_follow_the_15_minutes(api_client, team_user, owner_user, issue, clock):
    comment = services.comment_post(item=issue, author=team_user.person, body="Draft")
    url = f"/api/v1/comments/{comment.pk}/"
    api_client.force_authenticate(owner_user)
    not_author = api_client.patch(url, {"body": "Hijack"}, format="json")
    api_client.force_authenticate(team_user)
    edited = api_client.patch(url, {"body": "Better"}, format="json")
    clock.advance(minutes=16)
    late_edit = api_client.put(url, {"body": "Too late"}, format="json")
    late_delete = api_client.delete(url)

    assert not_author.status_code == 403
    assert edited.status_code == 200
    assert edited.json()["edited_at"] is not None
    assert late_edit.status_code == 409
    assert "first 15 minutes" in late_edit.json()["detail"]
    assert late_delete.status_code == 409
    assert Comment.objects.get().body == "Better"


def test_the_api_thread_costs_constant_queries(api_client, team_user, issue, django_assert_max_num_queries):
    for n in range(25):
        comment = factories.CommentFactory(issue=issue, author=factories.PersonFactory(), body=f"C {n}")
        comment.mentioned.add(factories.PersonFactory())
    api_client.force_authenticate(team_user)

    with django_assert_max_num_queries(6):
        response = api_client.get(f"/api/v1/issues/{issue.pk}/comments/")

    assert len(response.json()) == 25
    assert all(len(comment["mentioned"]) == 1 for comment in response.json())


def test_the_comment_feed_filters_by_journey_and_mention_in_constant_queries(
    api_client, viewer_user, issue, other_journey, colleague, django_assert_max_num_queries
):
    elsewhere = factories.IssueFactory(journey=other_journey)
    for n in range(12):
        comment = factories.CommentFactory(issue=issue if n % 2 else elsewhere, body=f"C {n}")
        if n % 3 == 0:
            comment.mentioned.add(colleague)
    api_client.force_authenticate(viewer_user)

    with django_assert_max_num_queries(6):
        on_journey = api_client.get("/api/v1/comments/", {"journey": issue.journey.slug}).json()
    mentioning = api_client.get("/api/v1/comments/", {"mentioned": colleague.pk}).json()

    assert [comment["body"] for comment in on_journey["results"]] == ["C 11", "C 9", "C 7", "C 5", "C 3", "C 1"]
    assert sorted(comment["body"] for comment in mentioning["results"]) == ["C 0", "C 3", "C 6", "C 9"]
