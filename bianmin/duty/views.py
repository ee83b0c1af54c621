"""Duty pages: sign-in, my whereabouts, the director's people, roster and wall QR; the public center page
(六公开) and the open-data files."""

import csv
import datetime as dt
import io

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_datetime

from bianmin.accounts.decorators import admin_required
from bianmin.accounts.models import Role
from bianmin.accounts.services import client_address
from bianmin.cases.validators import phone_error
from bianmin.catalog.selectors import published_items
from bianmin.core import clock
from bianmin.core.errors import Invalid, NotFound
from bianmin.core.excel import safe_cell
from bianmin.duty import disclosure, services
from bianmin.duty.models import Attendance, PostKind, RosterEntry, Status, WeeklyDuty
from bianmin.regions.models import Center, CenterLevel, Level, Region

DIRECTORS_ONLY = "只有中心负责人或系统管理员可以排班和查看人员去向。"
PAGE_SIZE = 20
MOBILE_PREFIX = "1"


def _staff_only(request):
    if not services.centers_of(request.user):
        raise NotFound("没有需要签到的岗位")


# --- sign-in ----------------------------------------------------------------------------------------


@login_required
def sign(request):
    centers = services.centers_of(request.user)
    if not centers:
        raise Http404
    code = request.POST.get("code") or request.GET.get("code") or ""
    center_code = request.POST.get("center") or request.GET.get("center") or centers[0].code
    if request.method == "POST":
        action = request.POST.get("action")
        kwargs = {"center_code": center_code[:20], "address": client_address(request), "code": code[:20]}
        if action == "out":
            services.sign_out(request.user, **kwargs)
            messages.success(request, "已签退。")
        else:
            row = services.sign_in(request.user, **kwargs)
            messages.success(request, "已签到（迟到）。" if row.late else "已签到。")
        return redirect("duty:sign")
    today = Attendance.objects.filter(user=request.user, day=clock.today()).select_related("center").first()
    return render(
        request,
        "duty/sign.html",
        {"centers": centers, "chosen": center_code, "code": code[:20], "today": today},
    )


# --- whereabouts ------------------------------------------------------------------------------------


def _until(value: str):
    value = (value or "").strip()[:32]
    if not value:
        return None
    try:
        moment = parse_datetime(value) if "T" in value or " " in value else None
    except ValueError:  # well formed but no such moment (2026-02-30T10:00)
        moment = None
    if moment is None:
        raise Invalid("预计返回时间有误", fields={"until": "请填写预计返回的日期和时间"})
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=clock.SHANGHAI)
    return moment


def _villages_near(user):
    centers = services.centers_of(user)
    prefixes = {
        c.parent.region.prefix if c.level == CenterLevel.VILLAGE and c.parent_id else c.region.prefix
        for c in centers
    }
    q = Region.objects.none()
    for prefix in prefixes:
        q |= Region.objects.filter(code__startswith=prefix, level=Level.VILLAGE)
    return q.order_by("code")[:200]


def _record_whereabouts(request, person):
    try:
        services.set_whereabouts(
            request.user,
            person,
            request.POST.get("status", ""),
            village=request.POST.get("village", ""),
            note=request.POST.get("note", "")[:200],
            until=_until(request.POST.get("until", "")),
        )
    except Invalid as exc:
        return exc.fields or {"status": exc.message}
    return None


@login_required
def whereabouts(request):
    _staff_only(request)
    errors, status = {}, 200
    if request.method == "POST":
        errors = _record_whereabouts(request, request.user)
        if not errors:
            messages.success(request, "去向已登记。")
            return redirect("duty:whereabouts")
        status = 422
    here = services.presence([request.user.pk])[request.user.pk]
    return render(
        request,
        "duty/whereabouts.html",
        {
            "here": here,
            "statuses": Status.choices,
            "villages": _villages_near(request.user),
            "errors": errors,
            "posted": request.POST if request.method == "POST" else {},
        },
        status=status,
    )


# --- the director's pages ---------------------------------------------------------------------------


@admin_required(roles=(Role.DIRECTOR,), message=DIRECTORS_ONLY)
def centers(request):
    mine = list(
        services.directed_centers(request.user)
        .filter(level__in=[CenterLevel.TOWNSHIP, CenterLevel.COUNTY])
        .order_by("code")[:50]
    )
    return render(request, "duty/centers.html", {"centers": mine, "month": f"{clock.today():%Y-%m}"})


