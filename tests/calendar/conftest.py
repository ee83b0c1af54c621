"""Helpers for the calendar tests: the demo admin and a non-admin, as users."""

import pytest

from bianmin.accounts.models import User


@pytest.fixture
def admin_user(demo):
    return User.objects.get(username="admin")


@pytest.fixture
def clerk_user(demo):
    return User.objects.get(username="famen_clerk")
