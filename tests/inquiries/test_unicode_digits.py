"""Digits int() refuses ("²", "٣") typed into an order page's action forms: 422 with a Chinese field message."""

import pytest
from django.test import Client

from bianmin.accounts.models import User
from bianmin.core import clock
from bianmin.inquiries.models import WorkOrder
from tests.inquiries.conftest import complaint_body

pytestmark = pytest.mark.django_db


def _login(username: str) -> Client:
    c = Client(raise_request_exception=False)
    c.force_login(User.objects.get(username=username))
    return c


@pytest.mark.parametrize("value", ["²", "٣", "-²", "１"])
@pytest.mark.parametrize(
    ("action", "field", "message"),
    [
        ("extend", "days", "请填写整数"),
        ("answer", "version", "页面版本有误"),
        ("callback", "level", "请填写整数"),
    ],
)
def test_unicode_digits_are_a_422_with_a_field_message(api, value, action, field, message):
    with clock.pinned("2026-03-02T09:00:00+08:00"):
        number = api("famen_clerk").post("inquiries", complaint_body()).json()["number"]
    before = WorkOrder.objects.get(number=number)
    data = {field: value, "reason": "需要核实", "text": "已办理", "reached": "yes"}
    r = _login("famen_director").post(f"/inquiries/{number}/act/{action}/", data)
    assert r.status_code == 422
    assert message in r.content.decode()
    after = WorkOrder.objects.get(number=number)
    assert (after.state, after.extension_days, after.extension_requested) == (
        before.state,
        before.extension_days,
        before.extension_requested,
    )
