"""好差评: rating every stage through every channel, the rectification of a 差评, scope, figures and the 台账."""

import datetime as dt
import io
import re
from contextlib import contextmanager

import pytest
from django.test import Client
from openpyxl import load_workbook

from bianmin.accounts.models import User
from bianmin.cases.models import Case, Event
from bianmin.core import clock
from bianmin.devices import services as devices
from bianmin.messaging.models import Message, Notice
from bianmin.ratings import figures, services, supervised
from bianmin.ratings.models import PadPrompt, Rating, RatingInvite, Rectification
from bianmin.regions.models import CountySettings, Region, Window
from tests.cases.factories import intake, make_item

FUFENG = "610324000000"


@contextmanager
def committed():
    """Run what the block queued for after commit (the test's transaction never commits)."""
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        yield


def delivered_case(api, n=1, deliver=True) -> Case:
    """An instant 法门镇 case accepted and completed on the spot by famen_clerk, then delivered."""
    clerk = api("famen_clerk")
    number = clerk.post("cases", intake(make_item("instant"), n=n)).json()["number"]
    with committed():
        done = clerk.post(f"cases/{number}/actions/accept", {"complete": True, "result": "当场办结"})
    assert done.status_code == 200, done.content
    if deliver:
        with committed():
            assert clerk.post(f"cases/{number}/actions/deliver", {"method": "window"}).status_code == 200
    return Case.objects.get(number=number)


def rate_url(case, code=None):
    return f"track/{case.number}/ratings?code={code or case.query_code}"


def test_public_rating_then_same_stage_again_is_409(api, now):
    case = delivered_case(api)
    public = api()
    first = public.post(
        rate_url(case), {"level": 2, "stage": "completion", "channel": "qr", "tags": ["服务效率"]}
    )
    assert first.status_code == 201, first.content
    assert first.json()["rectification"] is False
    again = public.post(rate_url(case), {"level": 1, "stage": "completion", "channel": "mobile"})
    assert again.status_code == 409 and "stage" in again.json()["error"]["fields"]
    rating = Rating.objects.get(case=case)
    assert (rating.channel, rating.level, rating.tags) == ("qr", 2, ["服务效率"])
    # The rated staff member is who delivered; the rating is an event on the case's chained timeline.
    assert rating.staff.username == "famen_clerk"
    event = Event.objects.filter(case=case, action="rate").get()
    assert event.data["rating"] == rating.pk and event.hash and event.prev_hash
    # The intake stage may still be rated, once.
    assert public.post(rate_url(case), {"level": 1, "stage": "intake", "channel": "qr"}).status_code == 201
    assert Rating.objects.filter(case=case).count() == 2


@pytest.mark.parametrize(
    "body, field",
    [
        ({"level": 0, "stage": "completion"}, "level"),
        ({"level": 6, "stage": "completion"}, "level"),
        ({"level": 3, "stage": "whole"}, "stage"),
        ({"level": 3, "stage": "completion", "channel": "fax"}, "channel"),
        ({"level": 3, "stage": "completion", "comment": "好" * 501}, "comment"),
        ({"level": 3, "stage": "completion", "comment": "bad\x07bell"}, "comment"),
        ({"level": 3, "stage": "completion", "tags": ["不存在的标签"]}, "tags"),
        ({"level": True, "stage": "completion"}, "level"),
    ],
)
def test_bad_input_is_refused_with_its_field_and_nothing_stored(api, now, body, field):
    case = delivered_case(api)
    response = api().post(rate_url(case), body)
    assert 400 <= response.status_code < 500
    assert field in str(response.json()["error"].get("fields", {})), response.json()
    assert not Rating.objects.exists()
    assert not Event.objects.filter(action="rate").exists()


