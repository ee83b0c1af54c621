"""Duty rules: who backs up whom (AB岗), who is where (去向), sign-in (签到/签退) and the roster (排班).

Read by the case engine through `accounts.standins` (the resolver below), by the hall screen through
`on_duty(center, day)` and by the staff assessment through `figures.attendance`.
"""

import datetime as dt
import hashlib
import hmac
import ipaddress
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.urls import reverse

from bianmin.accounts import standins
from bianmin.accounts.models import Post, Role, User
from bianmin.accounts.scope import scope_of
from bianmin.cases.clock import current_calendar
from bianmin.core import clock
from bianmin.core.errors import Forbidden, Invalid, NotFound
from bianmin.duty.models import (
    AWAY,
    Attendance,
    DutyPost,
    DutySettings,
    PostKind,
    RosterEntry,
    SignMethod,
    Status,
    Whereabouts,
)
from bianmin.messaging.notices import notify
from bianmin.regions.models import Center, CenterLevel, Level, Region

MAX_NOTE = 100
# How far ahead an expected return may lie (a long leave is entered again when it is extended).
MAX_AWAY_DAYS = 90


def mask_name(name: str) -> str:
    """A citizen's name as public pages show it: 王*英, 王*, 欧阳**峰."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name and "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=clock.SHANGHAI)


# --- whereabouts ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Presence:
    """Where someone is now: a whereabouts status (or None when nothing is known) and its words."""

    status: str | None
    label: str
    until: dt.datetime | None = None
    signed_in: bool = False
    signed_out: bool = False

    @property
    def away(self) -> bool:
        """Not in post: signed out today, or a whereabouts that takes them away (village, meeting, leave …)."""
        return self.signed_out or self.status in AWAY


def _effective(row: Whereabouts | None, now: dt.datetime) -> Whereabouts | None:
    if row is None:
        return None
    if row.until is not None:
        return row if row.until > now else None
    return row if row.set_at.astimezone(clock.SHANGHAI).date() == now.date() else None


def presence(user_ids, now: dt.datetime | None = None) -> dict[int, Presence]:
    """Each person's presence now, in three queries whatever the number of people."""
    now = now or clock.now()
    ids = list(user_ids)
    if not ids:
        return {}
    latest = (
        Whereabouts.objects.filter(user=OuterRef("pk"), set_at__lte=now)
        .order_by("-set_at", "-id")
        .values("pk")[:1]
    )
    latest_ids = dict(User.objects.filter(pk__in=ids).annotate(w=Subquery(latest)).values_list("pk", "w"))
    rows = {
        w.user_id: w
        for w in Whereabouts.objects.filter(pk__in=[w for w in latest_ids.values() if w]).select_related(
            "village"
        )
    }
    attendance = {a.user_id: a for a in Attendance.objects.filter(user_id__in=ids, day=now.date())}
    out = {}
    for uid in ids:
        row = _effective(rows.get(uid), now)
        att = attendance.get(uid)
        signed_in = att is not None and att.signed_out_at is None
        signed_out = att is not None and att.signed_out_at is not None
        if row is not None and att is not None and (att.signed_out_at or att.signed_in_at) > row.set_at:
            # The latest word counts: a sign-in (or sign-out) after the whereabouts was set ends it, so
            # coming back early from a leave "until tomorrow" puts A in post again (and B may not act).
            row = None
        if row is not None and row.status == Status.IN_POST and signed_out:
            # Set in post after signing out today: in post again.
            out[uid] = Presence(row.status, row.label(), row.until, False, False)
        elif row is not None:
            out[uid] = Presence(row.status, row.label(), row.until, signed_in, signed_out)
        elif signed_out:
            out[uid] = Presence(Status.OFF_DUTY, "已签退", None, False, True)
        elif signed_in:
            out[uid] = Presence(Status.IN_POST, "在岗", None, True, False)
        else:
            out[uid] = Presence(None, "未签到", None, False, False)
    return out


