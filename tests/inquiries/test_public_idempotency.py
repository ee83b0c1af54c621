"""Citizens behind one township NAT share an address: an Idempotency-Key gives back the first order only to a
byte-identical body (the person's phone included); any other body is a 409 that says nothing of it."""

import pytest
from django.test import Client

from bianmin.inquiries.models import WorkOrder

pytestmark = pytest.mark.django_db

FAMEN = "61032410600001"
NAT = "10.20.30.40"


def send(body: dict, key: str = "form-1"):
    return Client(REMOTE_ADDR=NAT).post(
        "/api/v1/inquiries", body, content_type="application/json", headers={"Idempotency-Key": key}
    )


def body(**overrides) -> dict:
    b = {"kind": "consult", "content": "低保怎么申请？", "center": FAMEN,
         "person": {"name": "张三", "phone": "13800138000"}}  # fmt: skip
    b.update(overrides)
    return b


def test_a_true_retry_gets_the_first_order_back(demo):
    first = send(body())
    assert first.status_code == 201, first.content
    again = send(body())
    assert again.status_code == 200
    assert again.json()["number"] == first.json()["number"]
    assert WorkOrder.objects.count() == 1


@pytest.mark.parametrize(
    "other",
    [
        {"person": {"name": "李四", "phone": "13900139000"}},
        {"person": {"name": "张三", "phone": "13900139000"}},
        {"item": "ITEM-OTHER"},
        {"concerned_department": "610324106000MZ"},
        {"content": "低保怎么申请？请回电"},
    ],
)
def test_another_body_with_the_same_key_from_the_same_address_is_409_revealing_nothing(demo, other):
    first = send(body())
    assert first.status_code == 201, first.content
    number, code = first.json()["number"], first.json()["query_code"]
    second = send(body(**other))
    assert second.status_code == 409, second.content
    text = second.content.decode()
    assert number not in text and code not in text and "张三" not in text and "138" not in text
    assert WorkOrder.objects.count() == 1


def test_a_concurrent_twin_with_another_body_is_409_too(demo, monkeypatch):
    """Citizen A's order with the key is written while citizen B's is being checked (a race): B's insert hits
    the unique key and gets a 409, not A's number."""
    from bianmin.inquiries import services

    real = services.throttle_public
    state = {"raced": False}

    def race(address):
        real(address)
        if not state["raced"]:
            state["raced"] = True
            assert send(body()).status_code == 201  # A lands first

    monkeypatch.setattr(services, "throttle_public", race)
    b = send(body(person={"name": "李四", "phone": "13900139000"}))
    assert b.status_code == 409, b.content
    first = WorkOrder.objects.get()
    assert first.number not in b.content.decode() and first.query_code not in b.content.decode()
