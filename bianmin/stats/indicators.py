"""Every indicator, defined once: its formula in Chinese and English (the docstring, shown as the tooltip on
the pages), how it is computed from the summed rollup measures, and — for counts — which cases make it up
(the drill-down list uses the same definition, so the list's count equals the number clicked).

Cases count by the date of the event: received by received date, accepted by acceptance date, completed by
completion date (API.md). Rates are fractions 0..1, None when the denominator is 0.
"""

import datetime as dt
import inspect
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q

from bianmin.cases.models import OPEN, Event
from bianmin.core import clock


def ratio(numerator, denominator) -> float | None:
    return None if not denominator else numerator / denominator


def _start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=clock.SHANGHAI)


def _between(field: str, date_from: dt.date, date_to: dt.date) -> Q:
    return Q(**{f"{field}__gte": _start(date_from), f"{field}__lt": _start(date_to + dt.timedelta(days=1))})


def _events(action: str, date_from, date_to) -> Q:
    return Q(pk__in=Event.objects.filter(_between("at", date_from, date_to), action=action).values("case_id"))


def overdue_q(as_of: dt.date) -> Q:
    """Open (not suspended) with the deadline before `as_of`: the red light, read off the open-case index."""
    return OPEN & ~Q(state="suspended") & Q(deadline__lt=as_of)


@dataclass(frozen=True)
class Indicator:
    key: str
    name: str
    unit: str  # 件 | % | 天
    compute: Callable[[dict], float | int | None]
    cases: Callable[[dt.date, dt.date], Q] | None = None  # the cases that make the number up

    @property
    def formula(self) -> str:
        return inspect.getdoc(self.compute) or ""

    @property
    def tooltip(self) -> str:
        return self.formula.replace("\n", " ")


INDICATORS: dict[str, Indicator] = {}


def indicator(key: str, name: str, unit: str = "件", cases=None):
    def register(fn):
        INDICATORS[key] = Indicator(key, name, unit, fn, cases)
        return fn

    return register


@indicator("received", "收件量", cases=lambda a, b: _between("received_at", a, b))
def received(t):
    """收件量 = 期间内收件的办件数（按收件日期）。
    Received = cases received in the period (by date received)."""
    return t["received"]


@indicator("accepted", "受理量", cases=lambda a, b: _between("accepted_at", a, b))
def accepted(t):
    """受理量 = 期间内受理的办件数（按受理日期，含即办件当场受理）。
    Accepted = cases accepted in the period (by acceptance date)."""
    return t["accepted"]


@indicator("completed", "办结量", cases=lambda a, b: _between("completed_at", a, b))
def completed(t):
    """办结量 = 期间内办结的办件数（准予与不予许可，按办结日期）。
    Completed = cases completed (approved or denied) in the period, by completion date."""
    return t["completed"]


@indicator(
    "completed_on_time",
    "按期办结量",
    cases=lambda a, b: _between("completed_at", a, b) & Q(completed_on_time=True),
)
def completed_on_time(t):
    """按期办结量 = 期间内办结且办结日不晚于承诺办结日期的办件数。
    Completed on time = cases completed in the period on or before their deadline."""
    return t["on_time"]


@indicator("on_time_rate", "按期办结率", "%")
def on_time_rate(t):
    """按期办结率 = 按期办结量 ÷ 办结量。
    On-time rate = completed on time ÷ completed."""
    return ratio(t["on_time"], t["completed"])


@indicator("early_rate", "提前办结率", "%")
def early_rate(t):
    """提前办结率 = 早于承诺办结日期办结的件数 ÷ 办结量。
    Early rate = completed before the deadline day ÷ completed."""
    return ratio(t["early"], t["completed"])


@indicator("avg_handling_days", "平均办理时长", "天")
def avg_handling_days(t):
    """平均办理时长 = Σ(计时起算日至办结日的工作日数 − 暂停计时工作日) ÷ 办结量（工作日）。
    Average handling time = Σ(working days from clock start to completion − paused days) ÷ completed."""
    return ratio(t["handling_days"], t["completed"])


@indicator("instant_share", "即办件占比", "%")
def instant_share(t):
    """即办件占比 = 即办件收件量 ÷ 收件量（类型按事项：承诺时限为 0 的即办事项）。
    Instant share = cases of instant items received ÷ received."""
    return ratio(t["received_instant"], t["received"])


