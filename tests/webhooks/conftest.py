import re
from pathlib import Path

import pytest
from django.conf import settings

from tests import factories

DOCS = Path(settings.BASE_DIR) / "docs" / "webhooks.md"


@pytest.fixture
def verify_signature():
    """The verification snippet of docs/webhooks.md, as an integrator would paste it."""
    text = DOCS.read_text()
    code = re.search(r"```python\n(.*?)```", text, re.S).group(1)
    namespace: dict = {}
    exec(compile(code, str(DOCS), "exec"), namespace)  # noqa: S102  (our own documentation's snippet)
    return namespace["verify_throughline_signature"]


@pytest.fixture
def subscription_to(manager_user):
    def make(url, event_types=("issue.created",), **fields):
        return factories.WebhookSubscriptionFactory(
            url=url, event_types=list(event_types), created_by=manager_user, **fields
        )

    return make


from tests.improvements.conftest import freeze_today  # noqa: E402, F401  (the clock fixture)
