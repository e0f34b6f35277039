"""The notifications page, the unread count in the header, opening and marking read, the preferences form."""

import pytest
from django.urls import reverse

from notifications import services
from notifications.choices import EmailChoice, Event
from notifications.models import Notification, NotificationPreference
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def me(client):
    user = factories.UserFactory(username="me")
    person = factories.PersonFactory(user=user, name="Me")
    client.force_login(user)
    return person


def _notify(person, key, title="Something happened", url="/issues/1/"):
    services.notify(event=Event.ISSUE, key=key, recipients=[person], title=title, url=url)


def test_the_header_shows_the_unread_count_and_the_page_lists_them(client, me):
    for n in range(3):
        _notify(me, f"k{n}", title=f"Issue {n}")
    response = client.get(reverse("notifications:list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'aria-label="3 unread"' in html
    assert html.count('class="notification unread"') == 3
    assert "Issue 2" in html


def test_the_page_reads_in_a_fixed_number_of_queries(client, me, django_assert_max_num_queries):
    for n in range(40):
        _notify(me, f"k{n}")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("notifications:list"))
    assert response.status_code == 200


def test_an_empty_list_says_what_will_arrive(client, me):
    html = client.get(reverse("notifications:list")).content.decode()
    assert "No notifications yet" in html
    assert "unread" not in html.split("<main")[0]


def test_a_login_without_a_person_is_told_why_nothing_arrives(client):
    client.force_login(factories.UserFactory())
    assert "not linked to a person" in client.get(reverse("notifications:list")).content.decode()


def test_opening_marks_it_read_and_goes_to_what_it_is_about(client, me):
    _notify(me, "a", url="/issues/7/")
    notification = Notification.objects.get()
    response = client.post(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/issues/7/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_someone_elses_notification_is_not_opened_nor_marked(client, me):
    other = factories.PersonFactory()
    _notify(other, "a")
    notification = Notification.objects.get()
    response = client.post(reverse("notifications:open", args=[notification.pk]))
    assert response["Location"] == reverse("notifications:list")
    notification.refresh_from_db()
    assert notification.read_at is None


def test_an_outside_link_is_never_followed(client, me):
    _notify(me, "a", url="https://evil.example/")
    response = client.post(reverse("notifications:open", args=[Notification.objects.get().pk]))
    assert response["Location"] == reverse("notifications:list")


def test_mark_all_read(client, me):
    _notify(me, "a")
    _notify(me, "b")
    client.post(reverse("notifications:read-all"))
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_the_profile_shows_the_preferences_and_saves_them(client, me):
    html = client.get(reverse("accounts:profile")).content.decode()
    assert "An issue assigned to me or logged on my journey" in html
    assert "One daily digest" in html
    data = {f"{event}-in_app": "on" for event in Event.values}
    data[f"{Event.ALERT}-email"] = EmailChoice.DIGEST
    data.pop(f"{Event.MENTION}-in_app")
    response = client.post(reverse("notifications:preferences"), data)
    assert response.status_code == 302
    alert = NotificationPreference.objects.get(person=me, event=Event.ALERT)
    assert (alert.in_app, alert.email) == (True, EmailChoice.DIGEST)
    mention = NotificationPreference.objects.get(person=me, event=Event.MENTION)
    assert (mention.in_app, mention.email) == (False, EmailChoice.OFF)


def test_an_unknown_e_mail_choice_is_refused_and_nothing_changes(client, me):
    response = client.post(reverse("notifications:preferences"), {f"{Event.ALERT}-email": "hourly"}, follow=True)
    assert "choose one of the e-mail options" in response.content.decode()
    assert not NotificationPreference.objects.exists()
