"""签到/签退: from the center's network or with today's wall QR code (no GPS); late and absent per month."""

import datetime as dt

import pytest

from bianmin.accounts.models import User
from bianmin.core import clock
from bianmin.duty import services
from bianmin.duty.figures import attendance
from bianmin.duty.models import Attendance, DutyPost, RosterEntry, Status, Whereabouts
from bianmin.regions.models import Center

FAMEN_CENTER = "610324106000"
INSIDE = "192.0.2.17"  # the demo network of 法门镇 (duty.demo.NETWORK)
OUTSIDE = "203.0.113.9"


def famen():
    return Center.objects.get(region_id=FAMEN_CENTER, level="township")


def test_sign_in_from_the_center_network_and_out_again(api, now):
    clerk = api("famen_clerk")
    with clock.pinned("2026-03-02T08:20:00+08:00"):
        r = clerk.client.post(
            "/api/v1/duty/sign-in",
            {},
            content_type="application/json",
            headers=clerk.headers,
            REMOTE_ADDR=INSIDE,
        )
    assert r.status_code == 200, r.content
    assert r.json()["late"] is False and r.json()["method"] == "network"
    r = clerk.client.post(
        "/api/v1/duty/sign-out",
        {},
        content_type="application/json",
        headers=clerk.headers,
        REMOTE_ADDR=INSIDE,
    )
    assert r.status_code == 200 and r.json()["signed_out_at"]


def test_outside_the_network_without_a_valid_code_is_403_in_chinese_and_nothing_stored(api, now):
    clerk = api("famen_clerk")
    for body in (
        {},
        {"code": "WRONG"},
        {"code": services.day_code(famen(), clock.today() - dt.timedelta(days=1))},
    ):
        r = clerk.client.post(
            "/api/v1/duty/sign-in",
            body,
            content_type="application/json",
            headers=clerk.headers,
            REMOTE_ADDR=OUTSIDE,
        )
        assert r.status_code == 403, r.content
        assert "二维码" in r.json()["error"]["message"]
    assert not Attendance.objects.filter(user__username="famen_clerk").exists()


def test_the_wall_qr_signs_in_from_a_phone_page_and_counts_late(signed_in, now):
    director = signed_in("famen_director")
    qr = director.get(f"/duty/centers/{famen().code}/qr/")
    assert qr.status_code == 200 and "data:image/svg+xml" in qr.content.decode()
    code = services.day_code(famen(), clock.today())
    clerk = signed_in("famen_clerk", REMOTE_ADDR=OUTSIDE)
    page = clerk.get(f"/duty/sign/?center={famen().code}&code={code}")
    assert page.status_code == 200 and "已读取签到码" in page.content.decode()
    with clock.pinned("2026-03-02T08:50:00+08:00"):
        r = clerk.post("/duty/sign/", {"action": "in", "center": famen().code, "code": code})
    assert r.status_code == 302
    row = Attendance.objects.get(user__username="famen_clerk")
    assert row.in_method == "qr" and row.late is True  # after 08:30 plus 5 minutes' grace
    refused = signed_in("famen_renshe", REMOTE_ADDR=OUTSIDE).post(
        "/duty/sign/", {"action": "in", "code": "NOPE"}
    )
    assert refused.status_code == 403 and "签到" in refused.content.decode()


def test_a_citizen_or_supervisor_has_no_sign_in_page(signed_in):
    assert signed_in("fufeng_supervisor").get("/duty/sign/").status_code == 404


@pytest.mark.django_db
def test_attendance_counts_present_late_and_absent_from_the_roster(demo):
    clerk = User.objects.get(username="famen_clerk")
    post = DutyPost.objects.get(window__center=famen(), window__number=1)
    center = famen()
    days = [dt.date(2026, 3, d) for d in (2, 3, 4, 5, 6)]  # Monday to Friday
    RosterEntry.objects.filter(user=clerk, day__in=days).delete()
    RosterEntry.objects.bulk_create(
        [RosterEntry(post=post, user=clerk, day=d, set_at=services.day_start(d)) for d in days]
    )

    def signed(day, hour, minute):
        moment = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=clock.SHANGHAI)
        Attendance.objects.create(
            user=clerk, center=center, day=day, signed_in_at=moment, in_method="network",
            late=moment.time() > dt.time(8, 35),
        )  # fmt: skip

    signed(days[0], 8, 20)
    signed(days[1], 9, 2)  # late
    Whereabouts.objects.create(  # 5 March: on leave all day
        user=clerk, status=Status.LEAVE, set_at=services.day_start(days[3]),
        until=services.day_start(days[3]) + dt.timedelta(hours=20),
    )  # fmt: skip
    with clock.pinned("2026-03-06T10:00:00+08:00"):
        got = attendance([clerk.pk], dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    # 4 March: rostered, no sign-in, no leave → absent; 5 March on leave; 6 March is today (not over yet).
    assert got[clerk.pk] == {"days_on_roster": 5, "present": 2, "late": 1, "absent": 1}
    assert attendance([], dt.date(2026, 3, 1), dt.date(2026, 3, 31)) == {}


@pytest.mark.django_db
def test_late_and_absent_days_cost_points_in_the_staff_assessment(demo):
    from bianmin.stats.assessment import staff_scores, weights_for

    clerk = User.objects.get(username="famen_clerk")
    post = DutyPost.objects.get(window__center=famen(), window__number=1)
    days = [dt.date(2026, 3, d) for d in (2, 3, 4)]
    RosterEntry.objects.filter(user=clerk, day__in=days).delete()
    RosterEntry.objects.bulk_create(
        [RosterEntry(post=post, user=clerk, day=d, set_at=services.day_start(d)) for d in days]
    )
    late = dt.datetime(2026, 3, 2, 9, 2, tzinfo=clock.SHANGHAI)
    Attendance.objects.create(
        user=clerk, center=famen(), day=days[0], signed_in_at=late, in_method="network", late=True
    )
    weights = weights_for("610324000000")
    with clock.pinned("2026-03-20T10:00:00+08:00"):
        rows = staff_scores([famen()], dt.date(2026, 3, 1), dt.date(2026, 3, 31), "610324000000")
    row = next(r for r in rows if r["user_id"] == clerk.pk)
    # 2 March late, 3 and 4 March rostered without a sign-in: absent twice.
    assert row["parts"]["attendance"] == -(weights["late_penalty"] + 2 * weights["absent_penalty"])
