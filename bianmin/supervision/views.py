"""Supervision pages: the supervisor's desk, the responsible person's 督办 queue, orders, cards, warnings,
the ledgers and the 整改通知书. Every list reads the scoped selectors; every write calls the services."""

import datetime as dt
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from bianmin.accounts.decorators import admin_required
from bianmin.accounts.scope import scope_of
from bianmin.core import clock
from bianmin.core.errors import PAGE_ERRORS, Forbidden
from bianmin.regions.models import Level, Region
from bianmin.supervision import ledger, selectors, services
from bianmin.supervision.documents import notice_html, notice_pdf
from bianmin.supervision.models import (
    MANUAL_SUBJECTS,
    WAITING_STATES,
    AnswerFile,
    CardColor,
    CardState,
    OrderState,
    SubjectKind,
    WarningKind,
)

SUPERVISOR = ("supervisor",)
DESK_ONLY = "电子监察工作台只有效能监察人员和系统管理员可以查看。"


def _staff(request):
    if not scope_of(request.user).is_staff_member:
        raise Forbidden("此页面只有工作人员可以查看。")


def month_bounds(today: dt.date) -> tuple[dt.date, dt.date]:
    first = today.replace(day=1)
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    return first, nxt - dt.timedelta(days=1)


class ListFilter(forms.Form):
    township = forms.ChoiceField(label="乡镇", required=False)
    department = forms.ChoiceField(label="部门", required=False)

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        scope = scope_of(user)
        towns = scope.regions().filter(level=Level.TOWNSHIP).order_by("code").values_list("code", "name")
        self.fields["township"].choices = [("", "全部")] + list(towns)
        depts = scope.departments().order_by("code").values_list("pk", "name")
        self.fields["department"].choices = [("", "全部")] + [(str(pk), name) for pk, name in depts]

    def apply(self, qs):
        if not self.is_valid():
            return qs
        town, dept = self.cleaned_data.get("township"), self.cleaned_data.get("department")
        if town:
            qs = qs.filter(region_code__startswith=town[:9])
        if dept:
            qs = qs.filter(department_id=int(dept))
        return qs


def _query(request) -> str:
    return urlencode([(k, v) for k, v in request.GET.items() if k != "page"])


@admin_required(roles=SUPERVISOR, message=DESK_ONLY)
def desk(request):
    """The supervisor's desk: open warnings by kind, orders waiting, answers to review, cards this month."""
    user = request.user
    first, last = month_bounds(clock.today())
    labels = dict(WarningKind.choices)
    form = ListFilter(user, request.GET or None)
    warnings = (
        form.apply(selectors.warnings_visible_to(user))
        .filter(is_open=True)
        .values("kind")
        .annotate(n=Count("id"))
        .order_by("kind")
    )
    orders = form.apply(selectors.orders_visible_to(user))
    cards = form.apply(selectors.cards_visible_to(user)).filter(issued_on__gte=first, issued_on__lte=last)
    towns = dict(Region.objects.filter(level=Level.TOWNSHIP).values_list("code", "name"))
    by_town: dict[tuple[str, str], int] = {}
    for code, color, n in cards.values_list("region_code", "color").annotate(n=Count("id")).order_by():
        key = (towns.get(code[:9] + "000", code[:9] + "000"), color)
        by_town[key] = by_town.get(key, 0) + n
    by_dept = (
        cards.values("department__name", "color")
        .annotate(n=Count("id"))
        .order_by("department__name", "color")
    )
    context = {
        "warnings": [(w["kind"], labels.get(w["kind"], w["kind"]), w["n"]) for w in warnings],
        "waiting": orders.filter(state__in=WAITING_STATES).count(),
        "answered": orders.filter(state=OrderState.ANSWERED).count(),
        "cards_yellow": cards.filter(color=CardColor.YELLOW).count(),
        "cards_red": cards.filter(color=CardColor.RED).count(),
        "by_town": sorted((t, c, n) for (t, c), n in by_town.items()),
        "by_dept": list(by_dept),
        "month": first,
        "form": form,
        "query": _query(request),
    }
    return render(request, "supervision/desk.html", context)