@admin_required(roles=(Role.DIRECTOR,), message=DIRECTORS_ONLY)
def people(request, code: str):
    center = services.directed_center(request.user, code)
    staff = list(services.people_of(center))
    errors, status = {}, 200
    if request.method == "POST":
        person = next((p for p in staff if str(p.pk) == request.POST.get("person", "")), None)
        if person is None:
            raise NotFound("未找到该人员")
        errors = _record_whereabouts(request, person)
        if not errors:
            messages.success(request, f"已登记{person.display_name}的去向。")
            return redirect("duty:people", code=center.code)
        status = 422
    today = clock.today()
    here = services.presence([p.pk for p in staff])
    posts_today = {
        e.user_id: e.post
        for e in RosterEntry.objects.filter(user__in=staff, day=today).select_related("post")
    }
    signs = {a.user_id: a for a in Attendance.objects.filter(user__in=staff, day=today)}
    posts = list(services.posts_of(center))
    rows = [
        {
            "person": p,
            "post": posts_today.get(p.pk),
            "here": here[p.pk],
            "sign": signs.get(p.pk),
            "a_of": [post.name for post in posts if post.holder_id == p.pk],
            "b_of": [post.name for post in posts if post.backup_id == p.pk],
        }
        for p in staff
    ]
    return render(
        request,
        "duty/people.html",
        {
            "center": center,
            "rows": rows,
            "statuses": Status.choices,
            "villages": _villages_near(request.user)[:200],
            "errors": errors,
            "month": f"{today:%Y-%m}",
        },
        status=status,
    )


@admin_required(roles=(Role.DIRECTOR,), message=DIRECTORS_ONLY)
def roster(request, code: str, month: str):
    center = services.directed_center(request.user, code)
    first = services.parse_month(month)
    errors, status = {}, 200
    if request.method == "POST":
        wanted = _wanted(request.POST, center, first)
        try:
            count = services.save_month(request.user, center, first, wanted)
        except Invalid as exc:
            errors, status = exc.fields, 422
        else:
            messages.success(request, f"{first.year}年{first.month}月排班已保存，共{count}人日。")
            return redirect("duty:roster", code=center.code, month=f"{first:%Y-%m}")
    days, posts, cells = services.month_grid(center, first)
    if request.method == "POST":
        cells = {key: uid for key, uid in _wanted(request.POST, center, first).items() if uid}
    staff = list(services.people_of(center))
    grid = [
        {"day": d, "cells": [(p, f"p{p.pk}_{d.date.day}", cells.get((p.pk, d.date))) for p in posts]}
        for d in days
    ]
    prev_month = (first - dt.timedelta(days=1)).replace(day=1)
    next_month = (first + dt.timedelta(days=32)).replace(day=1)
    return render(
        request,
        "duty/roster.html",
        {
            "center": center,
            "first": first,
            "posts": posts,
            "grid": grid,
            "staff": staff,
            "errors": errors,
            "prev": f"{prev_month:%Y-%m}",
            "next": f"{next_month:%Y-%m}",
        },
        status=status,
    )


def _wanted(data, center, first):
    """The grid's cells as {(post_id, day): user_id or None}; "fill" puts A holders on working days (a
    station's agent on their weekly duty days)."""
    days, posts, _cells = services.month_grid(center, first)
    weekly = set(WeeklyDuty.objects.filter(post__in=posts).values_list("post_id", "weekday"))
    wanted = {}
    for d in days:
        for p in posts:
            name = f"p{p.pk}_{d.date.day}"
            if data.get("fill") and p.holder_id:
                if p.kind == PostKind.STATION:
                    on = (p.pk, d.date.weekday()) in weekly
                else:
                    on = d.workday
                wanted[p.pk, d.date] = p.holder_id if on else None
                continue
            raw = (data.get(name) or "").strip()
            if raw.isascii() and raw.isdigit() and len(raw) < 12:
                wanted[p.pk, d.date] = int(raw)
            elif raw:
                wanted[p.pk, d.date] = -1  # not a person: refused by save_month, naming the cell
            else:
                wanted[p.pk, d.date] = None
    return wanted


def _person(raw: str) -> int | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 12 else -1


