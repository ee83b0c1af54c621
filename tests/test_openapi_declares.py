"""The OpenAPI document says what the endpoints really take and answer: the Idempotency-Key of inquiries,
the kiosk's X-Device-Token and its errors, the call's 404 when no one waits, and file downloads' types."""

import pytest
from django.test import Client

BINARY = {"type": "string", "format": "binary"}


@pytest.fixture(scope="module")
def doc():
    return Client().get("/api/v1/openapi.json").json()


def _op(doc, path, method):
    return doc["paths"][f"/api/v1{path}"][method]


def _header(op, name):
    return next((p for p in op.get("parameters", []) if p["in"] == "header" and p["name"] == name), None)


def _is_error_schema(doc, response):
    ref = response["content"]["application/json"]["schema"]["$ref"]
    schema = doc["components"]["schemas"][ref.rsplit("/", 1)[1]]
    return "error" in schema["properties"]


def test_inquiry_registration_declares_its_idempotency_key(doc):
    header = _header(_op(doc, "/inquiries", "post"), "Idempotency-Key")
    assert header is not None and header["schema"]["maxLength"] == 100


def test_taking_a_ticket_declares_the_device_token_and_its_errors(doc):
    op = _op(doc, "/centers/{code}/tickets", "post")
    assert _header(op, "X-Device-Token") is not None
    for status in ("404", "409", "422"):
        assert _is_error_schema(doc, op["responses"][status]), status


def test_calling_the_next_ticket_declares_404_and_403(doc):
    responses = _op(doc, "/windows/{window_id}/call", "post")["responses"]
    assert _is_error_schema(doc, responses["404"]) and _is_error_schema(doc, responses["403"])


@pytest.mark.parametrize(
    "path, content_type",
    [
        ("/proxy/register.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("/handovers/{handover_id}/sheet.pdf", "application/pdf"),
        ("/inquiries/{number}/files/{file_id}", "application/octet-stream"),
    ],
)
def test_downloads_declare_their_binary_content_type(doc, path, content_type):
    content = _op(doc, path, "get")["responses"]["200"]["content"]
    assert content == {content_type: {"schema": BINARY}}
