"""Appointments: slots from the center's hours on working days only, booking over the API and the public
page, the bad inputs (full, past, beyond the horizon, holiday, duplicate, barred), cancel, no-shows, arrival."""

import datetime as dt
import re

from django.core.management import call_command
from django.test import Client

from bianmin.cases.clock import current_calendar
from bianmin.catalog.demo import DEMO_ITEMS
from bianmin.core import clock
from bianmin.hall import services
from bianmin.hall.models import Appointment, AppointmentStatus, HallSettings, Slot, Ticket
from bianmin.messaging.models import Message
from tests.conftest import ApiClient, token_for

ITEM = DEMO_ITEMS["promised"]
PHONE = "13991700001"


def _slots(code, day, client=None):
    return (client or ApiClient()).get(f"centers/{code}/slots?date={day}&item={ITEM}")


def _book(api, slot, phone=PHONE, **extra):
    return api.post("appointments", {"slot": slot, "item": ITEM, "name": "王桂英", "phone": phone, **extra})


def _last_code(phone=PHONE, template="booking_code"):
    text = Message.objects.filter(phone=phone, template=template).order_by("-pk").first().text
    return re.search(r"\d{6}", text).group(0)


def test_slots_come_from_the_hours_and_a_clerk_books_over_the_api(famen, now):
    slots = _slots(famen.code, "2026-03-03").json()
    assert len(slots) == 12  # 9:00–12:00 and 14:00–17:00 in half hours
    assert slots[0]["start"] == "2026-03-03T09:00:00+08:00" and slots[0]["end"] == "2026-03-03T09:30:00+08:00"
    assert {s["free"] for s in slots} == {4}
    api = ApiClient(token_for("famen_clerk"))
    response = _book(api, slots[0]["id"])
    assert response.status_code == 201
    body = response.json()
    assert set(body) >= {"id", "code"} and re.fullmatch(r"\d{6}", body["code"])
    assert _slots(famen.code, "2026-03-03").json()[0]["free"] == 3
    appointment = Appointment.objects.get(pk=body["id"])
    assert appointment.channel == "phone"
    text = Message.objects.get(template="appointment_booked").text
    assert body["code"] in text and "03月03日 09:00" in text
    # Seen back, the name and phone are masked.
    seen = api.get(f"appointments/{body['id']}").json()
    assert seen["phone"] == "139****0001" and seen["name"] == "王*英"


def test_the_public_books_over_the_api_with_an_sms_code(famen, now):
    slot = _slots(famen.code, "2026-03-04").json()[3]["id"]
    anonymous = ApiClient()
    missing = _book(anonymous, slot)
    assert missing.status_code == 422 and "sms_code" in missing.json()["error"]["fields"]
    assert anonymous.post("appointments/sms-code", {"phone": PHONE}).status_code == 204
    wrong = _book(anonymous, slot, sms_code="000000" if _last_code() != "000000" else "111111")
    assert wrong.status_code == 422
    made = _book(anonymous, slot, sms_code=_last_code())
    assert made.status_code == 201
    assert Appointment.objects.get().channel == "online"


def test_holidays_and_weekends_have_no_slots(famen):
    calendar = current_calendar(famen.region)
    assert not calendar.is_workday(dt.date(2026, 5, 1))
    with clock.pinned("2026-04-29T10:00:00+08:00"):
        assert _slots(famen.code, "2026-05-01").json() == []
        assert _slots(famen.code, "2026-05-02").json() == []
        workdays = services.bookable_days(famen)
        assert workdays and all(calendar.is_workday(d) for d in workdays)
        assert dt.date(2026, 5, 1) not in workdays and len(workdays) == 5
        assert services.ensure_slots(famen, dt.date(2026, 5, 1)) == []
    assert not Slot.objects.filter(date=dt.date(2026, 5, 1)).exists()


