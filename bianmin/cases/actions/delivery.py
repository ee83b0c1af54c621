"""送达: the result reaches the applicant — at the window, by the village agent, by post or electronically."""

from pydantic import Field

from bianmin.cases.actions.base import Acting
from bianmin.cases.actions.base import text as _text
from bianmin.cases.actions.registry import ActionBody, declare
from bianmin.cases.lifecycle import AGENT
from bianmin.core.errors import Invalid
from bianmin.core.schemas import Text

DELIVERY_METHODS = {"window": "窗口领取", "proxy": "代办员送达", "post": "邮寄", "electronic": "电子送达"}


class DeliverIn(ActionBody):
    method: str = Field("", max_length=20, title="送达方式")
    receiver: Text = Field("", max_length=100, title="签收人")


@declare("deliver", label="送达", schema=DeliverIn, document="delivery_receipt", form="DeliverForm")
def deliver(act: Acting, *, method: str = "", receiver: str = "", signature: str = "") -> None:
    """送达: the delivery receipt (送达回证) is issued; who may hand what over is the guards' business.

    `signature` (a PNG data URI signed on the agent's phone) is passed by the proxy service only, never
    taken from an API body: it is not in the schema.
    """
    method = method or ("proxy" if act.role == AGENT else "window")
    if method not in DELIVERY_METHODS:
        raise Invalid("送达方式无效", fields={"method": "应为 window、proxy、post 或 electronic"})
    case = act.case
    case.delivered_at = act.now
    receiver = _text(receiver)[:100] or case.applicant_name
    act.note = f"{DELIVERY_METHODS[method]}，签收人：{receiver}"
    act.data = {"method": method, "receiver": receiver}
    # The receipt names who handed the result over (送达人) as well as who signed for it.
    deliverer = getattr(act.user, "display_name", "") or getattr(act.user, "username", "")
    act.data["deliverer"] = deliverer
    act.document = {
        "method": DELIVERY_METHODS[method],
        "receiver": receiver,
        "signature": signature,
        "deliverer": deliverer,
        "deliverer_role": "代办员" if act.role == AGENT else "窗口工作人员",
    }
