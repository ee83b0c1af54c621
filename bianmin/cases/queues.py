"""The work queues (工作台) each role works from: one filter per queue, always inside cases_visible_to.

A queue is data (key, title, who sees it, a Q filter), so the workbench counts, the list pages and the
tests all read the same definitions. Every queue sorts by deadline and runs a constant number of queries.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Count, F, Prefetch, Q, QuerySet, prefetch_related_objects

from bianmin.accounts import standins
from bianmin.accounts.models import Role
from bianmin.accounts.scope import Scope, scope_of
from bianmin.cases.models import Case, Event, State, Task, TaskState, finished_last
from bianmin.cases.selectors import TASKS_IN_ORDER, cases_visible_to, subtree_q, warning_q
from bianmin.core import clock
from bianmin.regions.models import Department, Level


@dataclass(frozen=True)
class Context:
    scope: Scope
    today: dt.date
    calendar: object
    # AB岗: the scopes of the A holders this user stands in for now (see accounts.standins).
    standin_scopes: tuple[Scope, ...] = ()


@dataclass(frozen=True)
class Queue:
    key: str
    title: str
    description: str
    role: str
    filter: Callable[[Context], Q]
    # Whether the list offers the state filter (the "everything" lists; the others are one state).
    all_states: bool = False
    # County approvers only (上报件): a township approver never receives escalated cases.
    county_only: bool = False


def _center(ctx: Context) -> Q:
    return Q(center_id__in=ctx.scope.center_ids)


def _mine(ctx: Context) -> Q:
    """Cases my departments are responsible for: as lead, as joint signer, or as the county that decides."""
    depts = ctx.scope.department_ids
    return (
        Q(lead_department_id__in=depts)
        | Q(escalated_to_id__in=depts)
        | Q(pk__in=Task.objects.filter(department_id__in=depts).values("case_id"))
    )


def _received_today(ctx: Context) -> Q:
    start = dt.datetime.combine(ctx.today, dt.time.min, tzinfo=clock.SHANGHAI)
    return _center(ctx) & Q(received_at__gte=start, received_at__lt=start + dt.timedelta(days=1))


def _extension_requests(ctx: Context) -> Q:
    """Cases whose latest extension step is an approver's request (not yet declined, not yet extended).

    The actions keep `pending_extension` (set by request_extension, cleared by decline and extend)."""
    return (
        _center(ctx)
        & Q(pending_extension=True, extension_days=0)
        & Q(state__in=[State.ACCEPTED, State.ESCALATED])
    )


def _subtree(ctx: Context) -> Q:
    """The supervisor's subtree by the handling center, on `county` (an agent's village case is handled by
    the village's own township, so it lies in the same subtree); a county-wide page reads an index."""
    return reduce(or_, (subtree_q(prefix) for prefix in ctx.scope.region_prefixes), Q(pk__in=[]))


def _escalated_to_me(ctx: Context) -> Q:
    depts = ctx.scope.department_ids
    waiting = Q(state=State.ESCALATED) | Q(state=State.SUSPENDED, resume_to=State.ESCALATED)
    return waiting & Q(escalated_to_id__in=depts)


QUEUES: list[Queue] = [
    # 综窗受理员
    Queue("to-decide", "待受理", "已收件、待决定受理/补正/不予受理；超过5个工作日视为受理", Role.CLERK,
          lambda c: _center(c) & Q(state=State.RECEIVED)),
    Queue("awaiting-supplement", "待补正", "已一次性告知、等待群众补齐材料", Role.CLERK,
          lambda c: _center(c) & Q(state=State.SUPPLEMENT_REQUESTED)),
    Queue("to-deliver", "待送达", "已办结、待送达群众", Role.CLERK,
          lambda c: _center(c) & Q(state=State.COMPLETED)),
    Queue("received-today", "今日收件", "今天本中心收到的全部申请", Role.CLERK, _received_today,
          all_states=True),
    # 审批人员
    Queue("department", "本部门待办", "已受理、由本部门牵头审批的办件", Role.APPROVER,
          lambda c: Q(state=State.ACCEPTED, lead_department_id__in=c.scope.department_ids)),
    Queue("joint-tasks", "待我会签", "联办件中等待本部门会签的任务", Role.APPROVER,
          lambda c: Q(state=State.ACCEPTED) & Q(pk__in=Task.objects.filter(
              department_id__in=c.scope.department_ids, state=TaskState.PENDING).values("case_id"))),
    Queue("suspended", "暂停计时", "听证、检测、公示等特别程序中的办件", Role.APPROVER,
          lambda c: _mine(c) & Q(state=State.SUSPENDED)),
    Queue("due-soon", "即将到期", "办结期限在1个工作日内（黄灯）", Role.APPROVER,
          lambda c: _mine(c) & warning_q("yellow", c.today, c.calendar)),
    Queue("overdue", "已超期", "超过办结期限仍未办结（红灯）", Role.APPROVER,
          lambda c: _mine(c) & warning_q("red", c.today, c.calendar)),
    Queue("escalated", "上报件", "乡镇初审后上报本部门决定的办件", Role.APPROVER, _escalated_to_me,
          county_only=True),
    # 中心负责人
    Queue("center", "中心全部办件", "本中心各窗口、各部门的办件及预警灯", Role.DIRECTOR, _center,
          all_states=True),
    Queue("extension-requests", "延期申请", "审批人员提交、待您审批的延长办理期限申请", Role.DIRECTOR,
          _extension_requests),
    # 效能监察（只读）
    Queue("subtree", "辖区全部办件", "辖区内各中心的办件及红黄灯（只读）", Role.SUPERVISOR,
          _subtree, all_states=True),
]  # fmt: skip