@login_required
def mine(request):
    """督办: the orders waiting for my (my department's, my center's) answer, and my cards."""
    _staff(request)
    orders = (
        selectors.queue_for(request.user).select_related("department", "person").order_by("reply_due", "id")
    )
    page = Paginator(orders, 50).get_page(request.GET.get("page"))
    cards = (
        selectors.cards_visible_to(request.user).filter(person_id=request.user.pk).order_by("-issued_on")[:20]
    )
    return render(request, "supervision/mine.html", {"page": page, "cards": cards, "today": clock.today()})


STATE_GROUPS = {"waiting": WAITING_STATES, "answered": (OrderState.ANSWERED,), "closed": (OrderState.CLOSED,)}


@login_required
def order_list(request):
    _staff(request)
    form = ListFilter(request.user, request.GET or None)
    orders = form.apply(selectors.orders_visible_to(request.user))
    group = request.GET.get("state", "")
    if group in STATE_GROUPS:
        orders = orders.filter(state__in=STATE_GROUPS[group])
    card = request.GET.get("card", "")
    if card in CardColor.values:
        orders = orders.filter(card=card)
    orders = orders.select_related("department", "person").order_by("-issued_at", "-id")
    page = Paginator(orders, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/order_list.html",
        {"page": page, "form": form, "state": group, "card": card, "query": _query(request)},
    )


def _order_or_404(request, number: str):
    order = (
        selectors.orders_visible_to(request.user)
        .select_related("department", "person", "center", "issued_by", "case")
        .filter(number=number[:20])
        .first()
    )
    if order is None:
        raise Http404("未找到该督办单")
    return order


class AnswerForm(forms.Form):
    text = forms.CharField(label="回告内容", max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))


