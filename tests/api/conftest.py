"""Fixtures of the API tests: the access matrix's world (two communes, a user per role) and a token per role."""
import pytest
from rest_framework.test import APIClient

from api.services import token_create
from tests.tracker.test_access_matrix import ROLES, world  # noqa: F401  (the shared world fixture)


@pytest.fixture
def tokens(world):  # noqa: F811
    _objects, users = world
    return {role: token_create(user=users[role], name=f"test {role}")[1] for role in ROLES}


@pytest.fixture
def api(tokens):
    def client(role=None):
        c = APIClient()
        if role:
            c.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens[role]}")
        return c

    return client