def test_wrong_code_answers_like_an_unknown_number_and_open_case_cannot_be_rated_complete(api, now):
    case = delivered_case(api, deliver=False)
    public = api()
    wrong = public.post(rate_url(case, code="000000" if case.query_code != "000000" else "111111"),
                        {"level": 1, "stage": "intake"})  # fmt: skip
    unknown = public.post("track/FM-20990101-0001/ratings?code=123456", {"level": 1, "stage": "intake"})
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json() == unknown.json()
    # Completed but not delivered: the completion stage has not happened for the citizen yet.
    early = public.post(rate_url(case), {"level": 1, "stage": "completion"})
    assert early.status_code == 409 and "stage" in early.json()["error"]["fields"]
    assert not Rating.objects.exists()


def test_rating_window_closes_after_the_county_days(api, now):
    CountySettings.objects.create(county=Region.objects.get(code=FUFENG), rating_window_days=3)
    case = delivered_case(api)
    with clock.pinned(case.delivered_at + dt.timedelta(days=3, minutes=1)):
        late = api().post(rate_url(case), {"level": 1, "stage": "completion"})
    assert late.status_code == 409
    assert not Rating.objects.exists()


def test_sms_link_after_delivery_is_one_time_and_records_channel_sms(api, now):
    case = delivered_case(api)
    message = Message.objects.get(case=case, template="rating_invitation")
    assert not message.urgent  # held through quiet hours by messaging
    link = re.search(r"/r/[\w-]+/", message.text).group(0)
    invite = RatingInvite.objects.get(case=case)
    assert link.split("/")[2] not in invite.token_hash  # only the hash is stored
    browser = Client()
    assert browser.get(link).status_code == 200
    done = browser.post(link, {"level": "5", "tags": ["态度差"], "comment": "等了很久"})
    assert done.status_code == 200 and "感谢" in done.content.decode()
    rating = Rating.objects.get(case=case)
    assert (rating.channel, rating.stage, rating.level, rating.tags) == ("sms", "completion", 5, ["态度差"])
    # The token is used: a second go is refused and stores nothing.
    assert 400 <= browser.post(link, {"level": "1"}).status_code < 500
    assert Rating.objects.count() == 1


def test_sms_invitation_waits_in_quiet_hours(api):
    from bianmin.messaging.services import _not_before

    with clock.pinned("2026-03-02T22:30:00+08:00"):
        case = delivered_case(api)
        message = Message.objects.get(case=case, template="rating_invitation")
        assert _not_before(message, clock.now()) is not None


def test_qr_on_the_documents_rates_with_channel_qr(api, now):
    from bianmin.cases.documents import render_html

    case = delivered_case(api)
    document = case.documents.get(kind="delivery_receipt")
    html = render_html(document)
    assert "data:image/png" in html
    page = Client().get(f"/track/{case.number}/?code={case.query_code}&via=qr")
    body = page.content.decode()
    assert "评价这次服务" in body and "via=qr" in body
    action = re.search(r'action="(/track/[^"]+/rate/[^"]+)"', body).group(1).replace("&amp;", "&")
    assert Client().post(action, {"level": "1", "stage": "completion"}).status_code == 302
    assert Rating.objects.get(case=case).channel == "qr"


def test_phone_rating_recorded_by_staff_who_did_not_handle_the_case(api, now):
    case = delivered_case(api)
    own = api("famen_clerk").post(
        f"cases/{case.number}/ratings", {"level": 1, "stage": "completion", "channel": "phone"}
    )
    assert own.status_code == 403 and not Rating.objects.exists()
    director = api("famen_director")
    done = director.post(
        f"cases/{case.number}/ratings", {"level": 2, "stage": "completion", "channel": "paper"}
    )
    assert done.status_code == 201, done.content
    assert done.json()["recorded_by"] and done.json()["channel"] == "paper"
    assert (
        api("tiandu_clerk")
        .post(f"cases/{case.number}/ratings", {"level": 2, "stage": "intake", "channel": "phone"})
        .status_code
        == 404
    )


def test_pad_prompt_follows_the_clerks_window(api, now):
    clerk = User.objects.get(username="famen_clerk")
    window = Window.objects.get(center__region__name="法门镇", number=1)
    devices.take_seat(clerk, window)
    case = delivered_case(api)
    prompts = PadPrompt.objects.filter(window=window).order_by("id")
    assert [p.stage for p in prompts] == ["intake", "completion"]
    assert services.pad_prompt(window).case == case  # the newest replaces the previous


