"""Fixtures for the duty tests: signed-in page clients and the demo's AB posts."""

import pytest
from django.test import Client

from bianmin.accounts.models import User


@pytest.fixture
def signed_in(demo):
    """signed_in("famen_director") → a test Client with that persona's session."""

    def make(username: str, **extra) -> Client:
        client = Client(**extra)
        client.force_login(User.objects.get(username=username))
        return client

    return make


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
