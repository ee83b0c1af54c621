"""Rating pages: the tracking page's form (QR, phone, PC, account), the SMS link, the window pad (kiosk), the
director's rectification queue and page, phone/paper recording, the public board and the 台账 export."""

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from bianmin.accounts.scope import scope_of
from bianmin.accounts.services import client_address
from bianmin.cases.models import Case
from bianmin.cases.selectors import cases_visible_to
from bianmin.cases.tracking import find_tracked
from bianmin.core import clock
from bianmin.core.errors import ApiError, NotFound, TooMany
from bianmin.devices.models import DeviceKind
from bianmin.devices.services import device_required
from bianmin.ratings import figures, ledger, services
from bianmin.ratings.models import (
    LEVELS,
    OPEN_STATES,
    Channel,
    Rating,
    Rectification,
    Stage,
)
from bianmin.regions.models import Center

LEVEL_CHOICES = [(k, v) for k, v in LEVELS.items()]


def _form_data(request) -> dict:
    return {
        "level": request.POST.get("level") or None,
        "stage": request.POST.get("stage", ""),
        "comment": request.POST.get("comment", ""),
        "tags": request.POST.getlist("tags")[:10],
    }


def rating_context(case: Case, **extra) -> dict:
    extra["case"] = case
    rules = services.county_rules(case.county)
    good, bad = services.tags_of(rules)
    return {
        "levels": LEVEL_CHOICES,
        "good_tags": good,
        "bad_tags": bad,
        "stages": services.open_stages(case),
        "stage_labels": dict(Stage.choices),
        **extra,
    }


# --- the tracking page's rating form ------------------------------------------------------------------


def _web_channel(request) -> str:
    if request.GET.get("via") == "qr":
        return Channel.QR
    agent = request.META.get("HTTP_USER_AGENT", "")
    return Channel.MOBILE if "Mobile" in agent or "Android" in agent else Channel.PC


@require_POST
def track_rate(request, number: str):
    """POST from the tracking page (QR code, phone, PC, or the applicant's account)."""
    code = request.GET.get("code", "")[:12]
    address = client_address(request)
    back = reverse("cases:track", args=[number[:40]]) + "?" + urlencode({"code": code})
    try:
        case = find_tracked(number[:40], code, address)
    except (NotFound, TooMany) as exc:
        return render(request, "ratings/error.html", {"message": exc.message}, status=exc.status)
    channel = _web_channel(request)
    rated_by = None
    if request.user.is_authenticated and case.applicant_user_id == request.user.pk:
        channel, rated_by = Channel.ONLINE, request.user
    data = _form_data(request)
    try:
        body = services.parse_rating({**data, "channel": channel})
        services.rate(case, rated_by=rated_by, address=address, **body.model_dump())
    except ApiError as exc:
        context = rating_context(case, errors=exc.fields or {}, message=exc.message, data=data,
                                 action=request.get_full_path())  # fmt: skip
        return render(request, "ratings/rate_page.html", context, status=exc.status)
    messages.success(request, "感谢您的评价！")
    if request.GET.get("via") == "qr":
        back += "&via=qr"
    return redirect(back + "#rating")


# --- the SMS link -------------------------------------------------------------------------------------


def sms_rate(request, token: str):
    """/r/<token>/: the one-time link of the rating invitation."""
    try:
        invite = services.invite_for(token[:64])
    except (NotFound, ApiError) as exc:
        return render(request, "ratings/error.html", {"message": exc.message}, status=exc.status)
    case = invite.case
    data = {"level": None, "comment": "", "tags": []}
    status, errors, message = 200, {}, ""
    if request.method == "POST":
        data = _form_data(request)
        try:
            services.rate_by_invite(token[:64], data, client_address(request))
        except ApiError as exc:
            status, errors, message = exc.status, exc.fields or {}, exc.message
        else:
            return render(request, "ratings/thanks.html", {"case": case})
    context = rating_context(case, errors=errors, message=message, data=data,
                             action=request.path, fixed_stage=invite.stage)  # fmt: skip
    return render(request, "ratings/rate_page.html", context, status=status)


# --- the window pad (kiosk) ---------------------------------------------------------------------------


@device_required(DeviceKind.RATING_PAD)
def pad(request):
    window = request.device.window
    prompt = services.pad_prompt(window)
    return render(request, "ratings/pad.html", {**_pad_context(window, prompt)})


def _pad_context(window, prompt, **extra) -> dict:
    context = {"window": window, "prompt": prompt, "levels": LEVEL_CHOICES}
    if prompt is not None:
        rules = services.county_rules(prompt.case.county)
        context["good_tags"], context["bad_tags"] = services.tags_of(rules)
        staff = prompt.staff
        context["clerk_name"] = staff.display_name if staff else ""
        context["clerk_initial"] = (staff.display_name[:1] if staff else "") or "窗"
    context.update(extra)
    return context


