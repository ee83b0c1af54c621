"""The applicant's text after each step, written to the outbox inside the action's transaction.

One text per action, rendered from the message templates (bianmin.messaging.templates: the county's own
text, else the default) with the case's and the event's facts. The message row commits or rolls back with
the action (so no step is told that did not happen, and none is lost if the process dies right after the
commit); the outbox sends it after commit. Texts never carry a full ID number (no template may name one).
"""

from bianmin.cases import hooks
from bianmin.cases.models import SuspensionKind


def _deadline(case) -> str:
    return f"{case.deadline:%Y年%m月%d日}" if case.deadline else ""


def _params(case, data: dict) -> dict:
    return {
        "center": case.center.name, "number": case.number, "item": case.item.name,
        "query_code": case.query_code, "deadline": _deadline(case),
        "count": len(data.get("missing", [])), "days": data.get("days", ""),
        "kind": SuspensionKind(data["kind"]).label if data.get("kind") in SuspensionKind.values else "",
        "outcome": case.get_outcome_display() if case.outcome else "",
    }  # fmt: skip


ACTIONS = [
    "receive",
    "accept",
    "request_supplement",
    "refuse",
    "suspend",
    "resume",
    "extend",
    "complete",
    "withdraw",
]


@hooks.subscribe(hooks.IN_TRANSACTION, ACTIONS)
def tell_the_applicant(acted: hooks.Acted) -> None:
    from bianmin.messaging.services import send_message
    from bianmin.messaging.templates import render

    case = acted.case
    data = (acted.event.data if acted.event else None) or {}
    code = "accept_complete" if acted.action == "accept" and data.get("complete") else acted.action
    params = _params(case, data)
    text, urgent = render(code, case.county, params)
    send_message(
        case.applicant_phone, acted.action, text,
        {"case": case.number, "center": case.center.name, "template": code},
        case=case, key=f"event:{acted.event.pk}" if acted.event else "", key_is_new=True, urgent=urgent,
    )  # fmt: skip
