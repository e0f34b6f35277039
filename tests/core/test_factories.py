"""Every factory builds a row the database accepts."""

import pytest

from tests import factories

pytestmark = pytest.mark.django_db

FACTORIES = [
    getattr(factories, name)
    for name in dir(factories)
    if name.endswith("Factory") and name not in {"DjangoModelFactory"} and hasattr(getattr(factories, name), "_meta")
]


@pytest.mark.parametrize("factory", FACTORIES, ids=lambda factory: factory.__name__)
def test_each_factory_creates_a_saved_row(factory):
    obj = factory()

    assert obj.pk is not None
    assert type(obj).objects.filter(pk=obj.pk).exists()
