"""Scans: JPEG, PNG or PDF by content (not by name), at most 20 MB, stored only when valid."""

from django.core.files.uploadedfile import SimpleUploadedFile

from bianmin.cases.models import Attachment

from .factories import intake, make_item

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 100
PDF = b"%PDF-1.4\n%\xe2\xe3\n" + b"0" * 100


def _upload(client, number, data, name="scan.jpg", **form):
    return client.client.post(
        f"/api/v1/cases/{number}/files",
        {"file": SimpleUploadedFile(name, data), **form},
        headers=client.headers,
    )


def test_jpeg_and_pdf_scans_are_stored_and_listed_with_their_material(api, now):
    clerk = api("famen_clerk")
    item = make_item("promised")
    number = clerk.post("cases", intake(item)).json()["number"]
    material = item.materials.first().pk
    assert _upload(clerk, number, JPEG, material=material).status_code == 201
    assert _upload(clerk, number, PDF, name="scan.exe").json()["content_type"] == "application/pdf"
    case = clerk.get(f"cases/{number}").json()
    row = next(m for m in case["materials"] if m["material"] == material)
    assert [f["content_type"] for f in row["files"]] == ["image/jpeg"]
    assert [e["action"] for e in case["events"]].count("upload") == 2


def test_non_image_is_rejected_by_content_even_with_an_image_name(api, now):
    clerk = api("famen_clerk")
    number = clerk.post("cases", intake(make_item("promised"))).json()["number"]
    r = _upload(clerk, number, b"MZ\x90\x00 not an image", name="photo.jpg")
    assert r.status_code == 422 and "file" in r.json()["error"]["fields"]
    assert Attachment.objects.count() == 0


def test_oversized_scan_is_413(api, now):
    clerk = api("famen_clerk")
    number = clerk.post("cases", intake(make_item("promised"))).json()["number"]
    r = _upload(clerk, number, JPEG + b"\x00" * (20 * 1024 * 1024))
    assert r.status_code == 413 and r.json()["error"]["code"] == "too_large"
    assert Attachment.objects.count() == 0


def test_scan_for_a_foreign_material_is_422(api, now):
    clerk = api("famen_clerk")
    number = clerk.post("cases", intake(make_item("promised"))).json()["number"]
    other = make_item("instant").materials.first().pk
    assert _upload(clerk, number, JPEG, material=other).status_code == 422
    assert Attachment.objects.count() == 0