def _walk_rectification(api, case):
    """The director verifies, rectifies and calls back; returns the rating id."""
    rating = Rating.objects.get(case=case)
    director = api("famen_director")
    base = f"ratings/{rating.pk}/rectification"
    # Out of order → 409.
    assert director.post(f"{base}/callback", {"reached": "phone", "level": 2}).status_code == 409
    assert director.post(f"{base}/verify", {"verification": ""}).status_code == 422
    assert (
        director.post(f"{base}/verify", {"reached": "phone", "verification": "情况属实"}).status_code == 200
    )
    assert director.post(f"{base}/start", {"plan": "培训窗口人员"}).status_code == 200
    assert director.post(f"{base}/rectify", {"result": "已培训并公开服务承诺"}).status_code == 200
    back = director.post(f"{base}/callback", {"reached": "phone", "level": 2, "note": "群众表示满意"})
    assert back.status_code == 200, back.content
    assert back.json()["rectification"]["state"] == "called_back"
    return rating.pk


def test_bad_rating_opens_rectification_with_bell_and_steps_on_the_timeline(api, now):
    case = delivered_case(api)
    with committed():
        created = api().post(
            rate_url(case), {"level": 5, "stage": "completion", "channel": "mobile", "tags": ["态度差"]}
        )
    assert created.status_code == 201 and created.json()["rectification"] is True
    rect = Rectification.objects.get(rating__case=case)
    assert rect.state == "pending" and rect.contact_due > now.date() and rect.due >= rect.contact_due
    director = User.objects.get(username="famen_director")
    assert Notice.objects.filter(recipient=director, kind="rating_rectification").exists()
    text = Message.objects.get(phone=director.phone, template="rating_rectification").text
    assert case.number in text and "差评整改" in text and case.applicant_name not in text
    listed = api("famen_director").get("ratings?bad=1").json()
    assert listed["count"] == 1 and listed["results"][0]["rectification"]["state"] == "pending"
    assert listed["results"][0]["rectification"]["due"] == rect.due.isoformat()
    _walk_rectification(api, case)
    actions = list(Event.objects.filter(case=case).values_list("action", flat=True))
    assert actions[-6:] == ["rate", "rect_open", "rect_verify", "rect_start", "rect_done", "rect_callback"]
    rect.refresh_from_db()
    assert rect.followup_level == 2 and rect.callback_reached == "phone"
    from bianmin.cases.chain import GENESIS

    # The chain runs unbroken through the rating events.
    events = list(Event.objects.filter(case=case).order_by("id"))
    prev = GENESIS
    for event in events:
        assert event.prev_hash == prev and event.hash == event.digest(prev)
        prev = event.hash


def test_invalid_claim_is_decided_by_the_supervisor_not_the_rated_staff(api, now):
    case = delivered_case(api)
    api().post(rate_url(case), {"level": 4, "stage": "completion"})
    rating = Rating.objects.get(case=case)
    base = f"ratings/{rating.pk}/rectification"
    director, supervisor = api("famen_director"), api("fufeng_supervisor")
    assert director.post(f"{base}/appeal", {"reason": "群众误操作，电话确认本意为满意"}).status_code == 200
    # The director cannot decide it, nor the rated clerk.
    assert director.post(f"{base}/decide_appeal", {"invalid": True, "reason": "x"}).status_code == 403
    assert (
        api("famen_clerk").post(f"{base}/decide_appeal", {"invalid": True, "reason": "x"}).status_code == 403
    )
    assert supervisor.post(f"{base}/decide_appeal", {"invalid": True, "reason": ""}).status_code == 422
    done = supervisor.post(f"{base}/decide_appeal", {"invalid": True, "reason": "经核实，群众确认误选"})
    assert done.status_code == 200 and done.json()["rectification"]["state"] == "invalid"
    assert supervisor.post(f"{base}/decide_appeal", {"invalid": False, "reason": "x"}).status_code == 409
    # The applicant's tracking timeline explains the rating steps in plain words; the appeal stays internal.
    tracked = api().get(f"track/{case.number}?code={case.query_code}").json()["events"]
    labels = [e["label"] for e in tracked]
    assert "群众评价" in labels and "差评整改立项" in labels and "认定无效差评" in labels
    assert "申请认定无效差评" not in labels


