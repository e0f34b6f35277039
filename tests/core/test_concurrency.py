"""core.concurrency: entity tags of versions, If-Match, and the answers of a stale write (409 or 412)."""

import pytest
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from core.concurrency import PreconditionFailed, VersionETagMixin, if_match_tags, version_etag
from core.errors import StaleObjectError
from tests import factories

pytestmark = pytest.mark.django_db


class RenameView(VersionETagMixin, APIView):
    """A write the way the API's viewsets do it: the expected version goes to a check done "under the lock"."""

    permission_classes = [AllowAny]
    authentication_classes = []

    obj = None
    current_version_under_lock = None

    def put(self, request):
        expected = self.expected_version(self.obj, request.data.get("version"))
        current = self.current_version_under_lock or self.obj.version
        if expected is not None and expected != current:
            raise StaleObjectError("Changed by someone else.")
        return Response({"version": current + 1, "expected": expected})


def _put(body: dict, *, if_match: str | None = None, **view_options):
    headers = {"HTTP_IF_MATCH": if_match} if if_match is not None else {}
    request = APIRequestFactory().put("/", body, format="json", **headers)
    return RenameView.as_view(**view_options)(request)


def test_the_entity_tag_of_a_version_is_the_quoted_number():
    assert version_etag(3) == '"3"'


def test_if_match_lists_its_tags_as_written_weak_ones_included():
    assert if_match_tags(' "1", W/"2" ,, "3"') == ['"1"', 'W/"2"', '"3"']
    assert if_match_tags("") == []


def test_a_write_without_if_match_checks_the_version_of_its_body():
    journey = factories.JourneyFactory()

    response = _put({"version": journey.version}, obj=journey)

    assert response.status_code == 200
    assert response.data["expected"] == journey.version
    assert response["ETag"] == version_etag(journey.version + 1)  # the answer carries the new version


def test_a_matching_if_match_gives_the_service_the_current_version():
    journey = factories.JourneyFactory()

    response = _put({}, if_match=version_etag(journey.version), obj=journey)

    assert response.status_code == 200
    assert response.data["expected"] == journey.version


def test_a_stale_if_match_is_answered_412_with_the_current_version():
    journey = factories.JourneyFactory()

    response = _put({}, if_match=version_etag(journey.version + 5), obj=journey)

    assert response.status_code == 412
    assert response.data["current_version"] == journey.version


def test_a_weak_tag_never_matches():
    journey = factories.JourneyFactory()

    response = _put({}, if_match=f"W/{version_etag(journey.version)}", obj=journey)

    assert response.status_code == 412


def test_if_match_star_leaves_the_check_to_the_body_version():
    journey = factories.JourneyFactory()

    response = _put({"version": journey.version + 1}, if_match="*", obj=journey)

    assert response.status_code == 409  # the body's version is stale: a plain conflict


def test_a_writer_that_slips_in_after_a_matching_if_match_makes_the_answer_412_not_409():
    # given an If-Match that matched, then another writer bumps the version before the lock is taken
    journey = factories.JourneyFactory()

    response = _put(
        {}, if_match=version_etag(journey.version), obj=journey, current_version_under_lock=journey.version + 1
    )

    # then the lost race is answered like any stale If-Match
    assert response.status_code == 412


def test_a_stale_body_version_without_if_match_stays_a_409():
    journey = factories.JourneyFactory()

    response = _put({"version": journey.version}, obj=journey, current_version_under_lock=journey.version + 1)

    assert response.status_code == 409
    assert "ETag" not in response
    assert issubclass(PreconditionFailed, StaleObjectError)
