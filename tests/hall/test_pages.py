"""Hall pages: the kiosk and its printable ticket, the screen, the clerk's caller panel, the director's
settings, and market-day outreach (public dates, cases marked when taken there)."""

import datetime as dt

from django.test import Client

from bianmin.cases.models import Event
from bianmin.core import clock
from bianmin.hall import services
from bianmin.hall.models import Appointment, HallSettings, Outreach, OutreachCase, Ticket, TicketCategory
from bianmin.regions.models import Center
from tests.cases.factories import intake, make_item
from tests.conftest import ApiClient, token_for

PASSWORD = "Demo@2026"


def _device(token):
    client = Client()
    client.cookies["bianmin_device"] = token
    return client


def _login(client, username):
    assert client.login(username=username, password=PASSWORD)
    return client


def test_kiosk_page_gives_a_printable_ticket(famen, kiosk_token, now):
    kiosk = _device(kiosk_token)
    page = kiosk.get("/hall/kiosk/").content.decode()
    assert "社保民政" in page and "绿色通道" in page and "<script>" not in page
    response = kiosk.post("/hall/kiosk/", {"category": "A"})
    assert response.status_code == 302
    ticket = kiosk.get(response["Location"]).content.decode()
    assert "A001" in ticket and "hall/hall.css" in ticket and "hall/ticket.js" in ticket
    bad = kiosk.post("/hall/kiosk/", {"category": "Q"})
    assert bad.status_code == 422 and "取号类别" in bad.content.decode()
    assert Ticket.objects.count() == 1
    # Another center's ticket is not this kiosk's to show.
    tiandu = Center.objects.get(region__name="天度镇", level="township")
    other = services.take_ticket(tiandu, "A")
    assert kiosk.get(f"/hall/kiosk/tickets/{other.pk}/").status_code == 404


def test_device_link_opens_the_kiosk_and_the_screen(famen, kiosk_token, screen_token, now):
    opened = Client().get(f"/device/{kiosk_token}/")
    assert opened.status_code == 302 and opened["Location"] == "/hall/kiosk/"
    screen = Client()
    assert screen.get(f"/device/{screen_token}/", follow=True).request["PATH_INFO"] == "/hall/screen/"
    page = screen.get("/hall/screen/").content.decode()
    assert 'hx-get="/hall/screen/board/"' in page and "hall/screen.js" in page and "请取号等候" in page


def test_caller_panel_calls_and_starts_the_intake(famen, kiosk_token, clerk, now, client):
    services.take_ticket(famen, "A")
    _login(client, "famen_clerk")
    assert "叫下一位" in client.get("/workbench/hall/").content.decode()
    client.post("/workbench/hall/", {"op": "call"})
    page = client.get("/workbench/hall/").content.decode()
    assert "A001" in page and "为 A001 收件" in page
    client.post("/workbench/hall/", {"op": "recall"})
    assert Ticket.objects.get().call_count == 2
    client.post("/workbench/hall/", {"op": "finish"})
    assert Ticket.objects.get().status == "done"


def test_caller_panel_without_a_seat_asks_for_one(demo, now, client):
    from bianmin.accounts.models import User
    from bianmin.devices.services import leave_seat

    leave_seat(User.objects.get(username="tiandu_clerk"))
    _login(client, "tiandu_clerk")
    page = client.get("/workbench/hall/").content.decode()
    assert "选择窗口" in page
    assert _login(Client(), "famen_agent").get("/workbench/hall/").status_code == 404


def test_caller_panel_lists_appointments_with_bounded_queries(
    famen, clerk, now, client, django_assert_max_num_queries
):
    api = ApiClient(token_for("famen_clerk"))
    _login(client, "famen_clerk")

    item = make_item("promised").code

    def book(first, n):
        for i in range(first, first + n):
            slot = services.ensure_slots(famen, dt.date(2026, 3, 3))[i % 12]
            assert (
                api.post(
                    "appointments",
                    {"slot": slot.pk, "item": item, "name": "张三", "phone": f"1399170{i:04d}"},
                ).status_code
                == 201
            )

    book(0, 3)
    with clock.pinned("2026-03-03T09:00:00+08:00"):
        with django_assert_max_num_queries(20):
            assert client.get("/workbench/hall/").status_code == 200
    book(3, 27)
    with clock.pinned("2026-03-03T09:00:00+08:00"):
        with django_assert_max_num_queries(20):
            page = client.get("/workbench/hall/").content.decode()
    assert "到场取号" in page and "13991700001" not in page


