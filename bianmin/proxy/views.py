"""Pages of the proxy service, phone first: the agent's home, handovers (both ways), the handover
sheet, the mandate and the delivery receipt signed with a finger, and the register. Thin: every read
goes through the scoped selectors, every write through a service; a refused write shows its message."""

import datetime as dt
import re
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_http_methods

from bianmin.accounts.models import Role
from bianmin.accounts.scope import scope_of
from bianmin.cases import services as case_services
from bianmin.cases.actions import label_of
from bianmin.cases.custody import agent_holds, custody_of, holders
from bianmin.cases.models import Location, State
from bianmin.catalog import selectors as catalog
from bianmin.core import clock
from bianmin.core.errors import PAGE_ERRORS, Invalid
from bianmin.duty.models import WeeklyDuty
from bianmin.proxy import services
from bianmin.proxy.documents import (
    handover_url,
    qr_data_uri,
    render_sheet,
    render_sheet_pdf,
    signature_uris,
)
from bianmin.proxy.forms import ProxyIntakeForm
from bianmin.proxy.models import Mandate
from bianmin.proxy.register import build_register, workbook
from bianmin.proxy.selectors import (
    agent_village,
    agents_of,
    handover_for,
    handovers_visible_to,
    open_entry_case_ids,
    proxy_cases_visible_to,
    station_of,
    township_of,
    with_entries,
)
from bianmin.regions.models import Center

# What a refused registration means to an agent holding a phone, rather than in API terms.
REGISTER_PROBLEMS = {
    "idempotency_key_reused": (
        "这份草稿此前已提交成功，之后内容又有改动，因此没有重复登记。"
        "请在“村级代办”里查看已登记的办件；要登记另一份申请，请重新选择事项新建登记。"
    ),
}
DRAFT_KEY = re.compile(r"[0-9A-Za-z-]{8,100}")
BUCKETS = [
    ("to_hand_over", "待交接", "在您手中、等待送往镇中心"),
    ("at_township", "在镇里", "在途或在镇中心、县级部门办理中"),
    ("to_bring_back", "待带回", "已办结，待带回村里送达"),
    ("delivered", "已送达", "最近送达的办件"),
    ("closed", "已结束", "不予受理或已撤回"),
]


def _sorted_cases(user):
    cases = list(proxy_cases_visible_to(user).order_by("-received_at", "-id")[:300])
    waiting = open_entry_case_ids([c.pk for c in cases])
    grouped = {key: [] for key, _label, _help in BUCKETS}
    for case in cases:
        grouped[services.bucket_of(case, waiting)].append(
            {"case": case, "custody": custody_of(case), "mine": agent_holds(user, case)}
        )
    grouped["delivered"] = grouped["delivered"][:20]
    return grouped


@login_required
def home(request):
    """The agent's phone home: their village's cases by where they are, and their duty days."""
    scope = scope_of(request.user)
    if Role.AGENT not in scope.roles:
        return redirect("proxy:handovers")
    grouped = _sorted_cases(request.user)
    village = agent_village(request.user)
    station = station_of(village) if village else None
    buckets = [
        {"key": key, "label": label, "help": help_text, "rows": grouped[key]}
        for key, label, help_text in BUCKETS
    ]
    open_handovers = list(
        with_entries(handovers_visible_to(request.user).filter(state__in=("in_transit", "partly_received")))[
            :10
        ]
    )
    return render(
        request,
        "proxy/home.html",
        {
            "buckets": buckets,
            "village": village,
            "station": station,
            "duty_days": WeeklyDuty.objects.filter(user=request.user).order_by("weekday"),
            "today_weekday": clock.today().weekday(),
            "open_handovers": open_handovers,
        },
    )


def _agent_township(request) -> Center:
    """The township center this agent registers for; nobody else uses the registration page (404)."""
    village = agent_village(request.user) if Role.AGENT in scope_of(request.user).roles else None
    township = village and township_of(village)
    if not township:
        raise Http404
    return township


@login_required
def register_items(request):
    """htmx live search for the registration: the township's published items that allow proxy."""
    township = _agent_township(request)
    q = request.GET.get("q", "")[:60]
    items = catalog.intake_choices(township.region, q, proxy=True)
    return render(request, "cases/partials/item_results.html", {"items": items, "q": q})


