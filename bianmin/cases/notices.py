"""The applicant's SMS-like notice after each step, subscribed to the after-commit hook (never inside an action).

One text per action, filled from the case and the event as committed; the task records (and, with a
gateway, sends) it. Texts never carry a full ID number.
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


@hooks.subscribe(hooks.AFTER_COMMIT, TEXTS)
def tell_the_applicant(acted: hooks.Acted) -> None:
    from bianmin.cases.tasks import send_notification

    case = acted.case
    text = TEXTS[acted.action](case, (acted.event.data if acted.event else None) or {})
    send_notification(case.pk, acted.action, case.applicant_phone, f"【{case.center.name}】{text}")
