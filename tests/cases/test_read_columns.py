"""The read columns the actions keep on the case row agree with the timeline and custody they summarise."""

from bianmin.cases import services
from bianmin.cases.custody import custody_of
from bianmin.cases.models import Case

from .factories import SIGNATURE, intake, make_item


def _case(number) -> Case:
    return Case.objects.select_related("item", "center", "custody", "submitted_by", "escalated_to").get(
        number=number
    )


def _holder_agrees(number) -> str:
    case = _case(number)
    assert case.holder_kind == custody_of(case)["location"]
    return case.holder_kind


def test_escalated_case_goes_to_the_county_and_comes_back_completed_on_time(api, now):
    clerk, minzheng, county = api("famen_clerk"), api("famen_minzheng"), api("fufeng_approver")
    item = make_item("escalated")
    number = clerk.post("cases", intake(item)).json()["number"]
    case = _case(number)
    assert case.county == "610324000000" and case.lead_department_id == item.lead_department_id
    assert _holder_agrees(number) == "township"
    clerk.post(f"cases/{number}/actions/accept", {})
    minzheng.post(f"cases/{number}/actions/escalate", {"opinion": "经入户核查，符合条件"})
    assert _holder_agrees(number) == "county"
    assert _case(number).completed_on_time is None
    county.post(f"cases/{number}/actions/complete", {"outcome": "approved", "result": "纳入特困供养"})
    assert _holder_agrees(number) == "township"
    assert _case(number).completed_on_time is True


def test_withdrawn_at_the_county_stage_is_back_at_the_township(api, now):
    clerk, minzheng = api("famen_clerk"), api("famen_minzheng")
    number = clerk.post("cases", intake(make_item("escalated"))).json()["number"]
    clerk.post(f"cases/{number}/actions/accept", {})
    minzheng.post(f"cases/{number}/actions/escalate", {"opinion": "经入户核查，符合条件"})
    assert (
        clerk.post(
            f"cases/{number}/actions/withdraw", {"reason": "申请人撤回", "signature": SIGNATURE}
        ).status_code
        == 200
    )
    assert _holder_agrees(number) == "township"


def test_pending_extension_follows_request_decline_and_extend(api, now):
    clerk, minzheng, director = api("famen_clerk"), api("famen_minzheng"), api("famen_director")
    number = clerk.post("cases", intake(make_item("promised"))).json()["number"]
    clerk.post(f"cases/{number}/actions/accept", {})
    ask = {"days": 5, "reason": "入户核查"}
    for step, who, body, pending in [
        ("request_extension", minzheng, ask, True),
        ("decline_extension", director, {"reason": "期限内可以办结"}, False),
        ("request_extension", minzheng, ask, True),
        ("extend", director, ask, False),
    ]:
        assert who.post(f"cases/{number}/actions/{step}", body).status_code == 200, step
        case = _case(number)
        assert case.pending_extension is pending
        assert (services.pending_extension_request(case) is not None) is pending
