"""What the notices say: the acceptance notice's materials and deciding department, the supplement notice's
deadline, place and phone, the delivery receipt's deliverer, the denial's wording by item type, and a print
button (a static script, no inline handler) on every printable page."""

import pytest

from bianmin.cases.models import Document
from bianmin.catalog.models import ItemType

from .factories import intake, make_item, material_id


def _doc(number, kind) -> dict:
    return Document.objects.filter(case__number=number, kind=kind).latest("id").data


def test_the_acceptance_notice_lists_the_materials_received_and_the_deciding_department(api, now):
    clerk = api("famen_clerk")
    number = clerk.post("cases", intake(make_item("escalated"))).json()["number"]
    clerk.post(f"cases/{number}/actions/accept", {})
    data = _doc(number, "acceptance_notice")
    assert [m["name"] for m in data["materials_received"]] == ["申请人身份证", "户口簿", "近期照片"]
    assert data["materials_received"][0]["originals"] == 1
    assert "县民政局" in data["deciding_department"] or "民政" in data["deciding_department"]
    html = clerk.get(f"/cases/{number}/documents/acceptance_notice/")
    assert html.status_code in (200, 302)


def test_the_supplement_notice_says_by_when_where_and_whom_to_call(api, now):
    clerk = api("famen_clerk")
    item = make_item("promised")
    number = clerk.post("cases", intake(item, missing=("户口簿",))).json()["number"]
    body = {"missing": [{"material": material_id(item, "户口簿"), "reason": "缺户口簿"}]}
    too_soon = clerk.post(f"cases/{number}/actions/request_supplement", {**body, "due": "2026-03-02"})
    assert too_soon.status_code == 422 and "due" in too_soon.json()["error"]["fields"]
    clerk.post(f"cases/{number}/actions/request_supplement", body)
    data = _doc(number, "supplement_notice")
    assert data["due"] == "2026年03月16日"  # ten working days after Monday 2 March
    assert data["bring_to"] == "法门镇便民服务中心" and data["service_phone"]
    assert data["missing"][0]["originals"] == 1


def test_the_delivery_receipt_names_who_delivered(api, now):
    clerk = api("famen_clerk")
    number = clerk.post("cases", intake(make_item("instant"))).json()["number"]
    clerk.post(f"cases/{number}/actions/accept", {"complete": True, "result": "当场出具"})
    clerk.post(f"cases/{number}/actions/deliver", {"receiver": "王桂英"})
    data = _doc(number, "delivery_receipt")
    assert data["receiver"] == "王桂英" and data["deliverer"] and data["deliverer_role"] == "窗口工作人员"


@pytest.mark.parametrize(
    ("item_type", "word"),
    [(ItemType.LICENSE, "不予许可"), (ItemType.BENEFIT, "不予批准"), (ItemType.CONFIRMATION, "不予办理")],
)
def test_a_denial_is_worded_by_the_items_type(api, now, item_type, word):
    clerk, minzheng = api("famen_clerk"), api("famen_minzheng")
    item = make_item("promised")
    item.item_type = item_type
    item.save(update_fields=["item_type"])
    number = clerk.post("cases", intake(item)).json()["number"]
    clerk.post(f"cases/{number}/actions/accept", {})
    minzheng.post(f"cases/{number}/actions/complete", {"outcome": "denied", "reason": "不符合条件"})
    denial = Document.objects.get(case__number=number, kind="denial_decision")
    assert denial.title == f"{word}决定书" and denial.data["denial_word"] == word


def test_every_printable_page_has_a_print_button_with_a_static_script(api, now, client):
    clerk = api("famen_clerk")
    number = clerk.post("cases", intake(make_item("promised"))).json()["number"]
    clerk.post(f"cases/{number}/actions/accept", {})
    client.login(username="famen_clerk", password="Demo@2026")
    page = client.get(f"/cases/{number}/documents/acceptance_notice/").content.decode()
    assert "data-print" in page and "cases/print.js" in page
    assert "onclick" not in page and "javascript:" not in page
