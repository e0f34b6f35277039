"""Two managers assigning an owner at the same moment leave exactly one active owner."""

import threading
import time

import pytest
from django.db import connection, transaction

from core.errors import ApplicationError
from owners import services
from owners.models import Ownership
from owners.services import ASSIGNMENT_CONFLICT
from tests import factories

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="The SQLite test database is in memory and private to one connection: threads with their own "
    "connections cannot share it. The sequential conflict paths are tested on every database.",
)


def _race(journey_id, first_person_id, second_person_id):
    """The first assignment holds its transaction open while the second one runs into it."""
    from journeys.models import Journey
    from owners.models import Person

    first_inserted = threading.Event()
    outcomes = {}

    def first():
        try:
            with transaction.atomic():
                outcomes["first"] = services.ownership_assign(
                    journey=Journey.objects.get(pk=journey_id),
                    person=Person.objects.get(pk=first_person_id),
                    mandate="",
                )
                first_inserted.set()
                time.sleep(1.0)  # a slow request: the second assignment starts and waits on our row
        except Exception as error:  # noqa: BLE001 (the outcome is what the test asserts)
            outcomes["first"] = error
        finally:
            first_inserted.set()
            connection.close()

    def second():
        first_inserted.wait(timeout=10)
        try:
            outcomes["second"] = services.ownership_assign(
                journey=Journey.objects.get(pk=journey_id), person=Person.objects.get(pk=second_person_id), mandate=""
            )
        except Exception as error:  # noqa: BLE001
            outcomes["second"] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@needs_postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("has_owner", [False, True], ids=["first owner", "change of owner"])
def test_two_concurrent_assignments_leave_exactly_one_active_owner(has_owner):
    # given
    journey = factories.JourneyFactory()
    if has_owner:
        factories.OwnershipFactory(journey=journey)
    first_person, second_person = factories.PersonFactory(), factories.PersonFactory()

    # when
    outcomes = _race(journey.pk, first_person.pk, second_person.pk)

    # then the first wins, the second is told clearly, and one owner is active
    assert isinstance(outcomes["first"], Ownership)
    assert isinstance(outcomes["second"], ApplicationError)
    assert outcomes["second"].message == ASSIGNMENT_CONFLICT
    active = Ownership.objects.active().filter(journey=journey)
    assert [ownership.person_id for ownership in active] == [first_person.pk]
    assert Ownership.objects.filter(journey=journey).count() == (2 if has_owner else 1)