def test_one_extension_approved_by_the_supervisor(api, now):
    case = delivered_case(api)
    api().post(rate_url(case), {"level": 5, "stage": "completion"})
    rating = Rating.objects.get(case=case)
    base = f"ratings/{rating.pk}/rectification"
    director, supervisor = api("famen_director"), api("fufeng_supervisor")
    director.post(f"{base}/verify", {"verification": "属实"})
    due = Rectification.objects.get().due
    assert director.post(f"{base}/request_extension", {"days": 3, "reason": "需协调县局"}).status_code == 200
    assert director.post(f"{base}/request_extension", {"days": 3, "reason": "再延"}).status_code == 409
    assert director.post(f"{base}/approve_extension", {}).status_code == 403
    assert supervisor.post(f"{base}/approve_extension", {}).status_code == 200
    assert Rectification.objects.get().due > due


def test_tiandu_staff_cannot_see_rectify_or_appeal_famen_ratings(api, now):
    case = delivered_case(api)
    api().post(rate_url(case), {"level": 5, "stage": "completion"})
    rating = Rating.objects.get(case=case)
    tiandu = api("tiandu_clerk")
    assert tiandu.get("ratings?bad=1").json()["count"] == 0
    assert tiandu.get(f"ratings/{rating.pk}").status_code == 404
    for action, body in [("verify", {"verification": "x"}), ("appeal", {"reason": "x"})]:
        assert tiandu.post(f"ratings/{rating.pk}/rectification/{action}", body).status_code == 404
    tiandu_web = Client()
    assert tiandu_web.login(username="tiandu_clerk", password="Demo@2026")
    assert tiandu_web.get(f"/ratings/rect/{rating.rectification.pk}/").status_code == 404
    assert Rectification.objects.get().state == "pending"


def test_figures_api_board_and_ledger_agree_with_counts(api, now):
    cases = [delivered_case(api, n=i) for i in range(1, 6)]
    public = api()
    levels = [1, 2, 3, 4, 5]
    for case, level in zip(cases, levels, strict=True):
        assert public.post(rate_url(case), {"level": level, "stage": "completion"}).status_code == 201
    # One 差评 rectified and called back.
    _walk_rectification(api, cases[4])
    today = clock.today()
    got = figures.figures(FUFENG, today.replace(day=1), today)
    assert got["count"] == 5 and got["bad"] == 2 and got["bad_rectified"] == 1
    assert got["satisfaction_rate"] == pytest.approx(3 / 5)
    assert got["rated_share"] == pytest.approx(1.0)  # 5 finished, 5 rated
    assert got["rectification_rate"] == pytest.approx(1 / 2) and got["callback_rate"] == pytest.approx(1 / 2)
    assert got["followup_satisfaction_rate"] == pytest.approx(1.0)
    # The statistics' ratings block asks without 主动评价率: the same figures, no count of finished cases.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        lean = figures.figures(FUFENG, today.replace(day=1), today, rated_share=False)
    assert lean["rated_share"] is None and {k: v for k, v in lean.items() if k != "rated_share"} == {
        k: v for k, v in got.items() if k != "rated_share"
    }
    assert not [q for q in queries if 'FROM "cases_case"' in q["sql"]]
    famen = figures.figures("610324106000", today.replace(day=1), today)
    assert famen["count"] == 5
    assert figures.figures("610324107000", today.replace(day=1), today)["count"] == 0  # 天度镇

    listed = api("famen_director").get("ratings?bad=1").json()
    assert listed["count"] == 2
    api_figures = api("fufeng_supervisor").get(
        f"ratings/figures?region={FUFENG}&from={today.replace(day=1)}&to={today}"
    )
    assert (
        api_figures.status_code == 200 and api_figures.json()["count"] == 5 and api_figures.json()["bad"] == 2
    )

    center = cases[0].center
    period = f"from={today.replace(day=1)}&to={today}"
    by_center = api("famen_director").get(f"ratings/figures?region={FUFENG}&center={center.code}&{period}")
    assert by_center.status_code == 200 and by_center.json()["count"] == 5
    lead = cases[0].lead_department
    by_department = api("fufeng_supervisor").get(
        f"ratings/figures?region={FUFENG}&department={lead.code}&{period}"
    )
    assert by_department.status_code == 200 and by_department.json()["bad"] == 2
    assert (
        api("tiandu_clerk").get(f"ratings/figures?region={FUFENG}&center={center.code}&{period}").status_code
        == 404
    )
    board = Client().get(f"/board/{center.code}/").content.decode()
    assert re.search(r'id="fig-count">5<', board) and re.search(r'id="fig-bad">2<', board)
    assert re.search(r'id="fig-rectified">1<', board)
    assert "张*兰" in board and "张秀兰" not in board

    web = Client()
    assert web.login(username="famen_director", password="Demo@2026")
    xlsx = web.get("/ratings/ledger.xlsx")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = [r for r in sheet.iter_rows(min_row=3, values_only=True) if r[0]]
    assert len(rows) == 2
    assert sorted(r[12] for r in rows) == ["已回访", "待核实"]
    assert all(r[10] == "张*兰" for r in rows)
    assert "13812345678" not in str(rows)


