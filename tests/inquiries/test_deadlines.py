"""Deadlines across a holiday match the working-day calendar (hand-counted); an overdue order turns red;
each county may set its own limits on its settings page.

2026 National Day: 10/1–10/7 off, make-up working days Sun 9/20 and Sat 10/10."""

from django.test import Client

from bianmin.accounts.models import User
from bianmin.core import clock
from bianmin.inquiries.models import WorkOrder
from bianmin.regions.models import CountySettings

from .conftest import complaint_body

FUFENG = "610324000000"


def _register(clerk, **overrides):
    r = clerk.post("inquiries", complaint_body(**overrides))
    assert r.status_code == 201, r.content
    return r.json()


def test_limits_across_national_day(api):
    clerk = api("famen_clerk")
    with clock.pinned("2026-09-30T10:00:00+08:00"):  # Wednesday before the holiday
        consult = _register(clerk, kind="consult")
        complaint = _register(clerk, kind="complaint")
        urgent = _register(clerk, kind="help", urgent=True)
    # 3 working days after 9/30: 10/8, 10/9, 10/10 (Saturday, a make-up working day)
    assert consult["due"] == "2026-10-10"
    # 13: 10/8 9 10 12 13 14 15 16 19 20 21 22 23
    assert complaint["due"] == "2026-10-23"
    assert complaint["dispatch_due"] == "2026-10-08"
    assert urgent["due"] == "2026-09-30"  # the same working day


def test_urgent_on_a_holiday_is_due_the_next_working_day(api):
    with clock.pinned("2026-10-03T10:00:00+08:00"):  # Saturday inside the holiday
        order = _register(api("famen_clerk"), kind="help", urgent=True)
    assert order["due"] == "2026-10-08"


def test_an_overdue_order_turns_red_and_is_listed_as_red(api):
    clerk = api("famen_clerk")
    with clock.pinned("2026-09-30T10:00:00+08:00"):
        number = _register(clerk, kind="consult")["number"]
        assert clerk.get(f"inquiries/{number}").json()["warning"] == "green"
    with clock.pinned("2026-10-09T10:00:00+08:00"):  # one working day left: yellow (threshold 1)
        assert clerk.get(f"inquiries/{number}").json()["warning"] == "yellow"
        assert clerk.get("inquiries?warning=yellow").json()["count"] == 1
    with clock.pinned("2026-10-12T10:00:00+08:00"):  # Monday after the due Saturday
        assert clerk.get(f"inquiries/{number}").json()["warning"] == "red"
        assert [o["number"] for o in clerk.get("inquiries?warning=red").json()["results"]] == [number]
        assert clerk.get("inquiries?warning=green").json()["count"] == 0
        page = Client()
        page.force_login(User.objects.get(username="famen_clerk"))
        html = page.get("/inquiries/?queue=overdue").content.decode()
        assert number in html and "light-red" in html and "超期 1 个工作日" in html


def test_answered_orders_have_no_light(api):
    clerk = api("famen_clerk")
    with clock.pinned("2026-09-30T10:00:00+08:00"):
        number = _register(clerk, kind="consult")["number"]
        clerk.post(f"inquiries/{number}/actions/answer", {"text": "当场答复：带身份证和户口簿。"})
    with clock.pinned("2026-10-20T10:00:00+08:00"):
        assert clerk.get(f"inquiries/{number}").json()["warning"] == "none"


def test_a_county_sets_its_own_limits_on_its_settings_page(api):
    admin = Client()
    admin.force_login(User.objects.get(username="admin"))
    page = admin.get(f"/manage/county/{FUFENG}/settings/").content.decode()
    assert "咨询答复时限" in page and 'value="13"' in page
    r = admin.post(
        f"/manage/county/{FUFENG}/settings/",
        {"yellow_threshold_days": "1", "inquiry_consult_days": "5", "inquiry_urgent_days": "1"},
    )
    assert r.status_code == 302
    row = CountySettings.objects.get(county_id=FUFENG)
    assert (row.inquiry_consult_days, row.inquiry_urgent_days, row.inquiry_complaint_days) == (5, 1, 13)
    bad = admin.post(
        f"/manage/county/{FUFENG}/settings/", {"yellow_threshold_days": "1", "inquiry_help_days": "99"}
    )
    assert bad.status_code == 422 and CountySettings.objects.get(county_id=FUFENG).inquiry_help_days == 3
    with clock.pinned("2026-03-02T10:00:00+08:00"):  # Monday
        order = _register(api("famen_clerk"), kind="consult")
    assert order["due"] == "2026-03-09"  # 5 working days
    assert WorkOrder.objects.get(number=order["number"]).due.isoformat() == "2026-03-09"


def test_extension_needs_the_directors_approval(api):
    clerk, minzheng, director = api("famen_clerk"), api("famen_minzheng"), api("famen_director")
    with clock.pinned("2026-03-02T10:00:00+08:00"):
        number = _register(clerk, kind="consult")["number"]  # due 3/5
        clerk.post(f"inquiries/{number}/actions/dispatch", {"department": "610324106000MZ"})
        r = minzheng.post(f"inquiries/{number}/actions/extend", {"days": 2, "reason": "需实地核查"})
        assert r.status_code == 200 and r.json()["due"] == "2026-03-05"
        assert r.json()["extension_requested"] == 2
        assert minzheng.post(f"inquiries/{number}/actions/approve_extension").status_code == 403
        r = director.post(f"inquiries/{number}/actions/approve_extension")
        assert r.status_code == 200, r.content
        assert r.json()["due"] == "2026-03-09" and r.json()["extension_days"] == 2
        again = minzheng.post(f"inquiries/{number}/actions/extend", {"days": 1, "reason": "再延"})
        assert again.status_code == 409
