"""Random case lifecycles through the real actions (the incremental path), for the rollup tests."""

import datetime as dt

from bianmin.accounts.models import User
from bianmin.cases.actions import dispatch
from bianmin.cases.actions.intake import intake_case
from bianmin.core import clock
from tests.cases.factories import intake, material_id

CLASSES = ("instant", "promised", "joint", "escalated")
CHANNELS = ("window", "phone", "mobile")
PLANS = (
    "leave",
    "accept",
    "complete",
    "complete_late",
    "deny",
    "refuse",
    "withdraw",
    "supplement",
    "suspend",
)


def _moment(start: dt.date, offset: int) -> str:
    return f"{start + dt.timedelta(days=offset)}T{9 + offset % 8:02d}:30:00+08:00"


def run(items: dict, plan: str, kind: str, channel: str, start: dt.date, gap: int, n: int) -> None:
    """One case received on `start`, then the plan's steps `gap` days apart (the clock pinned each time)."""
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["famen_clerk", "famen_minzheng", "famen_renshe"])
    }
    clerk, mz, rs = users["famen_clerk"], users["famen_minzheng"], users["famen_renshe"]
    county = User.objects.filter(posts__department__code="610324000000MZ", posts__is_active=True).first()
    item = items[kind]
    offset = [0]

    def step(user, name, data):
        offset[0] += gap
        with clock.pinned(_moment(start, offset[0])):
            dispatch(name, user, number, data)

    body = intake(item, n=n, channel=channel)
    decision = {"refuse": "refuse"}.get(plan, "register")
    if kind == "instant" and plan in ("accept", "complete", "complete_late", "deny"):
        decision = "accept_complete"
    with clock.pinned(_moment(start, 0)):
        case, _ = intake_case(
            clerk,
            decision=decision,
            reason="材料不符合法定形式",
            result="当场办结",
            item=body["item"],
            channel=channel,
            applicant=body["applicant"],
            answers=body["answers"],
            materials=body["materials"],
        )
    number = case.number
    if decision != "register" or plan == "leave":
        return
    if plan == "withdraw":
        return step(
            clerk,
            "withdraw",
            {
                "reason": "申请人不再需要",
                "signature": "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
            },
        )
    if plan == "supplement":
        hukou = material_id(item, "户口簿")
        step(clerk, "request_supplement", {"missing": [{"material": hukou, "reason": "复印件不清"}]})
        step(clerk, "supplement", {"materials": [{"material": hukou, "originals": 1, "copies": 1}]})
    step(clerk, "accept", {})
    if plan == "accept" or kind == "instant":
        return
    if plan == "suspend":
        step(mz, "suspend", {"kind": "inspection", "reason": "入户核查", "expected_end": "2027-12-31"})
        step(mz, "resume", {})
    outcome = (
        {"outcome": "denied", "reason": "不符合条件"}
        if plan == "deny"
        else {"outcome": "approved", "result": "准予"}
    )
    if kind == "joint":
        step(mz, "approve", {})
        step(rs, "approve", {})
    if kind == "escalated":
        step(mz, "escalate", {"opinion": "符合条件"})
        return step(county, "complete", outcome)
    if plan == "complete_late":
        offset[0] += 30
    step(mz, "complete", outcome)
