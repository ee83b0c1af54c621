"""Queue tickets: the kiosk takes a number, the clerk calls it at the window they sit at, the intake started
from a called ticket records waiting and service time on the case."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.test import Client

from bianmin.accounts.models import User
from bianmin.cases.models import Event
from bianmin.core import clock
from bianmin.hall import services
from bianmin.hall.models import Ticket, TicketStatus
from bianmin.messaging.models import Message
from bianmin.regions.models import Window
from tests.cases.factories import intake, make_item
from tests.conftest import ApiClient, token_for


def _take(token, code, category="A", **extra):
    return Client().post(
        f"/api/v1/centers/{code}/tickets",
        {"category": category, **extra},
        content_type="application/json",
        headers={"X-Device-Token": token} if token else {},
    )


def test_kiosk_takes_numbered_tickets_per_category_with_the_queue_ahead(famen, kiosk_token, now):
    first = _take(kiosk_token, famen.code)
    assert first.status_code == 201
    assert first.json()["number"] == "A001" and first.json()["waiting_ahead"] == 0
    assert _take(kiosk_token, famen.code).json()["waiting_ahead"] == 1
    assert _take(kiosk_token, famen.code).json()["number"] == "A003"
    assert _take(kiosk_token, famen.code, "B").json()["number"] == "B001"
    assert Ticket.objects.filter(center=famen, number="A003").exists()
    # The priority lane goes before everyone already waiting.
    priority = _take(kiosk_token, famen.code, "V").json()
    assert priority["number"] == "V001" and priority["waiting_ahead"] == 0
    assert _take(kiosk_token, famen.code).json()["waiting_ahead"] == 5


def test_numbers_start_again_each_day(famen, kiosk_token):
    with clock.pinned("2026-03-02T09:00:00+08:00"):
        assert _take(kiosk_token, famen.code).json()["number"] == "A001"
    with clock.pinned("2026-03-03T09:00:00+08:00"):
        assert _take(kiosk_token, famen.code).json()["number"] == "A001"


def test_no_valid_device_token_is_404_and_takes_nothing(famen, screen_token, kiosk_token, now, client):
    assert _take(None, famen.code).status_code == 404
    assert _take("not-a-token", famen.code).status_code == 404
    assert _take(screen_token, famen.code).status_code == 404  # a screen is not a kiosk
    assert _take(kiosk_token, "not-this-center").status_code == 404
    assert client.get("/hall/kiosk/").status_code == 404
    assert client.get("/hall/screen/").status_code == 404
    assert client.get("/hall/screen/board/").status_code == 404
    assert not Ticket.objects.exists()


def test_bad_category_is_422_in_chinese_and_stores_nothing(famen, kiosk_token, now):
    response = _take(kiosk_token, famen.code, "Z")
    assert response.status_code == 422 and "取号类别" in response.json()["error"]["message"]
    response = _take(kiosk_token, famen.code, "A", phone="12345")
    assert response.status_code == 422 and "phone" in response.json()["error"]["fields"]
    assert not Ticket.objects.exists()


def test_clerk_calls_at_their_window_priority_first_and_404_when_none_waits(
    famen, kiosk_token, clerk, window1, now
):
    api = ApiClient(token_for("famen_clerk"))
    assert api.post(f"windows/{window1.pk}/call").status_code == 404
    _take(kiosk_token, famen.code)
    _take(kiosk_token, famen.code, "V")
    called = api.post(f"windows/{window1.pk}/call")
    assert called.status_code == 200
    assert called.json()["number"] == "V001" and called.json()["window_number"] == 1
    second = api.post(f"windows/{window1.pk}/call").json()
    assert second["number"] == "A001"
    # Calling the next one closed the previous.
    assert Ticket.objects.get(number="V001").status == TicketStatus.DONE
    assert api.post(f"windows/{window1.pk}/recall").json()["call_count"] == 2
    assert api.post(f"windows/{window1.pk}/skip").json()["status"] == "skipped"


def test_calling_at_a_window_one_does_not_sit_at_is_refused(famen, kiosk_token, clerk, now):
    _take(kiosk_token, famen.code)
    window2, _ = Window.objects.get_or_create(
        center=famen, number=2, defaults={"name": "二号窗口", "kind": "department"}
    )
    response = ApiClient(token_for("famen_clerk")).post(f"windows/{window2.pk}/call")
    assert response.status_code in (403, 404)
    tiandu = Window.objects.get(center__region__name="天度镇", number=1)
    assert ApiClient(token_for("tiandu_clerk")).post(f"windows/{window1_pk(famen)}/call").status_code == 404
    assert ApiClient(token_for("famen_clerk")).post(f"windows/{tiandu.pk}/call").status_code == 404
    assert Ticket.objects.get().status == TicketStatus.WAITING


def window1_pk(center):
    return Window.objects.get(center=center, number=1).pk


def test_transfer_sends_the_ticket_to_the_other_window_only(famen, kiosk_token, clerk, window1, now):
    window2, _ = Window.objects.get_or_create(
        center=famen, number=2, defaults={"name": "二号窗口", "kind": "department"}
    )
    api = ApiClient(token_for("famen_clerk"))
    _take(kiosk_token, famen.code)
    api.post(f"windows/{window1.pk}/call")
    moved = api.post(f"windows/{window1.pk}/transfer", {"window": window2.pk})
    assert moved.status_code == 200 and moved.json()["status"] == "waiting"
    # Window 1 no longer gets it; whoever sits at window 2 does.
    assert api.post(f"windows/{window1.pk}/call").status_code == 404
    director = User.objects.get(username="famen_director")
    from bianmin.devices.services import take_seat

    take_seat(director, window2)
    assert services.call_next(director, window2).number == "A001"


def test_intake_from_a_called_ticket_records_waiting_and_service_time(famen, kiosk_token, clerk, window1):
    with clock.pinned("2026-03-02T09:00:00+08:00"):
        _take(kiosk_token, famen.code)
    with clock.pinned("2026-03-02T09:12:00+08:00"):
        services.call_next(clerk, window1)
    item = make_item("promised")
    with clock.pinned("2026-03-02T09:15:30+08:00"):
        number = ApiClient(token_for("famen_clerk")).post("cases", intake(item)).json()["number"]
    ticket = Ticket.objects.get(number="A001")
    assert ticket.case.number == number
    assert ticket.waiting_seconds == 12 * 60 and ticket.service_seconds == 210
    event = Event.objects.get(case__number=number, action="hall_ticket")
    assert event.data["waiting_seconds"] == 720 and event.data["service_seconds"] == 210
    assert "A001" in event.note and "等候12分0秒" in event.note
    # The next case is not linked to the same ticket again.
    with clock.pinned("2026-03-02T09:20:00+08:00"):
        other = ApiClient(token_for("famen_clerk")).post("cases", intake(item, n=2)).json()["number"]
    assert not Event.objects.filter(case__number=other, action="hall_ticket").exists()


def test_sms_goes_once_to_the_ticket_with_three_ahead(famen, kiosk_token, clerk, window1, now):
    for _ in range(4):
        _take(kiosk_token, famen.code)
    _take(kiosk_token, famen.code, phone="13991700005")  # A005, four ahead
    services.call_next(clerk, window1)  # now A005 has three ahead
    messages = Message.objects.filter(template="ticket_soon")
    assert messages.count() == 1 and "A005" in messages.get().text and "3" in messages.get().text
    services.call_next(clerk, window1)
    assert messages.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_takes_never_share_a_number(famen, kiosk_token, now):
    barrier, results = threading.Barrier(6), []

    def run():
        try:
            barrier.wait()
            results.append(services.take_ticket(famen, "A").number)
        except Exception as exc:  # noqa: BLE001 - the test inspects what each thread got
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [f"A{n:03d}" for n in range(1, 7)]


def test_screen_board_lists_calls_with_bounded_queries(
    famen, kiosk_token, screen_token, clerk, window1, now, django_assert_max_num_queries
):
    for _ in range(3):
        _take(kiosk_token, famen.code)
    services.call_next(clerk, window1)
    screen = Client()
    screen.cookies["bianmin_device"] = screen_token
    with django_assert_max_num_queries(14):
        page = screen.get("/hall/screen/board/").content.decode()
    assert "请A001号到1号窗口" in page
    for _ in range(20):
        _take(kiosk_token, famen.code)
        services.call_next(clerk, window1)
    with django_assert_max_num_queries(14):
        assert screen.get("/hall/screen/board/").status_code == 200
    assert dt.date(2026, 3, 2) == clock.today()