@login_required
@require_http_methods(["GET", "POST"])
def register_new(request):
    """代办登记 on the phone: pick the item, then the window's questions and checklist, then the mandate.

    The page keeps a draft on the phone (register.js) with the Idempotency-Key it made when the draft
    began; a resubmission after a dropped connection gets the first case back, not a second one."""
    township = _agent_township(request)
    q = request.GET.get("q", "")[:60]
    code = request.GET.get("item", "")[:40]
    item = catalog.published_item(code) if code else None
    if item is None or not item.proxy or not township.region_id.startswith(item.region.prefix):
        items = catalog.intake_choices(township.region, q, proxy=True)
        return render(request, "proxy/register_new.html", {"township": township, "q": q, "items": items})
    form = ProxyIntakeForm(item, request.POST or None, request.FILES or None)
    status, problem = 200, None
    if request.method == "POST":
        if form.is_valid():
            try:
                case, created = case_services.intake_case(
                    request.user, **form.receive_kwargs(), scans=form.scans(), decision="register"
                )
            except Invalid as exc:
                form.add_service_errors(exc)
                status = exc.status
            except PAGE_ERRORS as exc:
                problem, status = REGISTER_PROBLEMS.get(exc.code, exc.message), exc.status
            else:
                if created:
                    messages.success(request, f"已登记：{case.number}。请村民签署代办委托书。")
                else:
                    messages.info(request, f"这份登记此前已提交成功（{case.number}），没有重复登记。")
                key = form.cleaned_data.get("idempotency_key") or ""
                url = reverse("proxy:mandate", args=[case.number])
                return redirect(f"{url}?{urlencode({'draft': key})}" if key else url)
        else:
            status = 422
    context = {"township": township, "item": item, "form": form, "problem": problem}
    return render(request, "proxy/register_new.html", context, status=status)


@login_required
def handover_list(request):
    handovers = list(with_entries(handovers_visible_to(request.user).order_by("-created_at", "-id"))[:100])
    scope = scope_of(request.user)
    return render(
        request,
        "proxy/handover_list.html",
        {"handovers": handovers, "is_clerk": bool(scope.center_ids), "is_agent": Role.AGENT in scope.roles},
    )


@login_required
@require_http_methods(["GET", "POST"])
def handover_new(request):
    """The agent picks the cases in hand, signs, and makes a handover to the township."""
    status = 200
    if request.method == "POST":
        try:
            handover = services.create_handover(
                request.user, "up", request.POST.getlist("cases"), signature=request.POST.get("signature", "")
            )
        except PAGE_ERRORS as exc:
            messages.error(request, exc.message)
            status = exc.status
        else:
            messages.success(request, f"交接单 No.{handover.pk} 已生成，请带上材料交镇中心。")
            return redirect("proxy:handover", handover.pk)
    grouped = _sorted_cases(request.user)
    rows = [row for row in grouped["to_hand_over"] if row["mine"]]
    chosen = set(request.POST.getlist("cases"))
    for row in rows:
        # Preselect what can go; a case without its mandate waits for the villager's signature.
        row["checked"] = row["case"].number in chosen if chosen else row["case"].proxy_mandate
    return render(request, "proxy/handover_new.html", {"rows": rows}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def return_new(request):
    """The clerk gives completed proxy cases back to a village agent (return handover)."""
    scope = scope_of(request.user)
    if not scope.center_ids:
        raise Http404
    if request.method == "POST":
        try:
            handover = services.create_handover(
                request.user,
                "down",
                request.POST.getlist("cases"),
                agent=request.POST.get("agent"),
                signature=request.POST.get("signature", ""),
            )
        except PAGE_ERRORS as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"交接单 No.{handover.pk} 已生成，请代办员签收带回。")
            return redirect("proxy:handover", handover.pk)
    centers = Center.objects.filter(pk__in=scope.center_ids)
    cases = list(
        proxy_cases_visible_to(request.user)
        .filter(state=State.COMPLETED, center__in=centers)
        .order_by("village_id", "completed_at")
    )
    waiting = open_entry_case_ids([c.pk for c in cases])
    ready = [c for c in cases if c.pk not in waiting and custody_of(c)["location"] == Location.TOWNSHIP]
    agents = []
    for center in centers:
        agents += list(agents_of(center).prefetch_related("posts__region"))
    agent_rows = []
    for agent in agents:
        villages = {p.region_id for p in agent.posts.all() if p.role == Role.AGENT}
        agent_rows.append({"agent": agent, "cases": [c for c in ready if c.village_id in villages]})
    return render(request, "proxy/return_new.html", {"agent_rows": agent_rows})