def set_whereabouts(
    actor, person, status: str, *, village: str = "", note: str = "", until=None
) -> Whereabouts:
    """Record where `person` is (they themselves, or their director); 422 naming the field otherwise."""
    fields = {}
    if status not in Status.values:
        fields["status"] = "请选择去向"
    region = None
    if status == Status.VILLAGE:
        code = (village or "").strip()
        region = Region.objects.filter(code=code, level=Level.VILLAGE).first() if len(code) == 12 else None
        if region is None:
            fields["village"] = "请选择所去的村"
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        fields["note"] = f"说明不超过{MAX_NOTE}字"
    now = clock.now()
    if until is not None:
        if until <= now:
            fields["until"] = "预计返回时间应晚于现在"
        elif until > now + dt.timedelta(days=MAX_AWAY_DAYS):
            fields["until"] = f"预计返回时间不能超过{MAX_AWAY_DAYS}天以后"
    if fields:
        raise Invalid("去向登记有误", fields=fields)
    row = Whereabouts.objects.create(
        user=person, status=status, village=region, note=note, until=until, set_at=now, set_by=actor
    )
    standins.forget(person)
    if status in AWAY:
        tell_backups(person, row.label(), until)
    return row


def tell_backups(person, why: str, until=None) -> None:
    """The B backups of someone leaving their post get a notice: their B岗代办 queue is open now."""
    backups = list(
        DutyPost.objects.filter(holder=person, is_active=True, backup__isnull=False)
        .values_list("backup_id", flat=True)
        .distinct()
    )
    if backups:
        back = f"，预计{until.astimezone(clock.SHANGHAI):%m月%d日 %H:%M}返回" if until else ""
        notify(
            backups,
            "standin",
            f"{person.display_name}（A岗）{why}{back}，请您B岗代办",
            link=reverse("cases:queue", args=["standin"]),
        )


# --- AB posts ---------------------------------------------------------------------------------------


class StandinResolver:
    """What the case engine asks (accounts.standins): whom a user backs up, and who of them is away."""

    def holders_backed_by(self, user) -> list:
        return list(
            User.objects.filter(a_posts__backup=user, a_posts__is_active=True).distinct().order_by("pk")
        )

    def is_backup(self, user_ref):
        return Exists(DutyPost.objects.filter(backup=user_ref, is_active=True, holder__isnull=False))

    def away(self, holders) -> set[int]:
        return {uid for uid, p in presence([h.pk for h in holders]).items() if p.away}


# --- where a person works ---------------------------------------------------------------------------


def centers_of(user) -> list[Center]:
    """The centers (and village stations) a person works at: where they sign in and are rostered."""
    posts = Post.objects.filter(user=user, is_active=True).select_related("department", "region")
    ids, regions = set(), []
    for post in posts:
        if post.center_id:
            ids.add(post.center_id)
        elif post.department_id and post.department.center_id:
            ids.add(post.department.center_id)
        elif post.role == Role.AGENT and post.region_id:
            regions.append(post.region_id)
    q = Q(pk__in=ids)
    if regions:
        q |= Q(region_id__in=regions, level=CenterLevel.VILLAGE)
    return list(Center.objects.filter(q).select_related("region").order_by("code")) if ids or regions else []


def directed_centers(user):
    """The centers whose roster and people this user manages: a director's own centers, or any (admin)."""
    scope = scope_of(user)
    if scope.is_admin:
        return Center.objects.all()
    if Role.DIRECTOR not in scope.roles:
        return Center.objects.none()
    return Center.objects.filter(
        pk__in=scope.center_ids, posts__role=Role.DIRECTOR, posts__user=user
    ).distinct()


def directed_center(user, code: str) -> Center:
    center = directed_centers(user).filter(code=(code or "")[:20]).select_related("region").first()
    if center is None:
        raise NotFound("未找到该中心")
    return center


def people_of(center: Center):
    """Everyone who may be put on a post of this center: its clerks and director, the approvers of the
    departments seated there, and, for a township, the agents of the stations below it."""
    q = Q(center=center) | Q(department__center=center)
    if center.level == CenterLevel.VILLAGE:
        q |= Q(role=Role.AGENT, region=center.region)
    else:
        q |= Q(role=Role.AGENT, region__code__startswith=center.region.prefix, region__level=Level.VILLAGE)
    users = Post.objects.filter(q, is_active=True).values("user_id")
    return User.objects.filter(pk__in=users, is_active=True).order_by("username")