class ReturnForm(forms.Form):
    reason = forms.CharField(label="退回理由", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


@login_required
def order_page(request, number: str):
    _staff(request)
    order = _order_or_404(request, number)
    entries = order.entries.prefetch_related("files").order_by("at", "id")
    user = request.user
    context = {
        "order": order,
        "entries": entries,
        "cards": order.cards.select_related("person", "department").order_by("issued_on", "id"),
        "may_answer": order.state in WAITING_STATES and selectors.may_answer(user, order),
        "may_review": order.state == OrderState.ANSWERED and selectors.may_review(user, order),
        "answer_form": AnswerForm(),
        "return_form": ReturnForm(),
    }
    return render(request, "supervision/order.html", context)


def _write(request, write, success: str, then):
    """A page's POST: the service call, its refusal as a message in Chinese (nothing written), then `then`."""
    try:
        write()
    except PAGE_ERRORS as exc:
        detail = "；".join(exc.fields.values()) if exc.fields else ""
        messages.error(request, f"{exc.message}{'：' + detail if detail else ''}")
    else:
        messages.success(request, success)
    return then


def _page_write(request, number: str, write, success: str):
    return _write(request, write, success, redirect("supervision:order", number=number))


@require_POST
@login_required
def order_answer(request, number: str):
    files = request.FILES.getlist("files")
    return _page_write(
        request,
        number,
        lambda: services.answer_order(request.user, number, text=request.POST.get("text", ""), files=files),
        "已回告，等待监察人员审核。",
    )


@require_POST
@login_required
def order_accept(request, number: str):
    return _page_write(
        request, number, lambda: services.accept_answer(request.user, number), "已审核通过，督办办结。"
    )


@require_POST
@login_required
def order_return(request, number: str):
    return _page_write(
        request,
        number,
        lambda: services.return_answer(request.user, number, reason=request.POST.get("reason", "")),
        "已退回再督办。",
    )


@login_required
def order_notice(request, number: str):
    """整改通知书 (red orders only): the A4 page, or ?format=pdf."""
    _staff(request)
    order = _order_or_404(request, number)
    if order.card != CardColor.RED:
        raise Http404("该督办单没有整改通知书")
    if request.GET.get("format") == "pdf":
        response = HttpResponse(notice_pdf(order, request), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{order.number}.pdf"'
        return response
    return HttpResponse(notice_html(order, request))


@login_required
def answer_file(request, number: str, token: str):
    order = _order_or_404(request, number)
    row = AnswerFile.objects.filter(entry__order=order, token=token[:32]).first()
    if row is None:
        raise Http404("未找到该附件")
    return FileResponse(row.file.open("rb"), content_type=row.content_type)


class OrderForm(forms.Form):
    subject_kind = forms.ChoiceField(
        label="督办对象类别", choices=[(k, SubjectKind(k).label) for k in MANUAL_SUBJECTS]
    )
    subject_ref = forms.CharField(
        label="督办对象", max_length=64, help_text="办件编号、中心代码、部门代码或人员用户名"
    )
    reason = forms.CharField(label="督办事由", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    requirement = forms.CharField(
        label="督办要求", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    reply_due = forms.DateField(label="回告期限", widget=forms.DateInput(attrs={"type": "date"}))


@admin_required(roles=SUPERVISOR, message=DESK_ONLY)
def order_new(request):
    initial = {
        "subject_kind": request.GET.get("kind", "case"),
        "subject_ref": request.GET.get("ref", "")[:64],
    }
    form = OrderForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                order = services.issue_order(request.user, **form.cleaned_data)
            except PAGE_ERRORS as exc:
                names = {"subject.kind": "subject_kind", "subject.ref": "subject_ref"}
                for name, message in exc.fields.items():
                    name = names.get(name, name)
                    form.add_error(name if name in form.fields else None, message)
            else:
                messages.success(request, f"已下发督办单{order.number}。")
                return redirect("supervision:order", number=order.number)
        status = 422
    return render(request, "supervision/order_new.html", {"form": form}, status=status)


@login_required
def card_list(request):
    _staff(request)
    form = ListFilter(request.user, request.GET or None)
    cards = form.apply(selectors.cards_visible_to(request.user))
    color = request.GET.get("color", "")
    if color in (CardColor.YELLOW, CardColor.RED):
        cards = cards.filter(color=color)
    state = request.GET.get("state", "")
    if state in CardState.values:
        cards = cards.filter(state=state)
    if request.GET.get("month") == "this":
        first, last = month_bounds(clock.today())
        cards = cards.filter(issued_on__gte=first, issued_on__lte=last)
    cards = cards.select_related("person", "department", "order").order_by("-issued_on", "-id")
    page = Paginator(cards, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/card_list.html",
        {"page": page, "form": form, "color": color, "state": state, "query": _query(request)},
    )


@login_required
def card_page(request, pk: int):
    _staff(request)
    card = (
        selectors.cards_visible_to(request.user)
        .select_related("person", "department", "order", "appealed_by", "decided_by")
        .filter(pk=pk if pk < 2**31 else 0)
        .first()
    )
    if card is None:
        raise Http404("未找到该红黄牌")
    user = request.user
    deadline = services.appeal_deadline(card)
    context = {
        "card": card,
        "deadline": deadline,
        "may_appeal": card.state == CardState.STANDING and card.appealed_at is None
        and clock.today() <= deadline and selectors.may_appeal(user, card),
        "may_decide": card.state == CardState.APPEALED and selectors.may_review(user, card),
    }  # fmt: skip
    return render(request, "supervision/card.html", context)


def _card_write(request, pk: int, write, success: str):
    return _write(request, write, success, redirect("supervision:card", pk=pk))


@require_POST
@login_required
def card_appeal(request, pk: int):
    return _card_write(
        request,
        pk,
        lambda: services.appeal_card(request.user, pk, reason=request.POST.get("reason", "")),
        "已提交申诉。",
    )


@require_POST
@login_required
def card_decide(request, pk: int):
    def write():
        services.decide_appeal(
            request.user, pk, decision=request.POST.get("decision", ""), reason=request.POST.get("reason", "")
        )

    return _card_write(request, pk, write, "已处理申诉。")


@admin_required(roles=SUPERVISOR, message=DESK_ONLY)
def warning_list(request):
    form = ListFilter(request.user, request.GET or None)
    rows = form.apply(selectors.warnings_visible_to(request.user))
    kind = request.GET.get("kind", "")
    if kind in WarningKind.values:
        rows = rows.filter(kind=kind)
    if request.GET.get("all") != "1":
        rows = rows.filter(is_open=True)
    rows = rows.select_related("department").order_by("-raised_on", "-id")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/warning_list.html",
        {"page": page, "form": form, "kind": kind, "kinds": WarningKind.choices, "query": _query(request)},
    )


class LedgerFilter(forms.Form):
    date_from = forms.DateField(label="自", widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="至", widget=forms.DateInput(attrs={"type": "date"}))
    region = forms.ChoiceField(label="区划", required=False)

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        regions = scope_of(user).regions().filter(level__in=[Level.COUNTY, Level.TOWNSHIP]).order_by("code")
        self.fields["region"].choices = [("", "全部")] + list(regions.values_list("code", "name"))

    def clean(self):
        cleaned = super().clean()
        a, b = cleaned.get("date_from"), cleaned.get("date_to")
        if a and b and a > b:
            self.add_error("date_to", "结束日期不能早于开始日期")
        if a and b and (b - a).days > 3660:
            self.add_error("date_to", "期间不能超过十年")
        return cleaned


def _ledger_args(request):
    first, last = month_bounds(clock.today())
    data = request.GET if "date_from" in request.GET else {"date_from": first, "date_to": last}
    form = LedgerFilter(request.user, data)
    if not form.is_valid():
        return form, None
    f = form.cleaned_data
    return form, (f["date_from"], f["date_to"], f.get("region") or "")


@admin_required(roles=SUPERVISOR, message=DESK_ONLY)
def ledger_page(request):
    form, args = _ledger_args(request)
    orders = cards = None
    if args:
        orders = Paginator(ledger.orders_in(selectors.orders_visible_to(request.user), *args), 50).get_page(
            request.GET.get("page")
        )
        cards = ledger.cards_in(selectors.cards_visible_to(request.user), *args)
    query = urlencode({"date_from": args[0], "date_to": args[1], "region": args[2]}) if args else ""
    return render(
        request,
        "supervision/ledger.html",
        {
            "form": form,
            "orders": orders,
            "cards_count": cards.count() if cards is not None else 0,
            "query": query,
        },
        status=200 if args else 422,
    )


def _xlsx(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


@admin_required(roles=SUPERVISOR, message=DESK_ONLY)
def ledger_orders_xlsx(request):
    form, args = _ledger_args(request)
    if not args:
        return render(request, "supervision/ledger.html", {"form": form}, status=422)
    rows = (
        ledger.order_row(o)
        for o in ledger.orders_in(selectors.orders_visible_to(request.user), *args).iterator()
    )
    return _xlsx(
        ledger.workbook("督办台账", ledger.ORDER_HEAD, rows), f"supervision-orders-{args[0]}-{args[1]}"
    )


@admin_required(roles=SUPERVISOR, message=DESK_ONLY)
def ledger_cards_xlsx(request):
    form, args = _ledger_args(request)
    if not args:
        return render(request, "supervision/ledger.html", {"form": form}, status=422)
    rows = (
        ledger.card_row(c)
        for c in ledger.cards_in(selectors.cards_visible_to(request.user), *args).iterator()
    )
    return _xlsx(
        ledger.workbook("红黄牌台账", ledger.CARD_HEAD, rows), f"supervision-cards-{args[0]}-{args[1]}"
    )