def _standin(ctx: Context) -> Q:
    """AB岗: the work queues of the A holders away from their post, as the holder would see them."""
    parts = [Q(pk__in=[])]
    for holder_scope in ctx.standin_scopes:
        holder_ctx = Context(holder_scope, ctx.today, ctx.calendar)
        parts += [
            q.filter(holder_ctx)
            for q in QUEUES
            if q.role in holder_scope.roles and not q.all_states and q.role != Role.SUPERVISOR
        ]
    return reduce(or_, parts)


STANDIN = Queue("standin", "B岗代办", "A岗不在岗（签退、请假、外出）期间，由您代为办理的事项", "", _standin)
BY_KEY = {queue.key: queue for queue in [*QUEUES, STANDIN]}


def _is_county_approver(scope: Scope) -> bool:
    return Department.objects.filter(pk__in=scope.department_ids, region__level=Level.COUNTY).exists()


def queues_for(user) -> list[Queue]:
    """The queues this user works from, in the order the workbench shows them."""
    scope = scope_of(user)
    county = _is_county_approver(scope) if Role.APPROVER in scope.roles else False
    mine = [q for q in QUEUES if q.role in scope.roles and (county or not q.county_only)]
    if scope.is_staff_member and standins.acting_for(user):
        mine.append(STANDIN)
    return mine


def context(user) -> Context:
    from bianmin.cases.clock import current_calendar

    holders = standins.acting_for(user) if scope_of(user).is_staff_member else []
    return Context(scope_of(user), clock.today(), current_calendar(), tuple(scope_of(h) for h in holders))


def queue_cases(user, queue: Queue, ctx: Context | None = None) -> QuerySet[Case]:
    """The queue's cases, soonest deadline first (no deadline last), with what each row shows."""
    ctx = ctx or context(user)
    cases = cases_visible_to(user).filter(queue.filter(ctx))
    # Open cases first (finished ones have no clock to watch), then the soonest deadline.
    return cases.order_by(finished_last(), F("deadline").asc(nulls_last=True), "received_at", "id")


def with_row_details(cases: QuerySet[Case]) -> QuerySet[Case]:
    """A row's joins (item, center): the lists a row may show are read for the page's rows only."""
    return cases.select_related("item", "center", "center__region", "item__lead_department")


def load_row_lists(queue: Queue, rows: list[Case]) -> None:
    """What the page's rows show beyond their own columns, read only when a row shows it: the tasks of
    joint cases (or on the joint-task queue), the latest extension request on the extension queue. Most
    pages of a clerk's inbox need neither: no query then."""
    lists = []
    if any(c.case_class == "joint" for c in rows) or queue.key == "joint-tasks":
        lists.append(Prefetch("tasks", queryset=TASKS_IN_ORDER))
    if queue.key == "extension-requests":
        lists.append(
            Prefetch(
                "events",
                queryset=Event.objects.filter(action="request_extension").order_by("-at", "-id"),
                to_attr="extension_requests",
            )
        )
    if rows and lists:
        prefetch_related_objects(rows, *lists)


def counts_for(user) -> list[tuple[Queue, int]]:
    """(queue, number of cases) for the workbench: one COUNT per queue, whatever the number of cases."""
    ctx = context(user)
    return [(queue, queue_cases(user, queue, ctx).count()) for queue in queues_for(user)]


def popular_items(center, today, limit: int = 8) -> list[dict]:
    """The center's most used items this month (by code, across versions): one grouped query, for the
    intake page before any typing."""
    month_start = dt.datetime.combine(today.replace(day=1), dt.time.min, tzinfo=clock.SHANGHAI)
    return list(
        Case.objects.filter(center=center, received_at__gte=month_start)
        .values("item__code", "item__name")
        .annotate(count=Count("id"))
        .order_by("-count", "item__code")[:limit]
    )
