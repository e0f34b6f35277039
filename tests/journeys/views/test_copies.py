"""Pages that start a journey from a template or copy a journey's map."""

import pytest
from django.urls import reverse

from journeys.models import Journey, Stage, Touchpoint

pytestmark = pytest.mark.django_db


def _counts():
    return Journey.objects.count(), Stage.objects.count(), Touchpoint.objects.count()


def test_the_template_page_lists_every_template_for_a_manager(client, manager_user, django_assert_max_num_queries):
    client.force_login(manager_user)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("journeys:templates"))

    page = response.content.decode()
    assert response.status_code == 200
    for name in (
        "Customer onboarding",
        "Resolve a complaint",
        "Refund a disrupted service",
        "Move house",
        "Repair at home",
    ):
        assert f"Use the {name} template" in page


def test_a_manager_creates_a_journey_from_a_template_on_the_form(client, manager_user):
    client.force_login(manager_user)
    url = reverse("journeys:create-from-template", kwargs={"template": "repair"})
    form = client.get(url).context["form"]
    data = {"name": "Boiler repair", "slug": "boiler-repair"}
    data.update({name: form[name].initial for name, _ in form.key_fields})
    data[form.key_fields[0][0]] = "web-fault"

    response = client.post(url, data)

    journey = Journey.objects.get(slug="boiler-repair")
    assert response.status_code == 302
    assert response.url == journey.get_absolute_url()
    assert journey.touchpoints.filter(key="web-fault").exists()


def test_the_copy_form_is_prefilled_with_the_sources_keys_and_refuses_a_duplicate(client, manager_user, mapped_journey):
    client.force_login(manager_user)
    url = reverse("journeys:copy", kwargs={"slug": mapped_journey.slug})
    form = client.get(url).context["form"]
    keys = [form[name].initial for name, _ in form.key_fields]
    assert keys == ["welcome-call", "app-setup", "technician-visit"]
    assert form["name"].initial == "Copy of Onboarding"
    before = _counts()

    response = client.post(
        url,
        {"name": "Copy", "slug": "bad slug", "key_0": "welcome-call", "key_1": "welcome-call", "key_2": "visit"},
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "slug" in errors
    assert "Another touchpoint of the new journey already has the key" in errors["key_1"][0]
    assert _counts() == before


def test_a_copy_refused_by_the_service_shows_the_error_on_the_form(client, manager_user, mapped_journey):
    client.force_login(manager_user)
    url = reverse("journeys:copy", kwargs={"slug": mapped_journey.slug})
    before = _counts()

    response = client.post(url, {"name": "Copy", "slug": mapped_journey.slug, "key_0": "a", "key_1": "b", "key_2": "c"})

    assert response.status_code == 200
    assert response.context["form"].errors["slug"] == ["Another journey already uses this slug."]
    assert _counts() == before


def test_the_journey_page_offers_the_copy_to_managers_only(client, manager_user, owner_user, mapped_journey):
    copy_url = reverse("journeys:copy", kwargs={"slug": mapped_journey.slug})

    client.force_login(manager_user)
    as_manager = client.get(mapped_journey.get_absolute_url()).content.decode()
    client.force_login(owner_user)
    as_owner = client.get(mapped_journey.get_absolute_url()).content.decode()

    assert copy_url in as_manager
    assert copy_url not in as_owner
