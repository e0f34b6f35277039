"""The examples in the README and docs/ work against the demo organisation as they are written.

They are the first thing an integration user tries after `make run`: each one must import into the
demo, not end in "Nothing was imported".
"""

import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command

from journeys.models import JourneyInstance

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
EXAMPLE_FILE = ROOT / "docs" / "example-interactions.csv"


def _blocks(path: Path, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", path.read_text(), flags=re.DOTALL)


@pytest.fixture
def demo():
    call_command("seed_demo", scale=0.03, no_recompute=True, stdout=StringIO())


def _import(path: Path) -> str:
    out = StringIO()
    call_command("import_interactions", str(path), no_progress=True, stdout=out)
    return out.getvalue()


def _instances(journey_slug: str, external_ids: set[str]) -> dict[str, int]:
    rows = JourneyInstance.objects.filter(journey__slug=journey_slug, external_id__in=external_ids)
    return {row.external_id: row.interactions.count() for row in rows}


def test_the_example_file_imports_into_the_demo(demo):
    output = _import(EXAMPLE_FILE)

    assert "Nothing was imported" not in output
    assert _instances("onboarding", {f"EX-100{n}" for n in range(1, 6)}) == {
        "EX-1001": 4,
        "EX-1002": 2,
        "EX-1003": 2,
        "EX-1004": 1,
        "EX-1005": 0,
    }


@pytest.mark.parametrize("document", ["README.md", "docs/csv-format.md"])
def test_the_csv_examples_in_the_documents_import_into_the_demo(demo, document, tmp_path):
    (block,) = _blocks(ROOT / document, "csv")
    example = tmp_path / "example.csv"
    example.write_text(block)

    output = _import(example)

    assert "Nothing was imported" not in output
    rows = block.strip().splitlines()[1:]
    expected = {}
    for row in rows:
        instance_id = row.split(",")[1]
        expected[instance_id] = expected.get(instance_id, 0) + 1
    assert _instances("onboarding", set(expected)) == expected


def test_the_ingest_example_in_the_docs_is_accepted_by_the_demo(demo, api_client):
    (block,) = [block for block in _blocks(ROOT / "docs" / "csv-format.md", "json") if '"instances"' in block]
    integration = get_user_model().objects.get(username="integration")
    api_client.force_authenticate(integration)

    response = api_client.post("/api/v1/ingest/", json.loads(block), format="json")

    assert response.status_code == 200, response.content
    assert response.json() == {"created": 3, "updated": 0}
    assert _instances("onboarding", {"EX-1001"}) == {"EX-1001": 2}