def test_bad_bookings_are_refused_in_chinese_and_store_nothing(famen, now):
    api = ApiClient(token_for("famen_clerk"))
    HallSettings.objects.create(center=famen, slot_quota=1)
    tomorrow = _slots(famen.code, "2026-03-03").json()
    assert _book(api, tomorrow[0]["id"]).status_code == 201
    before = Appointment.objects.count()

    full = _book(api, tomorrow[0]["id"], phone="13991700002")
    assert full.status_code == 409 and "约满" in full.json()["error"]["message"]

    HallSettings.objects.filter(center=famen).update(slot_quota=4)
    Slot.objects.filter(pk=tomorrow[1]["id"]).update(quota=4)
    assert _book(api, tomorrow[1]["id"]).status_code == 201
    before += 1
    duplicate = _book(api, tomorrow[1]["id"])
    assert duplicate.status_code == 409 and "已预约" in duplicate.json()["error"]["message"]

    past = services.ensure_slots(famen, dt.date(2026, 3, 2))[0]  # today 9:00, it is 9:15
    response = _book(api, past.pk, phone="13991700003")
    assert response.status_code == 422 and "已过" in response.json()["error"]["message"]

    far = services.ensure_slots(famen, dt.date(2026, 3, 20))[0]
    response = _book(api, far.pk, phone="13991700003")
    assert response.status_code == 422 and "工作日" in response.json()["error"]["message"]

    holiday = Slot.objects.create(
        center=famen, date=dt.date(2026, 3, 7), start=dt.time(9), end=dt.time(9, 30), quota=4
    )  # a Saturday
    response = _book(api, holiday.pk, phone="13991700003")
    assert response.status_code == 422 and "节假日" in response.json()["error"]["message"]

    for body in (
        {"slot": tomorrow[2]["id"], "item": ITEM, "name": "", "phone": "123"},
        {"slot": tomorrow[2]["id"], "item": "NO-SUCH", "name": "王桂英", "phone": PHONE},
        {"slot": 999999, "item": ITEM, "name": "王桂英", "phone": PHONE},
    ):
        response = api.post("appointments", body)
        assert response.status_code == 422, response.content
        assert response.json()["error"]["fields"]
    assert Appointment.objects.count() == before


def test_two_no_shows_in_thirty_days_bar_online_booking_for_thirty_days(famen):
    clerk = ApiClient(token_for("famen_clerk"))
    with clock.pinned("2026-03-02T09:15:00+08:00"):
        first = _slots(famen.code, "2026-03-03").json()[0]["id"]
        second = _slots(famen.code, "2026-03-04").json()[0]["id"]
        assert _book(clerk, first).status_code == 201
        assert _book(clerk, second).status_code == 201
    with clock.pinned("2026-03-05T00:30:00+08:00"):
        call_command("mark_no_shows", verbosity=0)  # the end-of-day sweep
        assert Appointment.objects.filter(status=AppointmentStatus.NO_SHOW).count() == 2
    with clock.pinned("2026-03-05T09:00:00+08:00"):
        slot = _slots(famen.code, "2026-03-06").json()[0]["id"]
        anonymous = ApiClient()
        anonymous.post("appointments/sms-code", {"phone": PHONE})
        barred = _book(anonymous, slot, sms_code=_last_code())
        assert barred.status_code == 409
        assert (
            barred.json()["error"]["code"] == "barred"
            and "2026年04月03日" in barred.json()["error"]["message"]
        )
        # Another phone books; the clerk may still book for this one at the window's phone.
        assert _book(clerk, slot).status_code == 201
    with clock.pinned("2026-04-03T09:00:00+08:00"):
        assert services.barred_until(PHONE, famen) is None


def test_cancel_up_to_two_hours_before_with_the_code(famen, now):
    anonymous = ApiClient()
    clerk = ApiClient(token_for("famen_clerk"))
    slot = _slots(famen.code, "2026-03-03").json()[0]["id"]
    made = _book(clerk, slot).json()
    assert anonymous.post(f"appointments/{made['id']}/cancel", {"code": "x"}).status_code == 404
    cancelled = anonymous.post(f"appointments/{made['id']}/cancel", {"code": made["code"]})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert _slots(famen.code, "2026-03-03").json()[0]["free"] == 4
    again = _book(clerk, slot).json()
    with clock.pinned("2026-03-03T07:30:00+08:00"):
        late = anonymous.post(f"appointments/{again['id']}/cancel", {"code": again["code"]})
        assert late.status_code == 409 and "2小时" in late.json()["error"]["message"]


