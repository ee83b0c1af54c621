"""The proxy service's rules on case actions, subscribed to the case hooks (cases imports nothing from here).

- The township decides on papers it holds: accepting, listing what is missing or refusing a proxy case
  whose papers are still with the agent or on the road would be judging papers nobody at the center has
  seen, and would start the statutory clock before the township has the application (409).
- An agent delivers only a result that came back down to them in a return handover (409).
- A clerk hands a proxy case's result over at the window only while the township still holds it: a
  villager who comes to the center takes the result home at once ("最多跑一次"); once it left with the
  agent, the agent delivers it with the villager's signed receipt (409).
- A result taken at the window moves custody to the villager, inside the delivery's transaction.
"""

from bianmin.cases import hooks
from bianmin.cases.actions import label_of
from bianmin.cases.custody import custody_of, custody_row, move, papers_at_township
from bianmin.cases.lifecycle import AGENT
from bianmin.cases.models import Channel, Location
from bianmin.core.errors import Conflict

# The township's decisions on what it received: for a proxy case, only once its papers are there.
PAPER_DECISIONS = ("accept", "request_supplement", "refuse")


@hooks.subscribe(hooks.GUARD, PAPER_DECISIONS)
def papers_must_be_at_township(acted: hooks.Acted) -> None:
    case = acted.case
    if papers_at_township(case):
        return
    where = custody_of(case)
    raise Conflict(
        f"该代办件的材料尚未交到镇中心（现在：{where['location_label']}，{where['holder']}），"
        f"不能{label_of(acted.action)}。请先签收代办员的交接单。",
        code="papers_not_at_township",
    )


@hooks.subscribe(hooks.GUARD, ["deliver"])
def result_must_be_in_hand(acted: hooks.Acted) -> None:
    case = acted.case
    if acted.role == AGENT:
        row = custody_row(case)
        if row is None or row.location != Location.VILLAGE or row.holder_user_id != acted.actor.pk:
            raise Conflict("办理结果尚未交回代办员，不能送达", code="result_not_back")
        return
    if case.channel != Channel.PROXY or custody_of(case)["location"] == Location.TOWNSHIP:
        return
    raise Conflict(
        f"办理结果已交代办员带回（现在：{custody_of(case)['holder']}），请由代办员送达",
        code="result_with_agent",
    )


@hooks.subscribe(hooks.IN_TRANSACTION, ["deliver"])
def taken_at_window(acted: hooks.Acted) -> None:
    """The villager took the result at the window: the papers are with them now, back in the village."""
    case = acted.case
    if case.channel == Channel.PROXY and acted.role != AGENT:
        receiver = (acted.event.data or {}).get("receiver", "")
        move(case, Location.VILLAGE, label=f"申请人{receiver}（在{case.center.name}窗口领取）")
