"""Issue 16, finding 6: someone who took part in anything is deactivated, never deleted; their name stays on
what they did, they get no new work, and people, functions and ownerships keep an audit history."""

import pytest
from rest_framework.authtoken.models import Token

from improvements.models import Issue
from owners.models import Ownership, Person, TeamMembership
from owners.services import person_deactivate
from tests import factories

pytestmark = pytest.mark.django_db


def _api(client, user):
    return {"HTTP_AUTHORIZATION": f"Token {Token.objects.get_or_create(user=user)[0].key}"}


def test_deleting_someone_who_reported_an_issue_is_refused_with_what_to_do(client, manager_user, journey, team_user):
    # given a team member who reported an issue (the probe's DELETE answered 204 and nulled the link)
    reporter = team_user.person
    issue = factories.IssueFactory(journey=journey, reported_by=reporter, title="Calls dropped")

    # when a manager deletes them through the API
    response = client.delete(f"/api/v1/people/{reporter.pk}/", **_api(client, manager_user))

    # then 409 says why and what to do, and nothing changed
    assert response.status_code == 409
    detail = response.json()["detail"]
    assert "issues (reported by)" in detail
    assert "team memberships" in detail
    assert "Deactivate them instead" in detail
    assert Issue.objects.get(pk=issue.pk).reported_by_id == reporter.pk
    assert TeamMembership.objects.filter(person=reporter).exists()


def test_someone_who_took_part_in_nothing_can_still_be_deleted(client, manager_user):
    newcomer = factories.PersonFactory(name="Newcomer")

    response = client.delete(f"/api/v1/people/{newcomer.pk}/", **_api(client, manager_user))

    assert response.status_code == 204
    assert not Person.objects.filter(pk=newcomer.pk).exists()


def test_a_deactivated_person_keeps_their_name_and_gets_no_new_work(client, manager_user, journey, team_user):
    # given a reporter, deactivated through the API
    reporter = team_user.person
    issue = factories.IssueFactory(journey=journey, reported_by=reporter)
    headers = _api(client, manager_user)
    response = client.patch(
        f"/api/v1/people/{reporter.pk}/", {"is_active": False}, content_type="application/json", **headers
    )
    assert response.status_code == 200
    assert response.json()["is_active"] is False

    # then their name stays on the issue
    assert client.get(f"/api/v1/issues/{issue.pk}/", **headers).json()["reported_by_name"] == reporter.name
    # and they cannot be chosen for new work: another team, an owner, an assignee
    other = factories.JourneyFactory(slug="billing", name="Billing")
    team = client.post(
        "/api/v1/team-members/",
        {"journey": "billing", "person": reporter.pk, "role": "analyst"},
        content_type="application/json",
        **headers,
    )
    assert team.status_code == 400
    assert "is deactivated" in team.json()["person"][0]
    owner = client.post(
        "/api/v1/ownerships/",
        {"journey": "billing", "person": reporter.pk},
        content_type="application/json",
        **headers,
    )
    assert owner.status_code == 400
    assert not Ownership.objects.filter(journey=other).exists()


def test_the_active_owner_hands_over_before_being_deactivated(owner_user, journey):
    with pytest.raises(Exception, match="active owner of Onboarding: name another owner first"):
        person_deactivate(person=owner_user.person)

    assert Person.objects.get(pk=owner_user.person.pk).is_active


def test_a_manager_deactivates_and_reactivates_from_the_persons_page(client, manager_user, team_user):
    person = team_user.person
    client.force_login(manager_user)
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert "Deactivate" in page

    response = client.post(f"/people/{person.pk}/active/", {"active": "false"}, follow=True)

    assert "is deactivated: their name stays on what they did" in response.content.decode()
    assert not Person.objects.get(pk=person.pk).is_active
    assert "Reactivate" in response.content.decode()
    client.post(f"/people/{person.pk}/active/", {"active": "true"})
    assert Person.objects.get(pk=person.pk).is_active


def test_a_deactivated_person_is_not_offered_as_a_new_team_member(client, owner_user, journey):
    gone = factories.PersonFactory(name="Gone Person", is_active=False)
    factories.PersonFactory(name="Here Person")
    client.force_login(owner_user)

    page = client.get(f"/journeys/{journey.slug}/team/").content.decode()

    assert "Here Person" in page
    assert "Gone Person" not in page
    assert gone.pk


def test_people_functions_and_ownerships_keep_an_audit_history(manager_user, journey, owner_user):
    person = owner_user.person
    function = factories.FunctionFactory(name="Billing", slug="billing")

    person.title = "Head of onboarding"
    person.save()
    function.name = "Billing and payments"
    function.save()

    assert [record.title for record in person.history.order_by("history_id")][-1] == "Head of onboarding"
    assert function.history.count() == 2
    assert Ownership.history.filter(journey_id=journey.pk).exists()


def test_deleting_a_journey_with_ownership_history_is_refused_and_keeps_it(client, manager_user, journey, owner_user):
    # given a journey without instances but with an owner on record
    ownership = Ownership.objects.get(journey=journey)

    response = client.delete(f"/api/v1/journeys/{journey.slug}/", **_api(client, manager_user))

    assert response.status_code == 409
    assert "ownerships on record" in response.json()["detail"]
    assert Ownership.objects.filter(pk=ownership.pk).exists()


def test_the_admin_deletes_nobody_and_shows_who_is_active(admin_client, team_user):
    person = team_user.person

    listing = admin_client.get("/admin/owners/person/")
    delete = admin_client.post(f"/admin/owners/person/{person.pk}/delete/", {"post": "yes"})

    assert listing.status_code == 200
    assert "is_active" in listing.content.decode() or "Active" in listing.content.decode()
    assert delete.status_code == 403
    assert Person.objects.filter(pk=person.pk).exists()
    assert admin_client.get(f"/admin/owners/person/{person.pk}/history/").status_code == 200