def test_person_figures_and_supervised_items(api, now):
    case = delivered_case(api)
    api().post(rate_url(case), {"level": 5, "stage": "completion"})
    clerk = User.objects.get(username="famen_clerk")
    today = clock.today()
    mine = figures.person_figures([clerk.pk], today, today)[clerk.pk]
    assert mine["count"] == 1 and mine["bad"] == 1
    items = list(supervised.open_items(today))
    assert len(items) == 1
    item = items[0]
    assert item["kind"] == "rating" and item["due"] == Rectification.objects.get().contact_due
    assert item["user_ids"] == [User.objects.get(username="famen_director").pk]
    assert item["region_code"] == case.center.region_id and item["link"].startswith("/ratings/rect/")
    assert "张" not in item["label"]


def test_rating_list_has_no_n_plus_one(api, now, django_assert_max_num_queries):
    for i in range(1, 5):
        case = delivered_case(api, n=i)
        api().post(rate_url(case), {"level": 4 + i % 2, "stage": "completion"})
    director = api("famen_director")
    director.get("ratings?bad=1")  # warm the token and the scope
    with django_assert_max_num_queries(12):
        response = director.get("ratings?bad=1")
    assert response.json()["count"] == 4


def test_a_rating_is_never_edited_or_deleted(api, now):
    case = delivered_case(api)
    api().post(rate_url(case), {"level": 5, "stage": "completion"})
    rating = Rating.objects.get()
    rating.level = 1
    with pytest.raises(TypeError):
        rating.save()
    with pytest.raises(TypeError):
        rating.delete()
    assert Rating.objects.get().level == 5


def test_the_supervision_sweep_sees_an_overdue_rectification(api, now):
    from bianmin.supervision import sweep
    from bianmin.supervision.models import Warning

    case = delivered_case(api)
    api().post(rate_url(case), {"level": 5, "stage": "completion"})
    rect = Rectification.objects.get()
    sweep.run(rect.due + dt.timedelta(days=3))
    warning = Warning.objects.get(subject_kind="rating", subject_ref=str(rect.pk))
    assert warning.kind == "overdue" and warning.link == f"/ratings/rect/{rect.pk}/"
    # A supervisor may name it in a manual order; 天度镇's clerk cannot resolve it.
    from bianmin.supervision.services import SUBJECT_RESOLVERS

    resolve = SUBJECT_RESOLVERS["rating"]
    assert (
        resolve(User.objects.get(username="fufeng_supervisor"), str(rect.pk))["region_code"]
        == case.center.region_id
    )
    assert resolve(User.objects.get(username="tiandu_clerk"), str(rect.pk)) is None
