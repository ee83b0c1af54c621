"""The supervision sweep's source (interfaces.md §2): one dict per open order, who must act now, streamed."""

import datetime as dt

from bianmin.accounts.models import User
from bianmin.core import clock
from bianmin.inquiries.supervised import open_items

from .conftest import complaint_body


def test_open_items_name_who_must_act_and_leave_out_finished_orders(api):
    clerk = api("famen_clerk")
    with clock.pinned("2026-03-02T10:00:00+08:00"):
        waiting = clerk.post("inquiries", complaint_body(kind="consult")).json()["number"]
        sent = clerk.post("inquiries", complaint_body(kind="complaint")).json()["number"]
        clerk.post(f"inquiries/{sent}/actions/dispatch", {"department": "610324106000MZ"})
        done = clerk.post("inquiries", complaint_body(kind="consult")).json()["number"]
        clerk.post(f"inquiries/{done}/actions/answer", {"text": "当场答复"})
    items = {item["ref"]: item for item in open_items(dt.date(2026, 3, 10))}
    assert set(items) == {waiting, sent}
    users = {u.username: u.pk for u in User.objects.filter(username__in=["famen_clerk", "famen_minzheng"])}
    first = items[waiting]
    assert first["kind"] == "inquiry" and first["user_ids"] == [users["famen_clerk"]]  # 首问负责
    assert first["due"] == dt.date(2026, 3, 3)  # dispatch within 1 working day
    assert first["region_code"] == "610324106000" and first["link"] == f"/inquiries/{waiting}/"
    second = items[sent]
    assert second["user_ids"] == [users["famen_minzheng"]] and second["due"] == dt.date(2026, 3, 19)
    assert "13912345678" not in str(items) and "王" not in str(items)