@device_required(DeviceKind.RATING_PAD)
def pad_current(request):
    """Polled every 2 s: 204 (keep what is shown) unless the prompt changed or the thanks ran out."""
    window = request.device.window
    prompt = services.pad_prompt(window)
    shown = request.GET.get("shown", "")[:20]
    current = str(prompt.pk) if prompt else "0"
    if shown.startswith("thanks"):
        until = request.GET.get("until", "")
        try:
            until_ts = float(until[:20])
        except ValueError:
            until_ts = 0
        if prompt is None and clock.now().timestamp() < until_ts:
            return HttpResponse(status=204)
    elif shown == current:
        return HttpResponse(status=204)
    return render(request, "ratings/partials/pad_body.html", _pad_context(window, prompt))


@require_POST
@device_required(DeviceKind.RATING_PAD)
def pad_rate(request):
    window = request.device.window
    prompt = services.pad_prompt(window)
    try:
        prompt_id = int(request.POST.get("prompt", "0")[:20])
    except ValueError:
        prompt_id = 0
    if prompt is None or prompt.pk != prompt_id:
        return render(request, "ratings/partials/pad_body.html", _pad_context(window, prompt))
    data = _form_data(request)
    data["stage"] = prompt.stage
    try:
        body = services.parse_rating({**data, "channel": Channel.TABLET})
        services.rate(prompt.case, **body.model_dump())
    except ApiError as exc:
        if exc.status == 409:  # rated meanwhile (another channel): nothing to ask any more
            prompt.done = True
            prompt.save(update_fields=["done"])
            return render(request, "ratings/partials/pad_body.html", _pad_context(window, None))
        context = _pad_context(window, prompt, errors=exc.fields or {}, message=exc.message)
        return render(request, "ratings/partials/pad_body.html", context, status=200)
    prompt.done = True
    prompt.save(update_fields=["done"])
    until = clock.now().timestamp() + 6
    return render(request, "ratings/partials/pad_thanks.html", {"until": f"{until:.0f}", "prompt": prompt})


# --- staff: the queue, the rectification page, phone/paper recording, the 台账 ------------------------


def _staff(request):
    if not scope_of(request.user).is_staff_member:
        raise Http404
    return scope_of(request.user)


@login_required
def queue(request):
    _staff(request)
    show = request.GET.get("show", "open")
    rows = services.rectifications_visible_to(request.user).select_related("case__item", "center", "rating")
    if show == "open":
        rows = rows.filter(state__in=OPEN_STATES)
    rows = rows.order_by("due", "id")
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    today = clock.today()
    items = [{"rect": r, "overdue": services.overdue(r, today)} for r in page]
    return render(request, "ratings/queue.html", {"page": page, "items": items, "show": show,
                                                   "query": urlencode({"show": show})})  # fmt: skip


STEP_FIELDS = {
    "verify": ["reached", "verification"],
    "appeal": ["reason"],
    "decide_appeal": ["invalid", "reason"],
    "start": ["plan"],
    "rectify": ["result"],
    "callback": ["reached", "level", "note"],
    "request_extension": ["days", "reason"],
    "approve_extension": [],
    "decline_extension": ["reason"],
}


@login_required
def rectification(request, pk: int):
    _staff(request)
    rect = (
        services.rectifications_visible_to(request.user)
        .select_related("case__item", "center", "rating__staff", "rating__recorded_by", "department")
        .filter(pk=pk)
        .first()
    )
    if rect is None:
        raise Http404
    errors, message, status, failed = {}, "", 200, ""
    if request.method == "POST":
        action = request.POST.get("action", "")[:30]
        data = {k: v for k, v in request.POST.items() if k not in ("csrfmiddlewaretoken", "action")}
        if data.get("level") == "":
            data.pop("level")
        if data.get("days") == "":
            data.pop("days")
        data["invalid"] = data.get("invalid") in ("1", "on", "true")
        try:
            services.perform_step(request.user, rect.pk, action, data)
        except Http404:
            raise
        except NotFound:
            raise Http404 from None
        except ApiError as exc:
            errors, message, status, failed = exc.fields or {}, exc.message, exc.status, action
        else:
            messages.success(request, f"已{services.STEPS[action][0]}。")
            return redirect("ratings:rectification", pk=rect.pk)
    steps = [
        {"name": n, "label": services.STEPS[n][0], "fields": STEP_FIELDS[n]}
        for n in services.available_steps(request.user, rect)
    ]
    from bianmin.cases.actions import label_of

    events = [
        {"at": e.at, "label": label_of(e.action), "actor_name": e.actor_name, "note": e.note}
        for e in services.case_events(rect).order_by("at", "id")
    ]
    context = {
        "rect": rect, "rating": rect.rating, "steps": steps, "events": events, "errors": errors,
        "message": message, "failed": failed, "overdue": services.overdue(rect), "levels": LEVEL_CHOICES,
        "applicant": services.mask_name(rect.case.applicant_name),
    }  # fmt: skip
    return render(request, "ratings/rectification.html", context, status=status)


