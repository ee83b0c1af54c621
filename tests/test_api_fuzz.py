"""Schemathesis over the whole OpenAPI document as 法门镇's clerk: no generated request may reach a 5xx.

In-process through the WSGI app (same thread, so the test's database transaction and demo are visible),
one test per operation, at most 8 examples each and no coverage phase, which keeps it to a few minutes.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from bianmin.wsgi import application

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

# Read once at collection: the document is built from the routes alone, without the database.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
schema.config.generation.update(max_examples=8, deterministic=True)
schema.config.phases.update(phases=["examples", "fuzzing"])


@pytest.fixture
def clerk_headers(api):
    """A real token from POST /api/v1/auth/token (famen_clerk / Demo@2026)."""
    headers = api("famen_clerk").headers
    # As Django's test client does around each request (so only after it is done): a request ending must not
    # close the connection holding the test's transaction; schemathesis goes through werkzeug's client.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield headers
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
# The examples of one operation share the test's transaction and token: that is the intent, not a slip.
@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_no_generated_request_reaches_a_server_error(case, clerk_headers):
    case.call_and_validate(headers=clerk_headers, checks=[not_a_server_error])
