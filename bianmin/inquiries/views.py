"""Work-order pages: window registration, the queues, the order page with its steps and timeline, the ledger
export; and, without an account, the web form, the follow-up by number and code, and the 常见问题 list."""

import io
import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from bianmin.accounts.scope import scope_of
from bianmin.accounts.services import client_address
from bianmin.cases.clock import current_calendar
from bianmin.core import clock
from bianmin.core.errors import ApiError, Invalid, NotFound
from bianmin.core.excel import safe_cell
from bianmin.inquiries import services
from bianmin.inquiries.clock import light, time_left, warning_q
from bianmin.inquiries.lifecycle import LABELS, STEPS
from bianmin.inquiries.models import Channel, Kind, OrderAttachment, State, WorkOrder
from bianmin.inquiries.present import person_of
from bianmin.inquiries.selectors import order_for, orders_visible_to
from bianmin.inquiries.tracking import find_tracked
from bianmin.regions.models import Center, CenterLevel, Department

PAGE_SIZE = 20
QUEUES = {
    "all": ("全部工单", "本人范围内的全部工单"),
    "dispatch": ("待派单", "已登记、等待派往部门的工单（含被退回的）"),
    "handling": ("办理中", "已派往部门、尚未答复的工单"),
    "callback": ("待回访", "已答复、等待回访群众的工单"),
    "extension": ("延期审批", "部门申请延长答复期限、等待中心负责人批准的工单"),
    "overdue": ("已超期", "超过答复期限仍未答复（红灯）"),
}


def _queue_q(key: str, today, calendar) -> Q:
    return {
        "all": Q(),
        "dispatch": Q(state=State.REGISTERED),
        "handling": Q(state__in=[State.DISPATCHED, State.HANDLING]),
        "callback": Q(state=State.ANSWERED),
        "extension": Q(extension_requested__gt=0),
        "overdue": warning_q("red", today, calendar),
    }[key]


def _filtered(request):
    """The visible orders narrowed by the page's filters (shared by the list and the export)."""
    today, calendar = clock.today(), current_calendar()
    key = request.GET.get("queue") or "all"
    if key not in QUEUES:
        key = "all"
    orders = orders_visible_to(request.user).filter(_queue_q(key, today, calendar))
    filters = {name: (request.GET.get(name) or "")[:40] for name in ("state", "kind", "warning", "q")}
    if filters["state"] in State.values:
        orders = orders.filter(state=filters["state"])
    if filters["kind"] in Kind.values:
        orders = orders.filter(kind=filters["kind"])
    if filters["warning"] in ("none", "green", "yellow", "red"):
        orders = orders.filter(warning_q(filters["warning"], today, calendar))
    if filters["q"]:
        orders = orders.filter(number__icontains=filters["q"])
    return key, filters, orders.order_by("-registered_at", "-id"), today, calendar


@login_required
def order_list(request):
    key, filters, orders, today, calendar = _filtered(request)
    page = Paginator(orders, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {"order": o, "light": light(o, today, calendar), "time_left": time_left(o, today, calendar)}
        for o in page.object_list
    ]
    query = urlencode({k: v for k, v in {"queue": key, **filters}.items() if v})
    return render(request, "inquiries/list.html", {
        "queue": key, "queues": QUEUES, "title": QUEUES[key][0], "description": QUEUES[key][1], "rows": rows,
        "page": page, "query": query, "filters": filters, "states": State.choices, "kinds": Kind.choices,
        "may_register": scope_of(request.user).center_ids or "agent" in scope_of(request.user).roles,
    })  # fmt: skip


def _staff_choices(user):
    scope = scope_of(user)
    staff = scope.staff().order_by("username")[:200]
    departments = scope.departments().order_by("code")[:200] if scope.center_ids or scope.is_admin else []
    return staff, departments


@login_required
def register(request):
    """窗口登记: the common case is one text box and a phone number; the rest is folded away."""
    if not scope_of(request.user).is_staff_member:
        raise Http404
    values, errors, status = {"kind": "consult", "channel": "window"}, {}, 200
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in (
            "kind", "channel", "content", "name", "phone", "case", "item", "concerned_user",
            "concerned_department",
        )}  # fmt: skip
        values["urgent"] = bool(request.POST.get("urgent"))
        values["anonymous"] = bool(request.POST.get("anonymous"))
        try:
            order, _ = services.register_order(
                request.user, kind=values["kind"] or Kind.CONSULT, channel=values["channel"] or Channel.WINDOW, content=values["content"],
                urgent=values["urgent"], anonymous=values["anonymous"],
                person={"name": values["name"], "phone": values["phone"]}, case=values["case"] or None,
                item=values["item"] or None, concerned_user=values["concerned_user"] or None,
                concerned_department=values["concerned_department"] or None,
                files=request.FILES.getlist("attachments"),
            )  # fmt: skip
        except ApiError as exc:
            errors = {k.replace("person.", ""): v for k, v in exc.fields.items()} or {"form": exc.message}
            status = exc.status if exc.status in (409, 413, 422, 429) else 422
        else:
            return redirect("inquiries:order", number=order.number)
    elif request.GET.get("case"):
        values.update(case=request.GET["case"][:40], kind="complaint", channel="case")
    staff, departments = _staff_choices(request.user)
    return render(request, "inquiries/register.html", {
        "values": values, "errors": errors, "kinds": Kind.choices,
        "channels": [c for c in Channel.choices if c[0] != Channel.WEB], "staff": staff,
        "departments": departments,
    }, status=status)  # fmt: skip


