"""Intake at the window: what a clerk enters is checked, a bad request stores nothing, retries are safe."""

import pytest

from bianmin.cases.models import Case, CaseMaterial, Event
from bianmin.catalog.models import ItemStatus
from bianmin.core import clock

from .factories import credit_code, id_number, intake, make_item


def _fields(response):
    assert response.status_code == 422, response.content
    return response.json()["error"]["fields"]


@pytest.mark.parametrize(
    "change, field",
    [
        (lambda b: b["applicant"].update(id_number=id_number(1)[:17] + ("0" if id_number(1)[17] != "0" else "1")), "applicant.id_number"),
        (lambda b: b["applicant"].update(id_number="61032419801301001X"), "applicant.id_number"),
        (lambda b: b["applicant"].update(phone="1234"), "applicant.phone"),
        (lambda b: b["applicant"].update(phone="12812345678"), "applicant.phone"),
        (lambda b: b["applicant"].update(name=""), "applicant.name"),
        (lambda b: b["applicant"].update(name="张\x0b三"), "applicant.name"),
        (lambda b: b["applicant"].update(address="法门村\x1b三组"), "applicant.address"),
        (lambda b: b["answers"].pop("reason"), "answers.reason"),
        (lambda b: b["answers"].update(household="三口人"), "answers.household"),
        (lambda b: b["answers"].update(category="城镇"), "answers.category"),
        (lambda b: b["answers"].update(unknown="x"), "answers.unknown"),
        (lambda b: b["materials"].append({"material": 999999, "originals": 1}), "materials.3.material"),
        (lambda b: b.update(item="NO-SUCH-ITEM"), "item"),
        (lambda b: b.update(channel="fax"), "channel"),
    ],
)  # fmt: skip
def test_bad_intake_is_rejected_with_the_field_and_stores_nothing(api, now, change, field):
    clerk = api("famen_clerk")
    body = intake(make_item("promised"))
    change(body)
    assert field in _fields(clerk.post("cases", body))
    assert Case.objects.count() == 0 and CaseMaterial.objects.count() == 0 and Event.objects.count() == 0


def test_material_of_another_item_is_foreign(api, now):
    clerk = api("famen_clerk")
    item, other = make_item("promised"), make_item("instant")
    body = intake(item)
    body["materials"][0]["material"] = other.materials.first().pk
    assert "materials.0.material" in _fields(clerk.post("cases", body))
    assert Case.objects.count() == 0


def test_organisation_needs_a_valid_credit_code(api, now):
    clerk = api("famen_clerk")
    item = make_item("promised")
    org = {"kind": "organisation", "name": "扶风县法门镇惠农合作社", "credit_code": credit_code(7),
           "contact_name": "李会计", "phone": "0917-5521234"}  # fmt: skip
    good = clerk.post("cases", intake(item, applicant=org))
    assert good.status_code == 201, good.content
    assert good.json()["applicant"]["credit_code"] == credit_code(7)
    bad = dict(org, credit_code=credit_code(7)[:17] + ("0" if credit_code(7)[17] != "0" else "1"))
    assert "applicant.credit_code" in _fields(clerk.post("cases", intake(item, applicant=bad)))


def test_idempotency_key_returns_the_first_case(api, now):
    clerk = api("famen_clerk")
    body = intake(make_item("promised"))
    first = clerk.post("cases", body, headers={"Idempotency-Key": "k-123"})
    again = clerk.post("cases", body, headers={"Idempotency-Key": "k-123"})
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["number"] == again.json()["number"]
    assert Case.objects.count() == 1
    other = dict(body, answers={**body["answers"], "reason": "另一份"})
    assert clerk.post("cases", other, headers={"Idempotency-Key": "k-123"}).status_code == 409


def test_numbers_are_readable_and_gapless_per_center_per_day(api, now):
    clerk, tiandu = api("famen_clerk"), api("tiandu_clerk")
    item = make_item("promised")
    numbers = [clerk.post("cases", intake(item, n=i)).json()["number"] for i in range(3)]
    assert numbers == ["FM-20260302-0001", "FM-20260302-0002", "FM-20260302-0003"]
    with clock.pinned("2026-03-03T08:30:00+08:00"):
        assert clerk.post("cases", intake(item)).json()["number"] == "FM-20260303-0001"
    tiandu_item = make_item("promised", region="610324100000")
    assert tiandu.post("cases", intake(tiandu_item)).json()["number"] == "TD-20260302-0001"


def test_a_clerk_cannot_receive_for_another_center(api, now):
    clerk = api("famen_clerk")
    body = intake(make_item("promised"), center="61032410000001")
    assert "center" in _fields(clerk.post("cases", body))


def test_approver_cannot_receive(api, now):
    assert api("famen_minzheng").post("cases", intake(make_item("promised"))).status_code == 403


def test_case_keeps_its_item_version_after_republication(api, now):
    clerk = api("famen_clerk")
    v1 = make_item("promised", code="T-REPUBLISH")
    number = clerk.post("cases", intake(v1)).json()["number"]
    v1.status = ItemStatus.SUPERSEDED
    v1.save()
    v2 = make_item("promised", code="T-REPUBLISH", version=2, promised=10)
    case = clerk.post(f"cases/{number}/actions/accept", {}).json()
    assert case["item"] == {"code": "T-REPUBLISH", "name": v1.name, "version": 1}
    assert case["deadline"] == "2026-03-09"  # v1's 5 days, not v2's 10
    new = clerk.post("cases", intake(v2)).json()
    assert new["item"]["version"] == 2
