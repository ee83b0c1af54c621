"""Rating pages without a browser: the pad (device token, polling), the tracking form, the account channel,
county settings, phone/paper recording, the county-decided case's handler, overdue red and the throttle."""

import datetime as dt
import re

import pytest
from django.test import Client

from bianmin.accounts.models import User
from bianmin.cases.models import Case
from bianmin.core import clock
from bianmin.devices import services as devices
from bianmin.devices.models import DeviceKind
from bianmin.ratings import services
from bianmin.ratings.models import Rating, Rectification
from bianmin.regions.models import CountySettings, Region, Window
from tests.ratings.test_ratings import committed, delivered_case, rate_url

PASSWORD = "Demo@2026"
FUFENG = "610324000000"


def login(username) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


@pytest.fixture
def pad(demo):
    window = Window.objects.get(center__region__name="法门镇", number=1)
    director = User.objects.get(username="famen_director")
    devices.take_seat(User.objects.get(username="famen_clerk"), window)
    _, token = devices.issue(director, window.center, DeviceKind.RATING_PAD, "1号窗口评价器", window)
    client = Client()
    client.cookies[devices.COOKIE] = token
    return client


def test_pad_needs_its_device_token(demo):
    assert Client().get("/pad/").status_code == 404
    assert Client().get("/pad/current/").status_code == 404
    screen_director = User.objects.get(username="famen_director")
    window = Window.objects.get(center__region__name="法门镇", number=1)
    _, token = devices.issue(screen_director, window.center, DeviceKind.HALL_SCREEN, "大厅屏")
    screen = Client()
    screen.cookies[devices.COOKIE] = token
    assert screen.get("/pad/").status_code == 404  # a hall screen is not a pad


def test_pad_shows_the_case_without_personal_data_and_rates_as_tablet(api, now, pad):
    assert "欢迎" in pad.get("/pad/").content.decode()
    assert pad.get("/pad/current/?shown=0").status_code == 204  # nothing new: keep the screen
    case = delivered_case(api)
    page = pad.get("/pad/current/?shown=0")
    body = page.content.decode()
    assert page.status_code == 200 and case.item.name in body and "{#" not in body
    assert case.applicant_name not in body and case.applicant_phone not in body and case.number not in body
    prompt = re.search(r'name="prompt" value="(\d+)"', body).group(1)
    assert pad.get(f"/pad/current/?shown={prompt}").status_code == 204  # a half-filled form stays
    bad = pad.post("/pad/rate/", {"prompt": prompt, "level": "9"})
    assert (
        "level" in bad.content.decode()
        or "评价等级" in bad.content.decode()
        or "输入有误" in bad.content.decode()
    )
    assert not Rating.objects.exists()
    thanks = pad.post("/pad/rate/", {"prompt": prompt, "level": "2", "tags": ["服务效率"], "comment": "很快"})
    assert "感谢" in thanks.content.decode()
    rating = Rating.objects.get()
    assert (rating.channel, rating.stage, rating.level) == ("tablet", "completion", 2)
    until = re.search(r"until=(\d+)", thanks.content.decode()).group(1)
    assert pad.get(f"/pad/current/?shown=thanks-{prompt}&until={until}").status_code == 204
    with clock.pinned(clock.now() + dt.timedelta(seconds=30)):
        assert "欢迎" in pad.get(f"/pad/current/?shown=thanks-{prompt}&until={until}").content.decode()


def test_tracking_form_bad_input_stores_nothing_and_account_rates_online(api, now):
    case = delivered_case(api)
    url = f"/track/{case.number}/rate/?code={case.query_code}"
    response = Client().post(url, {"level": "7", "stage": "completion"})
    assert response.status_code == 422 and not Rating.objects.exists()
    wrong = Client().post(f"/track/{case.number}/rate/?code=999999", {"level": "1", "stage": "completion"})
    assert wrong.status_code == 404 and not Rating.objects.exists()
    # An applicant with an account, signed in: channel online.
    citizen = User.objects.create_user(username="citizen1", password=PASSWORD, name="张秀兰")
    Case.objects.filter(pk=case.pk).update(applicant_user=citizen)
    client = login("citizen1")
    assert client.post(url, {"level": "1", "stage": "completion"}).status_code == 302
    rating = Rating.objects.get()
    assert rating.channel == "online" and rating.rated_by == citizen