@admin_required(roles=(Role.DIRECTOR,), message=DIRECTORS_ONLY)
def posts(request, code: str):
    """The center's posts with their A holder and B backup, and its sign-in settings."""
    center = services.directed_center(request.user, code)
    errors, status = {}, 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "create":
                created = services.create_posts(center)
                messages.success(request, f"已新建{created}个岗位。")
            elif action == "settings":
                services.save_settings(
                    center,
                    start=request.POST.get("start", "")[:10],
                    end=request.POST.get("end", "")[:10],
                    grace=request.POST.get("grace", "")[:10],
                    networks=request.POST.get("networks", "")[:2000],
                )
                messages.success(request, "签到设置已保存。")
            else:
                wanted = {
                    p.pk: (_person(request.POST.get(f"p{p.pk}_a")), _person(request.POST.get(f"p{p.pk}_b")))
                    for p in services.posts_of(center)
                }
                services.assign_posts(center, wanted)
                messages.success(request, "AB岗已保存。")
        except Invalid as exc:
            errors, status = exc.fields or {"form": exc.message}, 422
        else:
            return redirect("duty:posts", code=center.code)
    return render(
        request,
        "duty/posts.html",
        {
            "center": center,
            "posts": list(services.posts_of(center)),
            "staff": list(services.people_of(center)),
            "rules": services.settings_of(center),
            "errors": errors,
            "posted": request.POST if request.method == "POST" else {},
        },
        status=status,
    )


@login_required
def wall_qr(request, code: str):
    """Today's sign-in QR of a center, for the wall or a screen: for the center's own staff."""
    center = next((c for c in services.centers_of(request.user) if c.code == code[:20]), None)
    if center is None:
        raise Http404
    today = clock.today()
    url = request.build_absolute_uri(
        reverse("duty:sign") + f"?center={center.code}&code={services.day_code(center, today)}"
    )
    qr = segno.make(url, error="m").svg_data_uri(scale=6)
    return render(request, "duty/qr.html", {"center": center, "qr": qr, "today": today})


# --- 六公开: the public center page -------------------------------------------------------------------


def _public_center(code: str) -> Center:
    center = (
        Center.objects.filter(code=(code or "")[:20], is_active=True)
        .select_related("region", "parent__region")
        .first()
    )
    if center is None:
        raise Http404
    return center


def _public_phone(value: str) -> str:
    """An institutional phone (a landline) is public; a mobile number on a center record is not shown."""
    value = (value or "").strip()
    return "" if not value or value.startswith(MOBILE_PREFIX) or phone_error(value) else value


def public_center(request, code: str):
    center = _public_center(code)
    today = clock.today()
    first = today.replace(day=1)
    items = Paginator(published_items(disclosure.items_region(center)), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    done = Paginator(disclosure.completed_publicly(center, first), PAGE_SIZE).get_page(
        request.GET.get("done")
    )
    return render(
        request,
        "duty/public_center.html",
        {
            "center": center,
            "service_phone": _public_phone(center.service_phone),
            "supervision_phone": _public_phone(center.supervision_phone),
            "items": items,
            "on_duty": services.on_duty(center, today),
            "done": done,
            "done_rows": [disclosure.public_row(c) for c in done.object_list],
            "month": first,
            "open_month": f"{first:%Y-%m}",
        },
    )


# --- open data --------------------------------------------------------------------------------------


def _open_centers():
    return Center.objects.filter(
        is_active=True, level__in=[CenterLevel.COUNTY, CenterLevel.TOWNSHIP]
    ).order_by("code")


def open_data(request):
    centers = list(_open_centers()[:200])
    return render(
        request,
        "duty/open_data.html",
        {
            "centers": centers,
            "months": disclosure.recent_months(),
            "fields": [(f, disclosure.LABELS[f]) for f in disclosure.FIELDS],
        },
    )


def open_data_index(request):
    months = disclosure.recent_months()
    return JsonResponse(
        {
            "fields": disclosure.LABELS,
            "centers": [
                {
                    "code": c.code,
                    "name": c.name,
                    "months": {
                        m: {
                            "csv": reverse("duty:open_csv", args=[c.code, m]),
                            "json": reverse("duty:open_json", args=[c.code, m]),
                        }
                        for m in months
                    },
                }
                for c in _open_centers()[:200]
            ],
        },
        json_dumps_params={"ensure_ascii": False},
    )


def _figures(code: str, month: str) -> dict:
    center = _open_centers().filter(code=(code or "")[:20]).first()
    if center is None:
        raise Http404
    return disclosure.center_figures(center, disclosure.open_month(month))


def open_data_json(request, code: str, month: str):
    figures = _figures(code, month)
    response = JsonResponse(
        {"fields": disclosure.LABELS, "figures": figures}, json_dumps_params={"ensure_ascii": False}
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


def open_data_csv(request, code: str, month: str):
    figures = _figures(code, month)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([disclosure.LABELS[f] for f in disclosure.FIELDS])
    writer.writerow(["" if figures[f] is None else safe_cell(figures[f]) for f in disclosure.FIELDS])
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{figures["center_code"]}-{figures["month"]}.csv"'
    response["Access-Control-Allow-Origin"] = "*"
    return response