def posts_of(center: Center):
    """The duty posts of a center and of the village stations below it."""
    return (
        DutyPost.objects.filter(Q(center=center) | Q(center__parent=center), is_active=True)
        .select_related("center", "window", "department", "holder", "backup")
        .order_by("center__code", "kind", "name", "pk")
    )


# --- sign-in ----------------------------------------------------------------------------------------


def settings_of(center: Center) -> DutySettings:
    found = DutySettings.objects.filter(center=center).first()
    return found or DutySettings(center=center, start=dt.time(8, 30), end=dt.time(17, 30), grace_minutes=5)


def day_code(center: Center, day: dt.date) -> str:
    """The code on the wall QR for this center today: rotates daily, derived from the site's secret."""
    message = f"duty-sign:{center.code}:{day.isoformat()}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()[:10].upper()


def in_network(center: Center, address: str) -> bool:
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return False
    for line in settings_of(center).networks.splitlines():
        try:
            if ip in ipaddress.ip_network(line.strip(), strict=False):
                return True
        except ValueError:
            continue
    return False


def _method(center: Center, address: str, code: str, day: dt.date) -> str:
    if in_network(center, address):
        return SignMethod.NETWORK
    if code and hmac.compare_digest((code or "").strip().upper()[:20], day_code(center, day)):
        return SignMethod.QR
    raise Forbidden("签到须在中心网络内进行，或扫描中心墙上今天的签到二维码（不需要定位）")


def _center_for(user, code: str | None) -> Center:
    mine = centers_of(user)
    if not mine:
        raise Forbidden("您没有需要签到的岗位")
    if code:
        found = next((c for c in mine if c.code == code[:20]), None)
        if found is None:
            raise NotFound("未找到该中心")
        return found
    return mine[0]


def sign_in(user, *, center_code: str | None, address: str, code: str = "") -> Attendance:
    center = _center_for(user, center_code)
    now = clock.now()
    method = _method(center, address, code, now.date())
    rules = settings_of(center)
    start = dt.datetime.combine(now.date(), rules.start, tzinfo=clock.SHANGHAI)
    late = now > start + dt.timedelta(minutes=rules.grace_minutes)
    try:
        with transaction.atomic():
            row, created = Attendance.objects.get_or_create(
                user=user,
                day=now.date(),
                defaults={"center": center, "signed_in_at": now, "in_method": method, "late": late},
            )
    except IntegrityError:  # two taps at once: the first one counts
        row, created = Attendance.objects.get(user=user, day=now.date()), False
    if not created and row.signed_out_at is not None:
        # Back after signing out (e.g. the afternoon): in post again, the morning's sign-in still counts.
        row.signed_out_at, row.out_method = None, ""
        row.save(update_fields=["signed_out_at", "out_method"])
    if presence([user.pk], now)[user.pk].away:
        # Back early from a leave / meeting still on record (the morning's sign-in keeps its time): the moment
        # of return is recorded as an in-post whereabouts, so the latest word says in post and the B
        # backup's stand-in ends.
        Whereabouts.objects.create(user=user, status=Status.IN_POST, note="签到返岗", set_at=now, set_by=user)
    standins.forget(user)
    return row


def sign_out(user, *, center_code: str | None, address: str, code: str = "") -> Attendance:
    center = _center_for(user, center_code)
    now = clock.now()
    method = _method(center, address, code, now.date())
    row = Attendance.objects.filter(user=user, day=now.date()).first()
    if row is None:
        raise Forbidden("今天还没有签到，不能签退")
    row.signed_out_at, row.out_method = now, method
    row.save(update_fields=["signed_out_at", "out_method"])
    standins.forget(user)
    tell_backups(user, "已签退")
    return row


# --- roster -----------------------------------------------------------------------------------------