@login_required
@require_http_methods(["GET", "POST"])
def handover_page(request, handover_id: int):
    """Opened from the sheet's QR code: the sheet on screen and, for the receiving side, the receive form."""
    handover = handover_for(request.user, handover_id)
    if handover is None:
        raise Http404
    if request.method == "POST":
        numbers = [e.case.number for e in handover.entries.all()]
        received = [n for n in request.POST.getlist("received") if n in numbers]
        missing = [n for n in request.POST.getlist("missing") if n in numbers and n not in received]
        notes = {
            n: request.POST.get(f"note-{n}", "") for n in numbers if request.POST.get(f"note-{n}", "").strip()
        }
        try:
            handover = services.receive_handover(
                request.user,
                handover_id,
                received=received,
                notes=notes,
                missing=missing,
                # The receiver signs once, at the first receipt; later receipts of the same sheet don't ask.
                signature=None if handover.to_signature else request.POST.get("signature", ""),
            )
        except PAGE_ERRORS as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已签收 {len(received)} 件。")
        return redirect("proxy:handover", handover_id)
    scope = scope_of(request.user)
    if handover.direction == "up":
        may_receive = handover.to_center_id in scope.center_ids
    else:
        may_receive = handover.to_user_id == request.user.pk
    url = handover_url(handover, request)
    return render(
        request,
        "proxy/handover.html",
        {
            "h": handover,
            "entries": [
                {"entry": e, "papers": services.papers_text(e.papers)} for e in handover.entries.all()
            ],
            "may_receive": may_receive and handover.is_open,
            "qr": qr_data_uri(url),
            "url": url,
            **signature_uris(handover),
        },
    )


def _visible_handover(request, handover_id):
    handover = handover_for(request.user, handover_id)
    if handover is None:
        raise Http404
    return handover


@login_required
@csp_override(settings.SECURE_CSP_PRINTABLE)
def handover_sheet(request, handover_id: int):
    return HttpResponse(render_sheet(_visible_handover(request, handover_id), request))


@login_required
def handover_sheet_pdf(request, handover_id: int):
    handover = _visible_handover(request, handover_id)
    response = HttpResponse(render_sheet_pdf(handover, request), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="handover-{handover.pk}.pdf"'
    return response


def _case_or_404(request, number: str):
    case = proxy_cases_visible_to(request.user).filter(number=number).first()
    if case is None:
        raise Http404
    return case


def _agents_case_or_404(request, number: str):
    """The mandate and delivery pages are the agent's: they show the villager's full ID number and phone,
    which anyone else reads only through the case page's recorded reveal."""
    if Role.AGENT not in scope_of(request.user).roles:
        raise Http404
    return _case_or_404(request, number)


def next_steps(user, case, mandate) -> list[dict]:
    """What the agent does next with this case, the first one primary: 签委托书 → 交镇中心 / 登记下一件 → 送达."""
    steps = []
    if case.state in services.FINISHED:
        return steps
    if not case.proxy_mandate:
        steps.append({"label": "签代办委托书", "url": reverse("proxy:mandate", args=[case.number])})
        return steps
    waiting = open_entry_case_ids([case.pk])
    if services.bucket_of(case, waiting) == "to_hand_over" and agent_holds(user, case):
        steps.append({"label": "交镇中心", "url": reverse("proxy:handover_new")})
        steps.append({"label": "登记下一件", "url": reverse("proxy:new")})
    elif case.state == State.COMPLETED and agent_holds(user, case):
        steps.append({"label": "送达并签收", "url": reverse("proxy:deliver", args=[case.number])})
    return steps


@login_required
def case_page(request, number: str):
    """One proxy case on the agent's phone: where it is, its query code, its timeline, photos, next steps."""
    case = _case_or_404(request, number)
    is_agent = Role.AGENT in scope_of(request.user).roles
    mandate = Mandate.objects.filter(case=case).first()
    events = list(case.events.order_by("at", "id"))
    return render(
        request,
        "proxy/case.html",
        {
            "case": case,
            "custody": custody_of(case),
            "holders": holders(case, events),
            "events": [(e, label_of(e.action)) for e in events],
            "materials": list(case.materials.select_related("material")),
            "photos": case.attachments.count(),
            "mandate": mandate,
            "steps": next_steps(request.user, case, mandate) if is_agent else [],
            "is_agent": is_agent,
            "finished": case.state in services.FINISHED,
        },
    )


@login_required
@require_http_methods(["POST"])
def send_query_code(request, number: str):
    """The agent texts the villager the case number and query code from the case page."""
    _agents_case_or_404(request, number)
    try:
        services.send_query_code(request.user, number)
    except PAGE_ERRORS as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "查询码已用短信发给村民。")
    return redirect("proxy:case", number)