def test_county_settings_page_edits_the_rating_rules(admin_client, demo):
    url = f"/manage/county/{FUFENG}/settings/"
    page = admin_client.get(url).content.decode()
    assert "评价期限" in page and "差评整改期限" in page and "态度差" in page
    bad = admin_client.post(url, {"yellow_threshold_days": "1", "rectification_days": "99"})
    assert bad.status_code == 422 and not CountySettings.objects.exists()
    saved = admin_client.post(
        url,
        {"yellow_threshold_days": "1", "rating_window_days": "10", "rating_contact_days": "2",
         "rectification_days": "15", "rating_tags_good": "服务态度、一次办成", "rating_tags_bad": "态度差、乱收费"},
    )  # fmt: skip
    assert saved.status_code == 302
    rules = CountySettings.objects.get()
    assert (rules.rating_window_days, rules.rating_contact_days, rules.rectification_days) == (10, 2, 15)
    assert services.tags_of(rules) == (["服务态度", "一次办成"], ["态度差", "乱收费"])


def test_rectification_clock_follows_the_county_and_turns_red_when_overdue(api, now):
    CountySettings.objects.create(
        county=Region.objects.get(code=FUFENG), rating_contact_days=2, rectification_days=3
    )
    case = delivered_case(api)
    with committed():
        api().post(f"track/{case.number}/ratings?code={case.query_code}", {"level": 4, "stage": "completion"})
    rect = Rectification.objects.get()
    calendar_days = [rect.contact_due, rect.due]
    assert calendar_days == [dt.date(2026, 3, 4), dt.date(2026, 3, 5)]  # Monday + 2 / + 3 working days
    director = login("famen_director")
    assert "rect-red" not in director.get("/ratings/").content.decode()
    with clock.pinned("2026-03-06T09:00:00+08:00"):
        queue = director.get("/ratings/").content.decode()
        assert "rect-red" in queue and "已超期" in queue
        page = director.get(f"/ratings/rect/{rect.pk}/").content.decode()
        assert "已超期" in page


def test_rectification_page_steps_by_form(api, now):
    case = delivered_case(api)
    api().post(f"track/{case.number}/ratings?code={case.query_code}", {"level": 5, "stage": "completion"})
    rect = Rectification.objects.get()
    director = login("famen_director")
    url = f"/ratings/rect/{rect.pk}/"
    empty = director.post(url, {"action": "verify", "verification": ""})
    assert empty.status_code == 422 and "请填写核实情况" in empty.content.decode()
    assert director.post(url, {"action": "rectify", "result": "x"}).status_code == 409
    assert (
        director.post(url, {"action": "verify", "reached": "phone", "verification": "属实"}).status_code
        == 302
    )
    rect.refresh_from_db()
    assert rect.state == "valid" and rect.contacted_at is not None


def test_record_page_refuses_own_case_and_records_for_others(api, now):
    case = delivered_case(api)
    own = login("famen_clerk").post(
        "/ratings/record/", {"number": case.number, "channel": "phone", "stage": "completion", "level": "1"}
    )
    assert own.status_code == 403 and not Rating.objects.exists()
    done = login("famen_director").post(
        "/ratings/record/", {"number": case.number, "channel": "paper", "stage": "completion", "level": "3"}
    )
    assert done.status_code == 302
    rating = Rating.objects.get()
    assert rating.channel == "paper" and rating.recorded_by.username == "famen_director"