@login_required
def record(request):
    """Phone/paper: staff record a citizen's rating for a case they did not handle."""
    _staff(request)
    number = (request.POST.get("number") or request.GET.get("number") or "").strip().upper()[:40]
    errors, message, status = {}, "", 200
    if request.method == "POST":
        case = cases_visible_to(request.user).filter(number=number).first()
        if case is None:
            errors, message, status = {"number": "未找到该办件"}, "未找到该办件", 404
        else:
            from pydantic import ValidationError

            from bianmin.core.errors import Invalid, validation_fields
            from bianmin.ratings.schemas import StaffRatingIn

            data = {**_form_data(request), "channel": request.POST.get("channel", "")}
            try:
                try:
                    body = StaffRatingIn.model_validate(data)
                except ValidationError as exc:
                    raise Invalid("输入有误", fields=validation_fields(exc.errors())) from exc
                services.rate(case, recorded_by=request.user, **body.model_dump())
            except ApiError as exc:
                errors, message, status = exc.fields or {}, exc.message, exc.status
            else:
                messages.success(request, f"已代录办件{case.number}的评价。")
                return redirect("ratings:record")
    context = {"number": number, "errors": errors, "message": message, "levels": LEVEL_CHOICES,
               "stage_labels": dict(Stage.choices)}  # fmt: skip
    return render(request, "ratings/record.html", context, status=status)


def _period(request) -> tuple[dt.date, dt.date]:
    today = clock.today()
    try:
        date_from = dt.date.fromisoformat(request.GET.get("from", "")[:10])
    except ValueError:
        date_from = today.replace(day=1)
    try:
        date_to = dt.date.fromisoformat(request.GET.get("to", "")[:10])
    except ValueError:
        date_to = today
    if date_to < date_from or (date_to - date_from).days > 3660:
        date_from, date_to = today.replace(day=1), today
    return date_from, date_to


@login_required
def ledger_xlsx(request):
    _staff(request)
    date_from, date_to = _period(request)
    rows = services.rectifications_visible_to(request.user).filter(
        opened_at__date__gte=date_from, opened_at__date__lte=date_to
    )
    content = ledger.workbook(rows, date_from, date_to)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="rating-ledger-{date_from}-{date_to}.xlsx"'
    return response


# --- the public board ---------------------------------------------------------------------------------


def board_index(request):
    centers = Center.objects.filter(is_active=True).exclude(level="village").select_related("region")
    return render(request, "ratings/board_index.html", {"centers": centers.order_by("code")[:200]})


def _public(text: str, case) -> str:
    """Free text on the public board: ID and mobile numbers masked, and the applicant's own name too."""
    text = services.public_text(text)
    name = case.applicant_name or ""
    return text.replace(name, services.mask_name(name)) if len(name) >= 2 else text


def board(request, code: str):
    """Public, no login, phone width: this month's figures, recent comments (masked), every 差评 and what
    was done about it."""
    center = get_object_or_404(Center, code=code[:20], is_active=True)
    today = clock.today()
    first = today.replace(day=1)
    month = figures.center_figures(center.pk, first, today)
    comments = (
        Rating.objects.filter(center=center)
        .exclude(comment="")
        .select_related("case__item")
        .order_by("-created_at", "-id")[:10]
    )
    bad = (
        Rectification.objects.filter(center=center)
        .select_related("case__item", "rating")
        .order_by("-opened_at", "-id")
    )
    page = Paginator(bad, 20).get_page(request.GET.get("page"))
    context = {
        "center": center, "month": month, "first": first, "today": today, "page": page, "query": "",
        "comments": [
            {"rating": r, "name": services.mask_name(r.case.applicant_name), "text": _public(r.comment, r.case)}
            for r in comments
        ],
        "bad": [
            {"rect": r, "name": services.mask_name(r.case.applicant_name),
             "text": _public(r.rating.comment, r.case),
             # Staff write these; they may quote the citizen's name, phone or ID number like a comment would.
             "plan": _public(r.plan, r.case), "result": _public(r.result, r.case)}
            for r in page
        ],  # fmt: skip
    }  # fmt: skip
    return render(request, "ratings/board.html", context)
