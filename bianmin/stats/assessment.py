"""绩效考核: a monthly score per staff member and per window, from configurable weights.

The rules (shown beside every score):

- 办件量 = 本月本人收件量 + 办结量，每件得 `volume` 分，最高 `volume_cap` 分；
- 按期办结率 × `on_time` 分（本月无办结件的按满分计）；
- 好差评满意率 × `satisfaction` 分（评价系统未接入或本月无评价的按满分计）；
- 差评整改率 × `rectified` 分（无差评的按满分计）；
- 每张黄牌扣 `card_penalty` 分、红牌扣两倍；每件属实投诉扣 `complaint_penalty` 分；
- 考勤：排班日迟到每次扣 `late_penalty` 分，缺勤每天扣 `absent_penalty` 分（签到记录见 bianmin.duty）。

A window's score uses the same rules over the cases its departments led at that center.
"""

import datetime as dt
from decimal import Decimal

from django.db.models import Q, Sum

from bianmin.accounts.models import Post, User
from bianmin.regions.models import Center, Window
from bianmin.stats import query
from bianmin.stats.indicators import ratio
from bianmin.stats.models import AssessmentWeights, Fact

DEFAULT_WEIGHTS = {
    "volume": Decimal("0.5"),
    "volume_cap": 30,
    "on_time": 40,
    "satisfaction": 20,
    "rectified": 10,
    "card_penalty": 5,
    "complaint_penalty": 3,
    "late_penalty": 1,
    "absent_penalty": 3,
}


def weights_for(county: str) -> dict:
    row = AssessmentWeights.objects.filter(county=county).first()
    if row is None:
        return dict(DEFAULT_WEIGHTS)
    return {k: getattr(row, k) for k in DEFAULT_WEIGHTS}


def rules(w: dict) -> list[str]:
    return [
        f"办件量：本月收件量 + 办结量，每件 {w['volume']} 分，最高 {w['volume_cap']} 分",
        f"按期办结率 × {w['on_time']} 分（本月无办结件的按满分计）",
        f"好差评满意率 × {w['satisfaction']} 分（无评价的按满分计）",
        f"差评整改率 × {w['rectified']} 分（无差评的按满分计）",
        f"每张黄牌扣 {w['card_penalty']} 分，红牌扣 {2 * w['card_penalty']} 分；每件属实投诉扣 {w['complaint_penalty']} 分",
        f"考勤：排班日迟到每次扣 {w['late_penalty']} 分，缺勤每天扣 {w['absent_penalty']} 分（请假不算缺勤）",
    ]


def score(w: dict, received: int, completed: int, on_time: int, extra: dict | None) -> dict:
    extra = extra or {}
    volume_n = received + completed
    parts = {
        "volume": min(float(w["volume_cap"]), float(w["volume"]) * volume_n),
        "on_time": w["on_time"] * (ratio(on_time, completed) if completed else 1.0),
        "satisfaction": w["satisfaction"]
        * (extra.get("satisfaction_rate") if extra.get("satisfaction_rate") is not None else 1.0),
        "rectified": w["rectified"]
        * (ratio(extra.get("bad_rectified") or 0, extra["bad"]) if extra.get("bad") else 1.0),
        "cards": -w["card_penalty"] * ((extra.get("yellow_cards") or 0) + 2 * (extra.get("red_cards") or 0)),
        "complaints": -w["complaint_penalty"] * (extra.get("complaints_upheld") or 0),
        "attendance": -w["late_penalty"] * (extra.get("late") or 0)
        - w["absent_penalty"] * (extra.get("absent") or 0),
    }
    return {
        "volume_n": volume_n,
        "received": received,
        "completed": completed,
        "on_time_rate": ratio(on_time, completed),
        "parts": {k: round(v, 1) for k, v in parts.items()},
        "total": round(sum(parts.values()), 1),
    }


def _extra(user_ids, first, last) -> dict[int, dict]:
    """Ratings, complaints and cards per person from the other apps (interfaces.md #1), when installed."""
    out: dict[int, dict] = {u: {} for u in user_ids}
    for app in ("ratings", "inquiries", "supervision"):
        for uid, figures in query.person_figures(app, list(user_ids), first, last).items():
            if app == "inquiries":
                figures = {"complaints_upheld": figures.get("complaints_upheld", figures.get("received"))}
            out.setdefault(uid, {}).update(figures)
    from django.apps import apps

    if apps.is_installed("bianmin.duty"):
        from bianmin.duty.figures import attendance

        for uid, days in attendance(list(user_ids), first, last).items():
            out.setdefault(uid, {}).update(late=days["late"], absent=days["absent"])
    return out


def center_staff(center: Center) -> list[User]:
    posts = Post.objects.filter(is_active=True).filter(Q(center=center) | Q(department__center=center))
    return list(User.objects.filter(pk__in=posts.values("user_id")).order_by("username"))


def staff_scores(centers: list[Center], first: dt.date, last: dt.date, county: str) -> list[dict]:
    """One row per staff member of these centers (ranked within their center, then in the whole list)."""
    w = weights_for(county)
    people: dict[int, tuple[User, Center]] = {}
    for center in centers:
        for user in center_staff(center):
            people.setdefault(user.pk, (user, center))
    sums = {
        r["staff_id"]: r
        for r in Fact.objects.filter(staff_id__in=list(people), day__gte=first, day__lte=last)
        .values("staff_id")
        .annotate(r=Sum("received"), c=Sum("completed"), t=Sum("on_time"))
        .order_by()
    }
    extra = _extra(people, first, last)
    rows = []
    for uid, (user, center) in people.items():
        s = sums.get(uid, {})
        rows.append(
            {
                "user_id": uid,
                "name": user.display_name,
                "center": center.name,
                "center_id": center.pk,
                **score(w, s.get("r") or 0, s.get("c") or 0, s.get("t") or 0, extra.get(uid)),
            }
        )
    rows.sort(key=lambda r: (-r["total"], r["name"]))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    by_center: dict[int, int] = {}
    for row in rows:
        by_center[row["center_id"]] = by_center.get(row["center_id"], 0) + 1
        row["center_rank"] = by_center[row["center_id"]]
    return rows


def window_scores(centers: list[Center], first: dt.date, last: dt.date, county: str) -> list[dict]:
    w = weights_for(county)
    windows = list(
        Window.objects.filter(center__in=centers).prefetch_related("departments").select_related("center")
    )
    sums = {
        (r["center_id"], r["department_id"]): r
        for r in Fact.objects.filter(center_id__in=[c.pk for c in centers], day__gte=first, day__lte=last)
        .values("center_id", "department_id")
        .annotate(r=Sum("received"), c=Sum("completed"), t=Sum("on_time"))
        .order_by()
    }
    rows = []
    for window in windows:
        parts = [sums.get((window.center_id, d.pk), {}) for d in window.departments.all()]
        total = {k: sum(p.get(k) or 0 for p in parts) for k in ("r", "c", "t")}
        rows.append(
            {
                "name": f"{window.number}号窗口 {window.name}",
                "center": window.center.name,
                **score(w, total["r"], total["c"], total["t"], None),
            }
        )
    rows.sort(key=lambda r: (-r["total"], r["name"]))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    return rows