def test_county_decided_case_is_rectified_by_the_county_department(api, now):
    from tests.cases.factories import intake, make_item

    clerk, minzheng, county = api("famen_clerk"), api("famen_minzheng"), api("fufeng_approver")
    number = clerk.post("cases", intake(make_item("escalated"))).json()["number"]
    clerk.post(f"cases/{number}/actions/accept", {})
    minzheng.post(f"cases/{number}/actions/escalate", {"opinion": "符合条件"})
    county.post(f"cases/{number}/actions/complete", {"outcome": "approved", "result": "纳入"})
    clerk.post(f"cases/{number}/actions/deliver", {"method": "window"})
    case = Case.objects.get(number=number)
    with committed():
        assert (
            api()
            .post(f"track/{number}/ratings?code={case.query_code}", {"level": 5, "stage": "completion"})
            .status_code
            == 201
        )
    rect = Rectification.objects.get()
    approver = User.objects.get(username="fufeng_approver")
    assert rect.department_id == case.escalated_to_id and services.actor_ids(rect) == [approver.pk]
    rating = rect.rating
    assert (
        county.post(f"ratings/{rating.pk}/rectification/verify", {"verification": "属实"}).status_code == 200
    )
    # The township director does not act on a county decision.
    assert (
        api("famen_director").post(f"ratings/{rating.pk}/rectification/start", {"plan": "x"}).status_code
        == 403
    )


def test_rating_endpoints_are_throttled(api, now, monkeypatch):
    monkeypatch.setattr(services, "ADDRESS_LIMIT", 2)
    cases = [delivered_case(api, n=i) for i in range(1, 4)]
    public = api()
    codes = []
    for case in cases:
        codes.append(
            public.post(
                f"track/{case.number}/ratings?code={case.query_code}", {"level": 1, "stage": "completion"}
            ).status_code
        )
    assert codes == [201, 201, 429]
    assert Rating.objects.count() == 2


def test_public_board_masks_what_a_citizen_typed_and_stays_bounded(api, now, django_assert_max_num_queries):
    cases = [delivered_case(api, n=i) for i in range(1, 5)]
    for i, case in enumerate(cases):
        api().post(
            f"track/{case.number}/ratings?code={case.query_code}",
            {"level": 5 if i % 2 else 1, "stage": "completion", "comment": "有事打我电话13912345678"},
        )
    code = cases[0].center.code
    Client().get(f"/board/{code}/")
    with django_assert_max_num_queries(14):
        page = Client().get(f"/board/{code}/")
    body = page.content.decode()
    assert page.status_code == 200 and "139****5678" in body and "13912345678" not in body
    assert "张*兰" in body and "张秀兰" not in body
    assert Client().get("/board/NOPE/").status_code == 404


def test_hall_screen_and_the_center_page_carry_the_months_rating_figures(api, now):
    good, bad = delivered_case(api, n=1), delivered_case(api, n=2)
    for case, level in ((good, 1), (bad, 5)):
        rated = api().post(rate_url(case), {"level": level, "stage": "completion"})
        assert rated.status_code == 201, rated.content
    center = good.center
    director = User.objects.get(username="famen_director")
    _, token = devices.issue(director, center, DeviceKind.HALL_SCREEN, "大厅屏")
    screen = Client()
    screen.get(f"/device/{token}/")
    for page in (screen.get("/hall/screen/"), Client().get(f"/centers/{center.code}/")):
        body = page.content.decode()
        assert page.status_code == 200
        assert "评价 <strong>2</strong> 次" in body and "满意率 <strong>50%</strong>" in body
        assert "差评 <strong>1</strong> 件" in body and f"/board/{center.code}/" in body


def test_public_board_masks_what_staff_wrote_about_the_rectification(api, now):
    case = delivered_case(api)
    api().post(rate_url(case), {"level": 5, "stage": "completion"})
    base = f"ratings/{Rating.objects.get(case=case).pk}/rectification"
    director = api("famen_director")
    assert director.post(f"{base}/verify", {"reached": "phone", "verification": "属实"}).status_code == 200
    plan = f"当面向{case.applicant_name}道歉（电话13912345678）"
    assert director.post(f"{base}/start", {"plan": plan}).status_code == 200
    result = f"已回复{case.applicant_name}，身份证610324195601010217 的材料已补办"
    assert director.post(f"{base}/rectify", {"result": result}).status_code == 200
    body = Client().get(f"/board/{case.center.code}/").content.decode()
    assert "道歉" in body and "已补办" in body
    assert case.applicant_name not in body and services.mask_name(case.applicant_name) in body
    assert "13912345678" not in body and "610324195601010217" not in body
