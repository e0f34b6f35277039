"""Retired stages and touchpoints are off the issue forms' pickers, yet an issue that names one keeps it."""

import pytest

from improvements.models import Issue
from journeys.services import maps as map_services
from tests import factories

pytestmark = pytest.mark.django_db


def _choices(response, field: str) -> list[str]:
    return [label for _, label in response.context["form"].fields[field].choices if label != "---------"]


def test_the_new_issue_form_offers_only_touchpoints_and_stages_in_use(client, team_user, journey, touchpoint):
    # given a second stage, retired, with its touchpoint, and a retired touchpoint of the first stage
    retired_stage = factories.StageFactory(journey=journey, name="Old stage", position=5)
    factories.TouchpointFactory(stage=retired_stage, key="old-call", name="Old call")
    retired_touchpoint = factories.TouchpointFactory(stage=touchpoint.stage, key="fax", name="Fax back")
    map_services.stage_retire(stage=retired_stage)
    map_services.touchpoint_retire(touchpoint=retired_touchpoint)
    client.force_login(team_user)

    # when
    response = client.get(f"/issues/new/?journey={journey.slug}")

    # then
    touchpoints = _choices(response, "touchpoint")
    assert touchpoints == [f"{journey.name} › {touchpoint.stage.name} › Technician visit"]
    assert "Old stage" not in " ".join(_choices(response, "stage"))


def test_a_retired_touchpoint_sent_to_the_new_issue_form_is_refused(client, team_user, journey, touchpoint):
    map_services.touchpoint_retire(touchpoint=touchpoint)
    client.force_login(team_user)

    response = client.post(
        "/issues/new/",
        {
            "journey": journey.pk,
            "touchpoint": touchpoint.pk,
            "title": "x",
            "symptom": "y",
            "category": "other",
            "severity": 1,
        },
    )

    assert response.status_code == 400
    assert "touchpoint" in response.context["form"].errors
    assert not Issue.objects.exists()


def test_an_issue_at_a_touchpoint_retired_since_keeps_it_when_edited(client, owner_user, journey, touchpoint):
    # given
    issue = factories.IssueFactory(journey=journey, stage=touchpoint.stage, touchpoint=touchpoint, title="Late")
    map_services.touchpoint_retire(touchpoint=touchpoint)
    client.force_login(owner_user)

    # when the edit form is shown and saved unchanged but for the title
    page = client.get(f"/issues/{issue.pk}/edit/")
    form = page.context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(title="Late again", touchpoint=touchpoint.pk, stage=touchpoint.stage_id, version=issue.version)
    data["functions"] = [function.pk for function in issue.functions.all()]
    response = client.post(f"/issues/{issue.pk}/edit/", data)

    # then
    assert touchpoint.pk in [value for value, _ in form.fields["touchpoint"].choices if value]
    assert response.status_code == 302, response.context["form"].errors
    issue.refresh_from_db()
    assert (issue.title, issue.touchpoint) == ("Late again", touchpoint)
