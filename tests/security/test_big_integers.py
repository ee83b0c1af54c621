"""Integers beyond what the database holds are a 422 on their field, never an OverflowError (500)."""

from cases.factories import intake, make_item
from django.core.files.uploadedfile import SimpleUploadedFile
from proxy.factories import register
from proxy.test_papers import _jpeg

HUGE = "1180591620717411303424"  # 2**70


def test_a_huge_material_on_a_scan_upload_is_a_422(api, now):
    clerk = api("famen_clerk")
    number = clerk.post("cases", intake(make_item("promised"))).json()["number"]
    r = clerk.client.post(
        f"/api/v1/cases/{number}/files",
        {"file": SimpleUploadedFile("scan.jpg", _jpeg(), content_type="image/jpeg"), "material": HUGE},
        headers=clerk.headers,
    )
    assert r.status_code == 422 and "material" in r.json()["error"]["fields"]


def test_a_huge_material_on_a_proxy_photo_is_a_422(api, now):
    agent = api("famen_agent")
    number = register(agent, make_item("promised"))
    r = agent.client.post(
        f"/api/v1/proxy/cases/{number}/photos",
        {"file": SimpleUploadedFile("id.jpg", _jpeg(), content_type="image/jpeg"), "material": HUGE},
        headers=agent.headers,
    )
    assert r.status_code == 422 and "material" in r.json()["error"]["fields"]


def test_a_huge_integer_in_a_json_body_is_a_422(api, now):
    body = intake(make_item("promised"))
    body["materials"][0]["material"] = int(HUGE)
    r = api("famen_clerk").post("cases", body)
    assert r.status_code == 422 and "materials.0.material" in r.json()["error"]["fields"]
