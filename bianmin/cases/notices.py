"""The applicant's text after each step, written to the outbox inside the action's transaction.

One text per action, filled from the case and the event as written. The message row commits or rolls back
with the action (so no step is told that did not happen, and none is lost if the process dies right after
the commit); the outbox sends it after commit. Texts never carry a full ID number.
"""

from bianmin.cases import hooks
from bianmin.cases.models import SuspensionKind


def _deadline(case) -> str:
    return f"{case.deadline:%Y年%m月%d日}" if case.deadline else ""


TEXTS = {
    "receive": lambda c, d: f"您申请的“{c.item.name}”已收件，办件编号{c.number}，查询码{c.query_code}。",
    "accept": lambda c, d: (
        f"您的办件{c.number}已受理并当场办结，请领取结果。"
        if d.get("complete")
        else f"您的办件{c.number}已受理，承诺于{_deadline(c)}前办结。"
    ),
    "request_supplement": lambda c, d: (
        f"您的办件{c.number}需补正{len(d.get('missing', []))}项材料，详见一次性告知书。"
    ),
    "refuse": lambda c, d: f"您的办件{c.number}不予受理，理由及救济途径详见不予受理通知书。",
    "suspend": lambda c, d: f"您的办件{c.number}进入{SuspensionKind(d['kind']).label}程序，暂停计时。",
    "resume": lambda c, d: f"您的办件{c.number}恢复计时，办结期限顺延至{_deadline(c)}。",
    "extend": lambda c, d: f"您的办件{c.number}办理期限延长{d.get('days')}个工作日，至{_deadline(c)}。",
    "complete": lambda c, d: f"您的办件{c.number}已办结（{c.get_outcome_display()}），请按约定方式领取。",
    "withdraw": lambda c, d: f"您的办件{c.number}已撤回。",
}


@hooks.subscribe(hooks.IN_TRANSACTION, TEXTS)
def tell_the_applicant(acted: hooks.Acted) -> None:
    from bianmin.messaging.services import send_message

    case = acted.case
    data = (acted.event.data if acted.event else None) or {}
    text = TEXTS[acted.action](case, data)
    send_message(
        case.applicant_phone, acted.action, f"【{case.center.name}】{text}",
        {"case": case.number, "center": case.center.name},
        case=case, key=f"event:{acted.event.pk}" if acted.event else "", key_is_new=True,
    )  # fmt: skip
