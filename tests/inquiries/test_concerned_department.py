"""A complaint can name only a department of its own center or one the registrar's scope covers: 天度镇's
window cannot put a complaint on 法门镇's departments (it would count in 法门镇's complaint figures)."""

import pytest
from django.test import Client

from bianmin.inquiries.models import WorkOrder
from bianmin.regions.models import Department
from tests.inquiries.conftest import complaint_body

pytestmark = pytest.mark.django_db


def dept(town: str) -> Department:
    return Department.objects.filter(center__region__name=town, name__contains="民政").first()


def test_tiandu_cannot_name_a_famen_department(api):
    famen, tiandu = dept("法门镇"), dept("天度镇")
    assert famen and tiandu
    before = WorkOrder.objects.count()
    r = api("tiandu_clerk").post("inquiries", complaint_body(concerned_department=famen.code))
    assert r.status_code == 422, r.content
    assert "concerned_department" in r.json()["error"]["fields"]
    assert WorkOrder.objects.count() == before
    ok = api("tiandu_clerk").post("inquiries", complaint_body(concerned_department=tiandu.code))
    assert ok.status_code == 201, ok.content
    assert WorkOrder.objects.get(number=ok.json()["number"]).concerned_department == tiandu
    assert (
        api("famen_clerk").post("inquiries", complaint_body(concerned_department=famen.code)).status_code
        == 201
    )


def test_a_public_complaint_names_only_its_centers_departments(demo):
    famen, tiandu = dept("法门镇"), dept("天度镇")
    body = complaint_body(channel="web", center=famen.center.code, concerned_department=tiandu.code)
    c = Client(REMOTE_ADDR="10.9.8.7")
    r = c.post("/api/v1/inquiries", body, content_type="application/json")
    assert r.status_code == 422 and "concerned_department" in r.json()["error"]["fields"]
    body["concerned_department"] = famen.code
    assert c.post("/api/v1/inquiries", body, content_type="application/json").status_code == 201
