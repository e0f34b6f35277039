"""A printable map (issue 20, item 6): the journey page prints to landscape pages, the blueprint on a page of its own.

Chromium prints the page with its print stylesheet (`page.pdf()`), the test reads the PDF back with pypdf:
its pages, their orientation and their text, as a workshop would get them from "Save as PDF".
"""

import io
from pathlib import Path

from django.conf import settings
from playwright.sync_api import expect
from pypdf import PdfReader

from journeys.services import maps as services
from tests.e2e.conftest import log_in

PRINTS = Path(settings.BASE_DIR) / "var" / "prints"
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
ONBOARDING_STAGES = ("Order", "Installation booking", "Installation", "Activation", "First bill", "Settling in")
LAYER_ROWS = ("Customer actions", "Frontstage", "Backstage", "Support processes")
LINES = ("Line of interaction", "Line of visibility", "Line of internal interaction")
SCREEN_ONLY = (
    "Edit journey and map",
    "Mermaid export",
    "Download map (CSV)",
    "Log an issue",
    "Log out",
    "Recompute now",
)


def print_to_pdf(page, url: str, name: str) -> PdfReader:
    """The page at ``url`` printed as Chromium's "Save as PDF" would, saved under var/prints/."""
    page.goto(url)
    page.wait_for_load_state("networkidle")
    PRINTS.mkdir(parents=True, exist_ok=True)
    page.emulate_media(media="print")
    page.screenshot(path=str(SCREENSHOTS / f"print_{name}.png"), full_page=True)
    data = page.pdf(path=str(PRINTS / f"{name}.pdf"), prefer_css_page_size=True, print_background=True)
    page.emulate_media(media="screen")
    return PdfReader(io.BytesIO(data))


def page_texts(reader: PdfReader) -> list[str]:
    return [" ".join((pdf_page.extract_text() or "").split()) for pdf_page in reader.pages]


def size_of(pdf_page) -> str:
    """The page's paper, in points: A4 landscape 842 x 595, A3 landscape 1191 x 842."""
    width, height = round(float(pdf_page.mediabox.width)), round(float(pdf_page.mediabox.height))
    return {(842, 595): "A4 landscape", (1191, 842): "A3 landscape"}.get((width, height), f"{width} x {height}")


def test_a_small_map_prints_as_front_page_blueprint_page_and_panels_page(demo, page):
    # given a new journey with three stages, a few touchpoints and layers, and no data yet
    journey = services.journey_create(name="Broadband repair", slug="broadband-repair")
    stages = [services.stage_create(journey=journey, name=name) for name in ("Report the fault", "Visit", "Fixed")]
    services.touchpoint_create(
        stage=stages[0],
        key="fault-call",
        name="Fault call",
        channel="phone",
        customer_action="Calls to say the line is down",
        frontstage="Support agent",
        backstage="Line test from the exchange",
        support_processes="Network monitoring",
    )
    services.touchpoint_create(stage=stages[1], key="engineer-visit", name="Engineer visit", channel="field")
    services.touchpoint_create(stage=stages[2], key="fixed-app", name="Fixed notice in the app", channel="app")
    log_in(page, "viewer")

    # when they print the journey page
    reader = print_to_pdf(page, "/journeys/broadband-repair/", "broadband_repair")
    texts = page_texts(reader)

    # then it is three landscape pages: the journey's header and figures, the blueprint alone (on A3), the
    # panels after it
    assert len(reader.pages) == 3, texts
    assert [size_of(pdf_page) for pdf_page in reader.pages] == ["A4 landscape", "A3 landscape", "A4 landscape"]
    front, blueprint, after = texts
    assert "Broadband repair" in front
    assert "Service blueprint" not in front
    assert blueprint.startswith("Service blueprint of Broadband repair")
    for name in ("Report the fault", "Visit", "Fixed", "Fault call", "Engineer visit", "Line test from the exchange"):
        assert name in blueprint
    assert all(line.upper() in blueprint for line in LINES)  # the lines' labels are set in capitals
    assert "Issues and initiatives" in after
    assert not any(label in " ".join(texts) for label in SCREEN_ONLY)


def test_the_onboarding_map_prints_its_blueprint_with_its_layers_on_one_landscape_page(demo, page):
    # given the demo's onboarding journey, whose touchpoints have their blueprint layers written
    log_in(page, "owner")
    page.goto("/journeys/onboarding/")
    blueprint = page.locator("table.blueprint")
    for label in (*LAYER_ROWS, *LINES):
        expect(blueprint.get_by_role("rowheader", name=label, exact=False).first).to_be_visible()
    expect(page.get_by_role("button", name="Print or save as PDF")).to_be_visible()

    # when the owner prints it for a workshop
    reader = print_to_pdf(page, "/journeys/onboarding/", "onboarding")
    texts = page_texts(reader)
    document = " ".join(texts)

    # then the whole blueprint, layers and lines included, is one A3 landscape page; the others are A4 landscape
    blueprint_pages = [number for number, text in enumerate(texts) if "Service blueprint" in text]
    assert len(blueprint_pages) == 1, texts
    assert texts[blueprint_pages[0]].startswith("Service blueprint of New customer onboarding")
    sizes = [size_of(pdf_page) for pdf_page in reader.pages]
    assert sizes.pop(blueprint_pages[0]) == "A3 landscape"
    assert set(sizes) == {"A4 landscape"}
    assert "Where to act" in texts[blueprint_pages[0] + 1]  # the panels after the map start the next page
    blueprint_text = texts[blueprint_pages[0]]
    assert all(stage in blueprint_text for stage in ONBOARDING_STAGES)
    assert all(label in blueprint_text for label in LAYER_ROWS)
    assert all(line.upper() in blueprint_text for line in LINES)
    assert "Technician home visit" in blueprint_text
    assert "daily job target" in blueprint_text  # the backstage reason the slots slip
    # the health charts are kept, on the pages before the blueprint; nothing to click is printed
    assert blueprint_pages[0] >= 1
    assert "New customer onboarding" in texts[0]
    assert not any(label in document for label in SCREEN_ONLY)