@indicator("promised_count", "承诺件数")
def promised_count(t):
    """承诺件数 = 期间内收件的承诺件（事项有承诺时限、非联办、非上报）。
    Promised cases = cases of promised items received in the period."""
    return t["received_promised"]


@indicator("joint_count", "联办件数")
def joint_count(t):
    """联办件数 = 期间内收件的联办件（两个及以上部门会签的事项）。
    Joint cases = cases of joint items (two or more departments sign) received in the period."""
    return t["received_joint"]


@indicator("escalated_count", "上报件数")
def escalated_count(t):
    """上报件数 = 期间内收件的上报件（乡镇初审、县级部门决定的事项）。
    Escalated cases = cases of items decided by a county department received in the period."""
    return t["received_escalated"]


@indicator("online_share", "网办率", "%")
def online_share(t):
    """网办率 = 网上申请的收件量 ÷ 收件量。
    Online share = cases received online ÷ received."""
    return ratio(t["received_online"], t["received"])


@indicator("proxy_count", "代办件数", cases=lambda a, b: _between("received_at", a, b) & Q(channel="proxy"))
def proxy_count(t):
    """代办件数 = 期间内村级代办员登记收件的办件数。
    Proxy cases = cases received in the period through a village agent."""
    return t["received_proxy"]


@indicator(
    "home_visit_count",
    "上门代办数",
    cases=lambda a, b: _between("received_at", a, b) & Q(proxy_home_visit=True),
)
def home_visit_count(t):
    """上门代办数 = 期间内收件、代办员上门办理的办件数。
    Home visits = cases received in the period where the agent went to the applicant's home."""
    return t["home_visit"]


@indicator("refused", "不予受理数", cases=lambda a, b: _events("refuse", a, b))
def refused(t):
    """不予受理数 = 期间内作出不予受理决定的办件数（按决定日期）。
    Refused = cases refused acceptance in the period (by the day of the decision)."""
    return t["refused"]


@indicator(
    "supplement_rate",
    "补正率",
    "%",
)
def supplement_rate(t):
    """补正率 = 期间内收件中被一次性告知补正的件数 ÷ 收件量。
    Supplement rate = cases received in the period that were asked for a supplement ÷ received."""
    return ratio(t["needed_supplement"], t["received"])


@indicator("one_visit_rate", "一次办成率", "%")
def one_visit_rate(t):
    """一次办成率 = 办结件中从未被要求补正（最多跑一次）的件数 ÷ 办结量。
    One-visit rate = completed cases never asked for a supplement (at most one visit) ÷ completed."""
    return ratio(t["one_visit"], t["completed"])


@indicator("withdrawn", "撤回数", cases=lambda a, b: _events("withdraw", a, b))
def withdrawn(t):
    """撤回数 = 期间内申请人撤回的办件数（按撤回日期）。
    Withdrawn = cases withdrawn by the applicant in the period."""
    return t["withdrawn"]


@indicator("overdue_open", "超期件", cases=lambda a, b: overdue_q(min(b, clock.today())))
def overdue_open(t):
    """超期件 = 截至期末（或今天）仍未办结、未暂停计时且已过承诺办结日期的办件数（按办件表即时统计）。
    Overdue = cases still open (not suspended) whose deadline is before the end of the period (or today)."""
    return t.get("overdue_open")


def take_on_rate(delegated: int, taken: int) -> float | None:
    """承接率 = 乡镇已承接的县级下放事项数 ÷ 县级下放事项数。
    Take-on rate = delegated county items a township has taken on ÷ delegated items."""
    return ratio(taken, delegated)


def values(totals: dict) -> dict:
    """Every indicator's value from the summed measures (and the overdue count, when given)."""
    return {key: ind.compute(totals) for key, ind in INDICATORS.items()}


# What a dashboard shows, in order (key figures first).
KEY_FIGURES = (
    "received",
    "accepted",
    "completed",
    "on_time_rate",
    "early_rate",
    "avg_handling_days",
    "overdue_open",
    "instant_share",
    "online_share",
    "proxy_count",
    "home_visit_count",
    "refused",
    "supplement_rate",
    "one_visit_rate",
    "promised_count",
    "joint_count",
    "escalated_count",
)