def _order_or_404(request, number: str) -> WorkOrder:
    order = order_for(request.user, number)
    if order is None:
        raise Http404("未找到该工单")
    return order


def _targets(order):
    here = Department.objects.filter(center_id=order.center_id).order_by("code")
    county = Department.objects.filter(region_id=order.county).order_by("code")
    return list(here), list(county)


def _context(request, order, *, revealed=False, problem=None, errors=None, failed=None):
    today, calendar = clock.today(), current_calendar()
    here, county = _targets(order)
    return {
        "order": order, "person": person_of(order, request.user, revealed), "revealed": revealed,
        "light": light(order, today, calendar), "time_left": time_left(order, today, calendar),
        "actions": services.allowed_actions(request.user, order), "labels": LABELS,
        "events": order.events.select_related("actor"), "attachments": order.attachments.all(),
        "here": here, "county": county, "problem": problem, "errors": errors or {}, "failed": failed,
        "levels": [(1, "非常满意"), (2, "满意"), (3, "基本满意"), (4, "不满意"), (5, "非常不满意")],
    }  # fmt: skip


@login_required
def order_page(request, number: str):
    order = _order_or_404(request, number)
    return render(request, "inquiries/order.html", _context(request, order))


@login_required
@require_POST
def reveal(request, number: str):
    order = _order_or_404(request, number)
    if order.anonymous or person_of(order, request.user)["name"] == "（保密）":
        raise Http404
    services.record_reveal(request.user, order)
    return render(request, "inquiries/order.html", _context(request, order, revealed=True))


def _ascii_int(value: str) -> bool:
    """Only 0-9 (an optional leading minus): str.isdigit() also accepts "²" and other digits int() refuses."""
    digits = value[1:] if value.startswith("-") else value
    return digits.isascii() and digits.isdigit()


def _int(value: str, field: str, message: str = "请填写整数"):
    value = (value or "").strip()
    if not value:
        return None
    if not _ascii_int(value) or len(value) > 6:
        raise Invalid("输入有误", fields={field: message})
    return int(value)


def _action_data(action: str, post) -> dict:
    data = {k: post[k] for k in ("department", "text", "reason", "note", "question", "item") if post.get(k)}
    if action == "extend":
        data["days"] = _int(post.get("days"), "days")
    if action == "callback":
        data["reached"] = post.get("reached") == "yes"
        if data["reached"]:
            data["level"] = _int(post.get("level"), "level")
    if action == "answer" and post.get("upheld") in ("yes", "no"):
        data["upheld"] = post["upheld"] == "yes"
    if action == "publish":
        data["public"] = post.get("public", "yes") == "yes"
    version = (post.get("version") or "").strip()
    if version:
        if not (version.isascii() and version.isdigit()) or len(version) > 9:
            raise Invalid("输入有误", fields={"version": "页面版本有误，请刷新页面后重试"})
        data["version"] = int(version)
    return {k: v for k, v in data.items() if v is not None}


@login_required
@require_POST
def order_action(request, number: str, action: str):
    order = _order_or_404(request, number)
    if action not in STEPS:
        raise Http404
    try:
        services.act(request.user, number, action, _action_data(action, request.POST))
    except NotFound:
        raise Http404 from None
    except ApiError as exc:
        fresh = _order_or_404(request, number)
        context = _context(request, fresh, problem=exc.message, errors=exc.fields, failed=action)
        return render(request, "inquiries/order.html", context, status=exc.status)
    del order
    if order_for(request.user, number) is None:  # 退回: the department no longer holds it
        messages.success(request, f"工单 {number} 已退回中心重新派单。")
        return redirect("inquiries:list")
    return redirect("inquiries:order", number=number)


@login_required
def order_file(request, number: str, file_id: int):
    order = _order_or_404(request, number)
    attachment = OrderAttachment.objects.filter(order=order, pk=min(file_id, 2**62)).first()
    if attachment is None:
        raise Http404
    return FileResponse(attachment.file.open("rb"), content_type=attachment.content_type)


