"""The other triggers: Art. 32's five days in 收件, a second supplement notice, a second yellow card within the
county's period, and the other apps' open items through register_source."""

import datetime as dt

import pytest

from bianmin.core import clock
from bianmin.regions.models import CountySettings, Department
from bianmin.supervision import sweep
from bianmin.supervision.models import Card, Order, Warning
from tests.cases.factories import intake, make_item, material_id

from .conftest import accepted_case, sweep_on

pytestmark = pytest.mark.django_db


def test_application_left_in_receipt_past_five_working_days(api):
    item = make_item("promised")
    with clock.pinned("2026-03-02T09:00:00+08:00"):  # Monday
        number = api("famen_clerk").post("cases", intake(item)).json()["number"]
    sweep_on("2026-03-09")  # five working days end on 3/9: not yet
    assert not Warning.objects.exists()
    sweep_on("2026-03-10")
    w = Warning.objects.get()
    assert (w.kind, w.subject_ref) == ("receipt_overdue", number)
    card = Card.objects.get()
    assert card.person.username == "famen_clerk" and card.department is None
    assert Order.objects.get().person.username == "famen_clerk"


def test_second_supplement_notice_breaks_the_one_time_rule(api):
    item = make_item("promised")
    clerk = api("famen_clerk")
    hukou = material_id(item, "户口簿")
    with clock.pinned("2026-03-02T09:00:00+08:00"):
        number = clerk.post("cases", intake(item, missing=("户口簿",))).json()["number"]
        clerk.post(
            f"cases/{number}/actions/request_supplement", {"missing": [{"material": hukou, "reason": "缺"}]}
        )
        clerk.post(
            f"cases/{number}/actions/supplement",
            {"materials": [{"material": hukou, "originals": 1, "copies": 1}]},
        )
    sweep_on("2026-03-03")
    assert not Warning.objects.exists()
    with clock.pinned("2026-03-03T09:00:00+08:00"):
        r = clerk.post(
            f"cases/{number}/actions/request_supplement",
            {"missing": [{"material": hukou, "reason": "复印件不清"}]},
        )
        assert r.status_code == 200, r.content
    assert sweep_on("2026-03-04")[0] == {"supplement_repeat": 1}
    assert Card.objects.get().person.username == "famen_clerk"


def test_second_yellow_card_within_the_period_turns_red(api):
    CountySettings.objects.create(county_id="610324000000", red_card_period_days=10)
    first = accepted_case(api, at="2026-03-02T09:30:00+08:00")  # deadline 3/9
    second = accepted_case(api, at="2026-03-03T09:30:00+08:00")  # deadline 3/10
    sweep_on("2026-03-10")
    assert list(Card.objects.values_list("color", flat=True)) == ["yellow"]
    raised = sweep_on("2026-03-11")
    assert raised[0] == {"overdue": 1, "repeat_card": 1} and raised[1] == {}
    red = Card.objects.get(color="red")
    assert red.person.username == "famen_minzheng"
    assert red.order.subject_ref == second["number"] and red.order.card == "red"
    assert first["number"] != second["number"]


def test_second_yellow_card_outside_the_period_stays_yellow(api):
    CountySettings.objects.create(county_id="610324000000", red_card_period_days=1)
    accepted_case(api, at="2026-03-02T09:30:00+08:00")
    accepted_case(api, at="2026-03-04T09:30:00+08:00")  # deadline 3/11
    sweep_on("2026-03-10")
    sweep_on("2026-03-12")
    assert sorted(Card.objects.values_list("color", flat=True)) == ["yellow", "yellow"]


def test_registered_sources_get_the_same_rules(demo, monkeypatch):
    rs = Department.objects.get(code="610324106000RS")
    items = [
        {"kind": "inquiry", "ref": "GD-1", "label": "工单GD-1（投诉）", "due": dt.date(2026, 3, 3),
         "center_id": rs.center_id, "department_id": rs.pk, "user_ids": [], "region_code": "610324106000",
         "link": "/inquiries/GD-1/"},
        {"kind": "inquiry", "ref": "GD-2", "label": "工单GD-2（咨询）", "due": dt.date(2026, 3, 9),
         "center_id": rs.center_id, "department_id": rs.pk, "user_ids": [], "region_code": "610324106000",
         "link": "/inquiries/GD-2/"},
    ]  # fmt: skip
    monkeypatch.setitem(sweep.SOURCES, "inquiry", lambda today: iter(items))
    raised = sweep_on("2026-03-06")
    assert raised == [{"yellow": 1, "overdue": 1}, {}]
    order = Order.objects.get()
    assert (order.subject_kind, order.subject_ref, order.department_id) == ("inquiry", "GD-1", rs.pk)
    assert order.person.username == "famen_renshe"  # no one named: the department's approver answers
    # GD-1 is no longer yielded (closed): its warnings stop counting as open.
    items.pop(0)
    sweep_on("2026-03-09")
    assert not Warning.objects.get(subject_ref="GD-1").is_open


def test_repeat_red_card_has_its_own_notice_words(api, client):
    CountySettings.objects.create(county_id="610324000000", red_card_period_days=10)
    accepted_case(api, at="2026-03-02T09:30:00+08:00")
    accepted_case(api, at="2026-03-03T09:30:00+08:00")
    sweep_on("2026-03-10")
    sweep_on("2026-03-11")
    order = Order.objects.get(card="red")
    client.login(username="fufeng_supervisor", password="Demo@2026")
    with clock.pinned("2026-03-11T10:00:00+08:00"):
        html = client.get(f"/supervision/orders/{order.number}/notice/").content.decode()
    assert "第2次黄牌" in html and "提级督办" not in html
