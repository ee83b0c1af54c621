"""Malformed multipart bodies get a 400 in the API's error shape, never a 500 or an HTML page."""

from cases.factories import intake, make_item
from django.test import Client


def _bad_request(response):
    assert response.status_code == 400, response.content
    body = response.json()["error"]
    assert body["code"] == "bad_request" and body["message"] and body["fields"] == {}


def test_multipart_without_a_boundary_with_a_bearer_token_is_a_400(api, now):
    clerk = api("famen_clerk")
    number = clerk.post("cases", intake(make_item("promised"))).json()["number"]
    browser = Client(raise_request_exception=False)
    for path in (f"/api/v1/cases/{number}/files", f"/api/v1/cases/{number}/actions/accept", "/api/v1/cases"):
        response = browser.post(
            path, b"--x\r\nrubbish\r\n", content_type="multipart/form-data", headers=clerk.headers
        )
        _bad_request(response)


def test_a_session_post_of_multipart_to_a_json_endpoint_is_a_400(api, now):
    clerk = api("famen_clerk")
    number = clerk.post("cases", intake(make_item("promised"))).json()["number"]
    browser = Client(enforce_csrf_checks=True, raise_request_exception=False)
    assert browser.login(username="famen_clerk", password="Demo@2026")
    browser.get("/cases/new/")
    token = browser.cookies["csrftoken"].value
    for body in ({"csrfmiddlewaretoken": token, "deferred": "1"}, {"a": "b"}):
        response = browser.post(
            f"/api/v1/cases/{number}/actions/accept", body, headers={"X-CSRFToken": token}
        )
        _bad_request(response)
    response = browser.post(
        f"/api/v1/cases/{number}/actions/accept",
        b"--x\r\n",
        content_type="multipart/form-data",
        headers={"X-CSRFToken": token},
    )
    _bad_request(response)
