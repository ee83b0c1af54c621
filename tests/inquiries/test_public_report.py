"""A named 举报 sent online without an account: 201 with its number and query code; and an answer that
cannot be written keeps nothing of the order."""

import pytest
from django.test import Client

from bianmin.inquiries import present
from bianmin.inquiries.models import OrderKey, WorkOrder

pytestmark = pytest.mark.django_db

FAMEN = "61032410600001"


def public_report(**headers):
    body = {"kind": "report", "content": "举报某工作人员办事收红包", "center": FAMEN,
            "person": {"name": "李举报", "phone": "13900001111"}}  # fmt: skip
    return Client(raise_request_exception=False).post(
        "/api/v1/inquiries", body, content_type="application/json", headers=headers
    )


def test_a_named_public_report_answers_201_with_its_number_and_code(demo):
    r = public_report()
    assert r.status_code == 201, r.content
    data = r.json()
    order = WorkOrder.objects.get(number=data["number"])
    assert order.confidential and data["query_code"] == order.query_code
    assert "13900001111" not in r.content.decode()


def test_when_the_answer_fails_the_order_is_not_kept(demo, monkeypatch):
    def broken(*a, **kw):
        raise RuntimeError("answer failed")

    monkeypatch.setattr("bianmin.inquiries.api.order_json", broken)
    before = WorkOrder.objects.count()
    r = public_report(**{"Idempotency-Key": "k-broken"})
    assert r.status_code == 500
    assert WorkOrder.objects.count() == before
    assert not OrderKey.objects.filter(key="k-broken").exists()
    assert present.order_json is not broken
