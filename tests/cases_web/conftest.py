"""Fixtures for the staff case pages: scans under a temporary media root, and a signed-in browser client."""

import pytest
from django.test import Client

from bianmin.accounts.models import User


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def signed_in(demo):
    """signed_in("famen_clerk") → a test Client with that persona's session."""

    def make(username: str) -> Client:
        client = Client()
        client.force_login(User.objects.get(username=username))
        return client

    return make