def parse_month(value: str) -> dt.date:
    """'2026-05' → the first of that month; anything else → 422 naming the field."""
    try:
        year, month = (int(p) for p in (value or "").split("-"))
        if not 2000 <= year <= 2100:
            raise ValueError
        return dt.date(year, month, 1)
    except (ValueError, TypeError):
        raise Invalid(
            "月份格式应为 YYYY-MM", fields={"month": "月份格式应为 YYYY-MM，例如 2026-05"}
        ) from None


def month_days(first: dt.date) -> list[dt.date]:
    nxt = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return [first + dt.timedelta(days=i) for i in range((nxt - first).days)]


def month_grid(center: Center, first: dt.date):
    """Days (with workday flags and holiday names), posts, and {(post_id, day): user_id} for the month."""
    calendar = current_calendar(center.region)
    days = [calendar.day_info(d) for d in month_days(first)]
    posts = list(posts_of(center))
    entries = RosterEntry.objects.filter(post__in=posts, day__gte=days[0].date, day__lte=days[-1].date)
    cells = {(e.post_id, e.day): e.user_id for e in entries}
    return days, posts, cells


def save_month(
    director, center: Center, first: dt.date, wanted: dict[tuple[int, dt.date], int | None]
) -> int:
    """Replace the month's roster of these posts with `wanted`; one person on one post a day (422 else).

    Nothing is written unless everything is valid. A month that has ended is kept as it was: the sign-in
    figures of the staff assessment were counted against it. Returns the number of entries now in the month."""
    days = month_days(first)
    if days[-1] < clock.today():
        raise Invalid("已经过去的月份不能修改排班", fields={"month": "已经过去的月份不能修改排班"})
    posts = {p.pk: p for p in posts_of(center)}
    people = set(people_of(center).values_list("pk", flat=True))
    fields, taken = {}, {}
    for (post_id, day), user_id in wanted.items():
        if user_id is None:
            continue
        name = f"p{post_id}_{day.day}"
        if post_id not in posts or day not in days:
            fields[name] = "岗位或日期不属于本月排班"
        elif user_id not in people:
            fields[name] = "该人员不在本中心"
        elif (user_id, day) in taken:
            fields[name] = f"{day.month}月{day.day}日同一人已排在“{posts[taken[user_id, day]].name}”"
        else:
            taken[user_id, day] = post_id
    # Someone on a post of another center that day would collide with the one-post-a-day rule too.
    elsewhere = RosterEntry.objects.filter(
        user_id__in={u for u, _ in taken}, day__gte=days[0], day__lte=days[-1]
    ).exclude(post_id__in=posts)
    for entry in elsewhere.select_related("post"):
        if (entry.user_id, entry.day) in taken:
            post_id = taken[entry.user_id, entry.day]
            fields[f"p{post_id}_{entry.day.day}"] = f"该人员当天已在“{entry.post.name}”值班"
    if fields:
        raise Invalid("排班有误，未保存", fields=fields)
    now = clock.now()
    with transaction.atomic():
        RosterEntry.objects.filter(post_id__in=posts, day__gte=days[0], day__lte=days[-1]).delete()
        RosterEntry.objects.bulk_create(
            [
                RosterEntry(post_id=post_id, user_id=user_id, day=day, set_at=now, set_by=director)
                for (user_id, day), post_id in taken.items()
            ]
        )
    return len(taken)


def on_duty(center: Center, day: dt.date | None = None) -> list[dict]:
    """The people on duty at a center on a day (today by default): post, whereabouts now and photo.

    From the roster; with no roster for the day, the A holders of the center's posts. For the hall screen
    and the public center page: staff names and posts are public (公示), no phone and no ID number here."""
    day = day or clock.today()
    posts = list(
        DutyPost.objects.filter(center=center, is_active=True)
        .select_related("window", "holder")
        .order_by("kind", "window__number", "name", "pk")
    )
    entries = list(RosterEntry.objects.filter(post__in=posts, day=day).select_related("post", "user"))
    if entries:
        pairs = [(e.post, e.user) for e in entries]
    else:
        calendar = current_calendar(center.region)
        pairs = [(p, p.holder) for p in posts if p.holder_id] if calendar.is_workday(day) else []
    now = clock.now()
    here = presence([u.pk for _, u in pairs], now if day == now.date() else day_start(day))
    order = {p.pk: i for i, p in enumerate(posts)}
    pairs.sort(key=lambda pair: order.get(pair[0].pk, 0))
    return [
        {
            "user_id": user.pk,
            "name": user.display_name,
            "post": post.name,
            "window": post.window.number if post.window_id else None,
            "status": here[user.pk].status,
            "status_label": here[user.pk].label,
            "until": here[user.pk].until,
            "photo_url": user.photo.url if user.photo else "",
        }
        for post, user in pairs
    ]


