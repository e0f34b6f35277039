"""The owner of onboarding reads two personas' emotion curves from data, and adds a third persona."""

import pytest
from playwright.sync_api import expect

from journeys.models import Journey, Persona
from journeys.selectors.personas import emotion_curves, journey_personas
from tests.e2e.conftest import SCREENSHOTS, log_in, seed_demo_organisation

# Enough ratings per stage for both personas' later stages to be judged (onboarding's min_sample is 30).
PERSONA_SCALE = 0.1
MAYA = "Maya, first-time subscriber"
RAVI = "Ravi, returning subscriber"


@pytest.fixture
def persona_demo(transactional_db, live_server):
    seed_demo_organisation(history_days=1, scale=PERSONA_SCALE)


def test_the_owner_sees_two_diverging_persona_curves_with_the_dip_in_words_and_adds_a_persona(persona_demo, page):
    journey = Journey.objects.get(slug="onboarding")
    curves = emotion_curves(journey, list(journey_personas(journey)))
    maya = next(curve for persona, curve in curves.personas if persona.name == MAYA)
    ravi = next(curve for persona, curve in curves.personas if persona.name == RAVI)
    # the demo's two segments start alike and part: first-timers fall below the target, returning ones do not
    assert maya.dips, "the demo's first-time subscribers must dip below onboarding's target"
    assert not ravi.dips

    # given the owner of onboarding on the journey page
    log_in(page, "owner")
    page.goto("/journeys/onboarding/")
    panel = page.locator("#personas")

    # then two persona cards, each with its emotion curve drawn beside all customers'
    expect(panel.locator("article.persona-card")).to_have_count(2)
    maya_card = panel.locator("article.persona-card").filter(has_text=MAYA)
    ravi_card = panel.locator("article.persona-card").filter(has_text=RAVI)
    expect(maya_card.locator("svg.emotion-curve")).to_be_visible()
    expect(ravi_card.locator("svg.emotion-curve")).to_be_visible()
    expect(maya_card).to_contain_text("Pains")
    # and the stages where Maya's curve dips below the target, in words, with their ratings
    for sentence in maya.dip_sentences():
        expect(maya_card.locator("li.dip").filter(has_text=sentence)).to_be_visible()
    expect(maya_card.locator("li.dip")).to_have_count(len(maya.dips))
    expect(ravi_card).to_contain_text(f"No stage falls below the target for {RAVI}")
    maya_card.screenshot(path=str(SCREENSHOTS / "persona-curve.png"))

    # when the owner adds a persona for business customers through the form
    panel.get_by_role("link", name="Add a persona").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("New persona for New customer onboarding")
    page.get_by_label("Persona name").fill("Sam, small business")
    page.get_by_label("Customer segment they stand for").fill("small business")
    page.get_by_label("Goals").fill("Screens in the shop before opening day.")
    page.get_by_label("Pains").fill("Appointments during opening hours.")
    page.get_by_role("button", name="Add persona").click()

    # then the journey page shows the new card, saying its segment has too few ratings yet
    expect(page.get_by_text("Persona “Sam, small business” added")).to_be_visible()
    expect(panel.locator("article.persona-card")).to_have_count(3)
    sam_card = panel.locator("article.persona-card").filter(has_text="Sam, small business")
    expect(sam_card).to_contain_text("Screens in the shop before opening day.")
    expect(sam_card).to_contain_text("Too few ratings for Sam, small business.")
    assert Persona.objects.get(name="Sam, small business").segment == "small business"
