"""``core.reversing`` gives what ``reverse()`` gives, whatever the URL configuration and script prefix."""

import pytest
from django.test import override_settings
from django.urls import NoReverseMatch, reverse, set_script_prefix, set_urlconf

from core.reversing import url_maker, url_with
from tests import factories

VALUES = [
    ("journeys:detail", "slug", ["onboarding", "broadband-onboarding", "a1", "2718281828459045", "x_y"]),
    ("owners:person-detail", "pk", [1, 42, 9007199254740993, "17"]),
    ("improvements:initiative-detail", "pk", [3]),
    ("owners:function-detail", "slug", ["customer-care"]),
]


def same_as_reverse():
    for name, kwarg, values in VALUES:
        make = url_maker(name, kwarg)
        for value in values:
            expected = reverse(name, kwargs={kwarg: value})
            assert url_with(name, kwarg, value) == expected
            assert make(value) == expected


def test_links_are_what_reverse_gives():
    same_as_reverse()


def test_a_script_prefix_has_its_own_links():
    same_as_reverse()  # the parts of "/" found first
    set_script_prefix("/throughline/")
    try:
        assert url_with("journeys:detail", "slug", "onboarding") == "/throughline/journeys/onboarding/"
        same_as_reverse()
    finally:
        set_script_prefix("/")
    assert url_with("journeys:detail", "slug", "onboarding") == "/journeys/onboarding/"


def test_another_url_configuration_has_its_own_links():
    same_as_reverse()
    with override_settings(ROOT_URLCONF="tests.core.prefixed_urls"):
        assert url_with("journeys:detail", "slug", "onboarding") == "/under/journeys/onboarding/"
        same_as_reverse()
    assert url_with("journeys:detail", "slug", "onboarding") == "/journeys/onboarding/"
    set_urlconf("tests.core.prefixed_urls")  # a request's own URL configuration (request.urlconf)
    try:
        assert (
            url_with("owners:person-detail", "pk", 5)
            == "/under/people/5/"
            == reverse("owners:person-detail", kwargs={"pk": 5})
        )
    finally:
        set_urlconf(None)


def test_an_unsaved_object_is_refused_as_before():
    with pytest.raises(NoReverseMatch):
        url_with("journeys:detail", "slug", "")
    with pytest.raises(NoReverseMatch):
        url_with("owners:person-detail", "pk", None)


@pytest.mark.django_db
def test_models_link_as_before():
    journey = factories.JourneyFactory(slug="care-journey")
    person = factories.PersonFactory()
    assert journey.get_absolute_url() == reverse("journeys:detail", kwargs={"slug": "care-journey"})
    assert person.get_absolute_url() == reverse("owners:person-detail", kwargs={"pk": person.pk})