# --- posts and settings -----------------------------------------------------------------------------


def create_posts(center: Center) -> int:
    """A post for each window and department of the center and each station below it that has none."""
    created = 0
    for window in center.windows.filter(duty_post__isnull=True):
        DutyPost.objects.create(
            center=center, kind=PostKind.WINDOW, window=window, name=f"{window.number}号{window.name}"
        )
        created += 1
    for dept in center.departments.filter(duty_post__isnull=True):
        DutyPost.objects.create(
            center=center, kind=PostKind.DEPARTMENT, department=dept, name=dept.short_name or dept.name
        )
        created += 1
    for station in Center.objects.filter(parent=center, level=CenterLevel.VILLAGE, is_active=True).exclude(
        duty_posts__kind=PostKind.STATION
    ):
        DutyPost.objects.create(center=station, kind=PostKind.STATION, name=f"{station.name}代办员")
        created += 1
    return created


def assign_posts(center: Center, wanted: dict[int, tuple[int | None, int | None]]) -> None:
    """Set each post's A holder and B backup; people of the center only, A and B different (422 else)."""
    posts = {p.pk: p for p in posts_of(center)}
    people = set(people_of(center).values_list("pk", flat=True))
    fields = {}
    for post_id, (a, b) in wanted.items():
        if post_id not in posts:
            fields[f"p{post_id}_a"] = "岗位不属于本中心"
            continue
        for name, uid in ((f"p{post_id}_a", a), (f"p{post_id}_b", b)):
            if uid is not None and uid not in people:
                fields[name] = "该人员不在本中心"
        if a is not None and a == b:
            fields[f"p{post_id}_b"] = f"“{posts[post_id].name}”的A岗和B岗不能是同一人"
    if fields:
        raise Invalid("岗位设置有误，未保存", fields=fields)
    with transaction.atomic():
        for post_id, (a, b) in wanted.items():
            post = posts[post_id]
            if (post.holder_id, post.backup_id) != (a, b):
                post.holder_id, post.backup_id = a, b
                post.save(update_fields=["holder", "backup"])


def save_settings(center: Center, *, start: str, end: str, grace: str, networks: str) -> DutySettings:
    """The center's hours, grace minutes and networks; a bad time, number or IP range is a 422 naming it."""
    fields, times = {}, {}
    for name, value in (("start", start), ("end", end)):
        try:
            times[name] = dt.time.fromisoformat((value or "").strip()[:8])
        except ValueError:
            fields[name] = "请按 08:30 的格式填写时间"
    if not fields and times["end"] <= times["start"]:
        fields["end"] = "下班时间应晚于上班时间"
    grace = (grace or "").strip()
    if not (grace.isascii() and grace.isdigit()) or len(grace) > 3 or int(grace) > 120:
        fields["grace"] = "迟到宽限为0到120分钟"
    lines = [line.strip() for line in (networks or "").splitlines() if line.strip()]
    if len(lines) > 20:
        fields["networks"] = "最多20个IP段"
    for line in lines[:20]:
        try:
            ipaddress.ip_network(line[:50], strict=False)
        except ValueError:
            fields["networks"] = f"“{line[:50]}”不是有效的IP段（如 10.61.3.0/24）"
            break
    if fields:
        raise Invalid("签到设置有误，未保存", fields=fields)
    row, _ = DutySettings.objects.update_or_create(
        center=center,
        defaults={
            "start": times["start"],
            "end": times["end"],
            "grace_minutes": int(grace),
            "networks": "\n".join(lines),
        },
    )
    return row
