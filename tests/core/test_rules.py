"""core.rules: the role predicates every app shares (administrator, manager, integration account)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from core.rules import MANAGERS_GROUP, can_ingest, is_admin, is_manager
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_member_of_the_managers_group_is_a_manager():
    user = factories.ManagerUserFactory()

    assert is_manager(user)
    assert list(user.groups.values_list("name", flat=True)) == [MANAGERS_GROUP]


def test_a_superuser_is_a_manager_without_the_group_and_an_administrator():
    user = factories.UserFactory(is_superuser=True)

    assert is_manager(user)
    assert is_admin(user)


def test_a_plain_user_and_an_anonymous_visitor_are_neither_manager_nor_administrator():
    user = factories.UserFactory()

    assert not is_manager(user)
    assert not is_admin(user)
    assert not is_manager(AnonymousUser())


def test_an_inactive_superuser_is_no_administrator():
    assert not is_admin(factories.UserFactory(is_superuser=True, is_active=False))


def test_the_manager_role_is_looked_up_once_per_user_object(django_assert_num_queries):
    # given a user object (a request's user)
    user = factories.UserFactory()

    # when the role is asked three times, then the database is asked once
    with django_assert_num_queries(1):
        assert [is_manager(user) for _ in range(3)] == [False, False, False]


def test_only_an_account_with_the_ingest_permission_can_ingest(integration_user):
    # given an integration account and a manager without the model permission
    manager = factories.ManagerUserFactory()

    # then only the integration account may ingest
    assert can_ingest(integration_user)
    assert not can_ingest(manager)
    assert not can_ingest(AnonymousUser())