@login_required
@require_http_methods(["GET", "POST"])
def mandate_page(request, number: str):
    case = _agents_case_or_404(request, number)
    mandate = Mandate.objects.filter(case=case).first()
    errors = {}
    if request.method == "POST":
        try:
            if request.POST.get("action") == "confirm":
                services.confirm_mandate(request.user, number, request.POST.get("code", ""))
                messages.success(request, "委托已确认。")
            else:
                mandate = services.record_mandate(
                    request.user, number, villager_name=request.POST.get("villager_name", ""),
                    villager_id_number=request.POST.get("villager_id_number", ""),
                    entrusted=request.POST.get("entrusted", ""), method=request.POST.get("method", "signature"),
                    signature=request.POST.get("signature", ""), phone=request.POST.get("phone", ""),
                )  # fmt: skip
                messages.success(
                    request, "委托书已签署。" if mandate.signed_at else "验证码已发送，请村民告知验证码。"
                )
            return redirect("proxy:mandate", number)
        except PAGE_ERRORS as exc:
            messages.error(request, exc.message)
            errors = exc.fields
    form = {
        "villager_name": request.POST.get("villager_name", case.applicant_name),
        "villager_id_number": request.POST.get("villager_id_number", case.applicant_id_number),
        "entrusted": request.POST.get(
            "entrusted", f"代为办理“{case.item.name}”的申请、递交材料、领取并转交办理结果"
        ),
        "phone": request.POST.get("phone", case.applicant_phone),
    }
    context = {"case": case, "mandate": mandate, "form": form, "errors": errors}
    context["steps"] = next_steps(request.user, case, mandate) if case.proxy_mandate else []
    context["finished"] = case.state in services.FINISHED
    # Arriving from a registration: the phone forgets that draft (drafts.js), it is a case now.
    draft = request.GET.get("draft", "")
    context["draft_done"] = draft if DRAFT_KEY.fullmatch(draft) else ""
    return render(request, "proxy/mandate.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def deliver_page(request, number: str):
    case = _agents_case_or_404(request, number)
    errors = {}
    if request.method == "POST":
        try:
            services.deliver_to_villager(
                request.user, number, receiver=request.POST.get("receiver", ""),
                signature=request.POST.get("signature", ""),
            )  # fmt: skip
        except PAGE_ERRORS as exc:
            messages.error(request, exc.message)
            errors = exc.fields
        else:
            messages.success(request, "已送达，送达回证已签收。")
            return redirect("proxy:case", number)
    return render(
        request,
        "proxy/deliver.html",
        {
            "case": case,
            "custody": custody_of(case),
            "may_deliver": case.state == State.COMPLETED and agent_holds(request.user, case),
            "receiver": request.POST.get("receiver", case.applicant_name),
            "errors": errors,
        },
    )


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _register_query(request) -> dict:
    return {
        "agent": request.GET.get("agent", "")[:150] or None,
        "village": request.GET.get("village", "")[:12] or None,
        "date_from": _date(request.GET.get("from", "")),
        "date_to": _date(request.GET.get("to", "")),
    }


@login_required
def register_page(request):
    """代办登记台账 for any period, per agent and per village, with the township's per-village view."""
    query = _register_query(request)
    report = build_register(request.user, **query)
    params = {k: v for k, v in request.GET.items() if k in ("agent", "village", "from", "to") and v}
    return render(
        request,
        "proxy/register.html",
        {
            "report": report,
            "query": query,
            "xlsx_url": "?".join(filter(None, [reverse("proxy:register_xlsx"), urlencode(params)])),
        },
    )


@login_required
def register_xlsx(request):
    report = build_register(request.user, **_register_query(request))
    response = HttpResponse(
        workbook(report, "村级代办登记台账"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="proxy-register-{report.date_from}-{report.date_to}.xlsx"'
    )
    return response