EXPORT_LIMIT = 5000
COLUMNS = ["工单编号", "类别", "紧急", "渠道", "登记时间", "受理中心", "反映人", "联系电话", "内容", "相关办件",
           "被投诉部门", "承办部门", "状态", "答复期限", "答复日期", "按期答复", "回访评价"]  # fmt: skip


@login_required
def export(request):
    """来访登记/工单台账 as Excel: what the list shows, phones masked, a confidential reporter hidden."""
    from openpyxl import Workbook

    if not scope_of(request.user).is_staff_member:
        raise Http404
    _, _, orders, _, _ = _filtered(request)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("工单台账")
    sheet.append([safe_cell(c) for c in COLUMNS])
    for order in orders[:EXPORT_LIMIT].iterator(chunk_size=500):
        person = person_of(order, request.user)
        on_time = "" if not order.answered_on else ("是" if order.answered_on <= order.due else "否")
        row = [
            order.number, order.get_kind_display(), "是" if order.urgent else "", order.get_channel_display(),
            f"{timezone.localtime(order.registered_at):%Y-%m-%d %H:%M}",
            order.center.name, person["name"], person["phone"], order.content,
            order.case.number if order.case_id else "",
            order.concerned_department.name if order.concerned_department_id else "",
            order.department.name if order.department_id else "", order.get_state_display(),
            order.due.isoformat(), order.answered_on.isoformat() if order.answered_on else "", on_time,
            order.callback_level or "",
        ]  # fmt: skip
        sheet.append([safe_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = "attachment; filename*=UTF-8''gongdan.xlsx"
    return response


# --- without an account -----------------------------------------------------------------------------------


def _challenge(request) -> str:
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    request.session["inquiry_challenge"] = a + b
    return f"{a} 加 {b} 等于几？"


def ask(request):
    """网上留言: no login, a throttle per address and a small sum against robots."""
    centers = Center.objects.filter(level__in=[CenterLevel.TOWNSHIP, CenterLevel.COUNTY], is_active=True)
    values, errors, status = {"kind": "consult"}, {}, 200
    if request.method == "POST":
        values = {
            k: request.POST.get(k, "")[:2100]
            for k in ("kind", "center", "content", "name", "phone", "answer")
        }
        values["anonymous"] = bool(request.POST.get("anonymous"))
        expected = request.session.pop("inquiry_challenge", None)
        if expected is None or values["answer"].strip() != str(expected):
            errors, status = {"answer": "验证题答案不对，请重新计算"}, 422
        else:
            try:
                order, _ = services.register_order(
                    None, kind=values["kind"], content=values["content"], anonymous=values["anonymous"],
                    person={"name": values["name"], "phone": values["phone"]}, center=values["center"],
                    address=client_address(request),
                )  # fmt: skip
            except ApiError as exc:
                errors = {k.replace("person.", ""): v for k, v in exc.fields.items()} or {"form": exc.message}
                status = exc.status
            else:
                return render(request, "inquiries/ask_done.html", {"order": order})
    return render(request, "inquiries/ask.html", {
        "values": values, "errors": errors, "centers": centers, "kinds": Kind.choices,
        "question": _challenge(request),
    }, status=status)  # fmt: skip


def track(request):
    """工单查询: number and query code; a wrong code answers like an unknown number."""
    number, code = (
        (request.GET.get("number") or "")[:40].strip(),
        (request.GET.get("code") or "")[:12].strip(),
    )
    order, problem, status = None, None, 200
    if number or code:
        try:
            order = find_tracked(number, code, client_address(request))
        except ApiError as exc:
            problem, status = exc.message, exc.status
    events = order.events.filter(action__in=PUBLIC_STEPS) if order else []
    return render(request, "inquiries/track.html", {
        "order": order, "problem": problem, "number": number, "events": events, "labels": LABELS,
    }, status=status)  # fmt: skip


PUBLIC_STEPS = ("register", "dispatch", "escalate", "answer", "callback", "close")


def faq(request):
    """常见问题: answered consultations the window marked public, searchable."""
    q = (request.GET.get("q") or "")[:40].strip()
    entries = WorkOrder.objects.filter(faq_public=True, kind=Kind.CONSULT).only(
        "faq_question", "answer_text", "item_code", "answered_at"
    )
    if q:
        entries = entries.filter(Q(faq_question__icontains=q) | Q(answer_text__icontains=q))
    page = Paginator(entries.order_by("-answered_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "inquiries/faq.html", {"page": page, "q": q, "query": urlencode({"q": q} if q else {})}
    )