def test_guessing_an_appointment_code_is_throttled(famen, now):
    made = _book(ApiClient(token_for("famen_clerk")), _slots(famen.code, "2026-03-03").json()[0]["id"]).json()
    anonymous = ApiClient()
    wrong = "000000" if made["code"] != "000000" else "111111"
    for _ in range(5):
        assert anonymous.post(f"appointments/{made['id']}/cancel", {"code": wrong}).status_code == 404
    assert anonymous.post(f"appointments/{made['id']}/cancel", {"code": made["code"]}).status_code == 429
    assert Appointment.objects.get(pk=made["id"]).status == AppointmentStatus.BOOKED


def test_arrival_turns_the_appointment_into_a_priority_ticket(famen, clerk, window1, kiosk_token):
    api = ApiClient(token_for("famen_clerk"))
    with clock.pinned("2026-03-02T09:15:00+08:00"):
        made = _book(api, _slots(famen.code, "2026-03-03").json()[1]["id"]).json()
    with clock.pinned("2026-03-03T09:20:00+08:00"):
        services.take_ticket(famen, "A")  # someone already waiting
        arrived = api.post(f"appointments/{made['id']}/arrive")
        assert arrived.status_code == 201 and arrived.json()["number"] == "V001"
        assert arrived.json()["waiting_ahead"] == 0
        assert Appointment.objects.get(pk=made["id"]).status == AppointmentStatus.ARRIVED
        assert api.post(f"appointments/{made['id']}/arrive").status_code == 409
        called = api.post(f"windows/{window1.pk}/call").json()
        assert called["number"] == "V001"
        screen = Client()
        screen.cookies["bianmin_device"] = _screen(famen)
        board = screen.get("/hall/screen/board/").content.decode()
        assert "请V001号到1号窗口" in board and "王*英" in board and "王桂英" not in board
    assert Ticket.objects.get(number="V001").priority


def _screen(center):
    from bianmin.accounts.models import User
    from bianmin.devices import services as devices

    return devices.issue(User.objects.get(username="famen_director"), center, "hall_screen", "屏")[1]


def test_public_page_books_with_an_sms_code_and_shows_only_masked_data(famen, now, client):
    page = client.get(f"/hall/book/{famen.code}/?date=2026-03-03")
    assert page.status_code == 200 and "预约办事" in page.content.decode()
    slot = Slot.objects.filter(center=famen, date=dt.date(2026, 3, 3)).order_by("start").first()
    form = {"date": "2026-03-03", "slot": slot.pk, "item": ITEM, "name": "王桂英", "phone": PHONE}
    sent = client.post(f"/hall/book/{famen.code}/", {**form, "op": "code"})
    assert sent.status_code == 200 and "验证码已发送" in sent.content.decode()
    wrong = client.post(f"/hall/book/{famen.code}/", {**form, "op": "book", "sms_code": "abc"})
    assert wrong.status_code == 422 and "验证码" in wrong.content.decode()
    assert not Appointment.objects.exists()
    done = client.post(
        f"/hall/book/{famen.code}/", {**form, "op": "book", "sms_code": _last_code()}, follow=True
    )
    text = done.content.decode()
    assert "预约成功" in text and "139****0001" in text and "王*英" in text
    assert PHONE not in text and "王桂英" not in text
    assert Appointment.objects.get().code in text


def test_sending_codes_is_throttled(famen, now):
    anonymous = ApiClient()
    for _ in range(3):
        assert anonymous.post("appointments/sms-code", {"phone": PHONE}).status_code == 204
    too_many = anonymous.post("appointments/sms-code", {"phone": PHONE})
    assert too_many.status_code == 429 and "分钟后再试" in too_many.json()["error"]["message"]