def test_director_configures_categories_rules_and_outreach(famen, now, client):
    _login(client, "famen_director")
    assert client.get("/manage/hall/").status_code == 200
    response = client.post(
        "/manage/hall/",
        {"form": "category", "c-letter": "d", "c-name": "不动产", "c-order": 5, "c-active": "on"},
    )
    assert response.status_code == 302
    assert TicketCategory.objects.get(center=famen, letter="D").name == "不动产"
    clash = client.post(
        "/manage/hall/", {"form": "category", "c-letter": "A", "c-name": "重复", "c-order": 1}
    )
    assert clash.status_code == 422 and "已有" in clash.content.decode()
    rules = {f"s-{k}": v for k, v in {
        "morning_start": "08:30", "morning_end": "12:00", "afternoon_start": "14:00", "afternoon_end": "17:30",
        "slot_minutes": 60, "slot_quota": 2, "horizon_min": 3, "horizon_max": 2, "cancel_hours": 2,
        "no_show_limit": 2, "no_show_days": 30, "bar_days": 30, "remind_when_left": 3,
    }.items()}  # fmt: skip
    bad = client.post("/manage/hall/", {"form": "settings", **rules})
    assert bad.status_code == 422 and not HallSettings.objects.exists()
    rules["s-horizon_min"] = 1
    assert client.post("/manage/hall/", {"form": "settings", **rules}).status_code == 302
    assert (
        len(services.ensure_slots(famen, dt.date(2026, 3, 3))) == 6
    )  # hourly from 8:30 and from 14:00; no slot runs past the end
    made = client.post(
        "/manage/hall/",
        {"form": "outreach", "o-place": "黄堆集", "o-day_digits": "2、5、8", "o-start_time": "08:00",
         "o-end_time": "11:00", "o-active": "on"},
    )  # fmt: skip
    assert made.status_code == 302
    assert Outreach.objects.get(place="黄堆集").day_digits == "258"
    assert _login(Client(), "famen_clerk").get("/manage/hall/").status_code == 403


def test_outreach_days_are_public_and_cases_taken_there_are_marked(famen, now, client):
    outreach = Outreach.objects.get(center=famen, place="法门集")
    assert outreach.dates(dt.date(2026, 3, 1), 15) == [dt.date(2026, 3, d) for d in (3, 6, 9, 13)]
    page = client.get("/hall/outreach/").content.decode()
    assert "法门集" in page and "逢三、六、九" in page and "3月6日" in page
    clerk_page = _login(Client(), "famen_clerk")
    # 2 March is not a market day for 法门集.
    clerk_page.post("/workbench/hall/", {"op": "duty_start", "outreach": outreach.pk})
    assert not OutreachCase.objects.exists()
    item = make_item("promised")
    with clock.pinned("2026-03-03T09:30:00+08:00"):
        clerk_page.post("/workbench/hall/", {"op": "duty_start", "outreach": outreach.pk})
        number = ApiClient(token_for("famen_clerk")).post("cases", intake(item)).json()["number"]
    mark = OutreachCase.objects.get(case__number=number)
    assert mark.outreach == outreach and mark.day == dt.date(2026, 3, 3)
    assert Event.objects.get(case__number=number, action="outreach_intake").note == "赶集服务：法门集"
    agent = _login(Client(), "famen_agent").get("/hall/outreach/").content.decode()
    assert "法门集" in agent and "天度集" not in agent and "为村民预约" in agent


def test_agent_books_for_a_villager_without_an_sms_code(famen, now):
    slot = services.ensure_slots(famen, dt.date(2026, 3, 3))[0]
    response = ApiClient(token_for("famen_agent")).post(
        "appointments",
        {"slot": slot.pk, "item": make_item("promised").code, "name": "李四", "phone": "13991700009"},
    )
    assert response.status_code == 201
    assert Appointment.objects.get().channel == "agent"


def test_screen_and_public_pages_never_show_a_full_name_or_phone(
    famen, kiosk_token, screen_token, clerk, window1
):
    phone, name = "13991700077", "欧阳秀英"
    with clock.pinned("2026-03-02T09:15:00+08:00"):
        slot = services.ensure_slots(famen, dt.date(2026, 3, 3))[0]
        made = ApiClient(token_for("famen_clerk")).post(
            "appointments",
            {"slot": slot.pk, "item": make_item("promised").code, "name": name, "phone": phone},
        )
    with clock.pinned("2026-03-03T09:10:00+08:00"):
        services.take_ticket(famen, "A", phone="13991700078")
        services.arrive(clerk, Appointment.objects.get(pk=made.json()["id"]))
        services.call_next(clerk, window1)
        pages = [
            _device(screen_token).get("/hall/screen/").content.decode(),
            _device(screen_token).get("/hall/screen/board/").content.decode(),
            Client().get(f"/hall/book/{famen.code}/").content.decode(),
            Client().get("/hall/outreach/").content.decode(),
            Client().get("/").content.decode(),
        ]
    assert "欧**英" in pages[1]
    for page in pages:
        assert name not in page and phone not in page and "13991700078" not in page
