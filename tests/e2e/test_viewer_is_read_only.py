"""A login without a seat reads everything and changes nothing, in the page and behind it."""

from playwright.sync_api import expect

from journeys.models import HealthSnapshot, Journey
from owners.models import IncentiveReview
from tests.e2e.conftest import log_in


def test_a_viewer_sees_no_edit_controls_and_a_direct_post_to_an_edit_url_is_refused(demo, page):
    # given a read-only login
    log_in(page, "viewer")
    onboarding = Journey.objects.get(slug="onboarding")
    reviews_before = IncentiveReview.objects.count()
    snapshots_before = HealthSnapshot.objects.count()

    # when they read onboarding's page
    page.goto("/journeys/onboarding/")

    # then they see the journey, its health and blueprint, but no control to change them
    expect(page.get_by_role("heading", name="New customer onboarding", level=1)).to_be_visible()
    expect(page.locator("#health")).to_contain_text("Touchpoint paradox")
    expect(page.locator(".touchpoint").filter(has_text="Technician home visit")).to_be_visible()
    expect(page.get_by_role("link", name="Edit journey and map")).to_have_count(0)
    expect(page.get_by_role("button", name="Recompute now")).to_have_count(0)
    expect(page.get_by_role("button", name="Map reviewed")).to_have_count(0)
    expect(page.get_by_role("link", name="Log an issue")).to_have_count(0)
    expect(page.get_by_role("link", name="Assign owner")).to_have_count(0)

    # when they open the incentive matrix
    page.goto("/incentives/")

    # then the verdicts are there to read, with no link to review them or raise an issue
    matrix = page.locator("table.matrix")
    expect(matrix.locator(".status-conflicting").first).to_be_visible()
    expect(matrix.get_by_role("link", name="(review)")).to_have_count(0)
    expect(matrix.get_by_role("link", name="Raise a root-cause issue")).to_have_count(0)

    # when they post straight to edit URLs with a valid CSRF token (outside the page, so the 403s
    # are not counted as browser problems)
    token = next(cookie["value"] for cookie in page.context.cookies() if cookie["name"] == "csrftoken")
    headers = {"X-CSRFToken": token, "Referer": page.url}
    edit = page.request.post(
        "/journeys/onboarding/edit/", headers=headers, form={"name": "Hijacked", "version": str(onboarding.version)}
    )
    recompute = page.request.post("/journeys/onboarding/recompute/", headers=headers)
    incentive = IncentiveReview.objects.filter(journey=onboarding).first().incentive
    review = page.request.post(
        f"/incentives/{incentive.pk}/review/onboarding/",
        headers=headers,
        form={"verdict": "aligned", "rationale": "Looks fine to me."},
    )

    # then each is refused and nothing changed
    assert (edit.status, recompute.status, review.status) == (403, 403, 403)
    assert not any("CSRF" in response.text() for response in (edit, recompute, review)), "refused for CSRF"
    onboarding.refresh_from_db()
    assert onboarding.name == "New customer onboarding"
    assert IncentiveReview.objects.count() == reviews_before
    assert HealthSnapshot.objects.count() == snapshots_before
