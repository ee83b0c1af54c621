"""The desk, the 督办 queue, the order page with its answer form, the ledgers, the county settings — and the
desk, the ledger export and the counted cards agreeing."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from bianmin.core import clock
from bianmin.regions.models import CountySettings
from bianmin.supervision.models import Card, Order

from .conftest import accepted_case, sweep_on

pytestmark = pytest.mark.django_db
AT = "2026-10-20T10:00:00+08:00"


def login(client, username):
    assert client.login(username=username, password="Demo@2026")
    return client


def count_of(html: str, name: str) -> int:
    return int(re.search(rf'data-testid="{name}">(\d+)<', html).group(1))


@pytest.fixture
def october(api):
    """Two cases that went overdue in October 2026, one of which went red; the walk's rules, swept daily."""
    a = accepted_case(api, at="2026-09-28T09:30:00+08:00")  # deadline 10/10
    b = accepted_case(api, at="2026-09-29T09:30:00+08:00")  # deadline 10/12
    for day in ["2026-10-09", "2026-10-11", "2026-10-13", "2026-10-14"]:
        sweep_on(day, times=1)
    return a, b


def test_desk_ledger_export_and_counted_cards_agree(client, october):
    yellow = Card.objects.filter(color="yellow", issued_on__month=10).count()
    red = Card.objects.filter(color="red", issued_on__month=10).count()
    assert (yellow, red) >= (2, 1)
    login(client, "fufeng_supervisor")
    with clock.pinned(AT):
        desk = client.get("/supervision/").content.decode()
        ledger = client.get(
            "/supervision/ledger/?date_from=2026-10-01&date_to=2026-10-31&region="
        ).content.decode()
        orders_xlsx = client.get("/supervision/ledger/orders.xlsx?date_from=2026-10-01&date_to=2026-10-31")
        cards_xlsx = client.get("/supervision/ledger/cards.xlsx?date_from=2026-10-01&date_to=2026-10-31")
    assert count_of(desk, "cards-yellow") == yellow and count_of(desk, "cards-red") == red
    assert count_of(desk, "waiting") == Order.objects.filter(state="open").count()
    assert count_of(ledger, "ledger-cards") == yellow + red
    assert count_of(ledger, "ledger-orders") == Order.objects.count()
    rows = list(load_workbook(io.BytesIO(cards_xlsx.content)).active.iter_rows(values_only=True))
    assert rows[0][1] == "颜色"
    assert sorted(r[1] for r in rows[1:]) == sorted(["黄牌"] * yellow + ["红牌"] * red)
    rows = list(load_workbook(io.BytesIO(orders_xlsx.content)).active.iter_rows(values_only=True))
    assert len(rows) - 1 == Order.objects.count()
    assert {r[11] for r in rows[1:]} >= {"红牌"}


def test_ledger_cells_are_defused(client, october):
    Card.objects.update(label='=HYPERLINK("http://x")')
    login(client, "fufeng_supervisor")
    with clock.pinned(AT):
        book = client.get("/supervision/ledger/cards.xlsx?date_from=2026-10-01&date_to=2026-10-31").content
    cells = [r[5] for r in load_workbook(io.BytesIO(book)).active.iter_rows(min_row=2, values_only=True)]
    assert cells and all(c.startswith("'=") for c in cells)


def test_ledger_refuses_a_bad_period(client, october):
    login(client, "fufeng_supervisor")
    with clock.pinned(AT):
        r = client.get("/supervision/ledger/?date_from=2026-10-31&date_to=2026-10-01")
        assert r.status_code == 422 and "结束日期不能早于开始日期" in r.content.decode()
        assert client.get("/supervision/ledger/orders.xlsx?date_from=x&date_to=y").status_code == 422


def test_responsible_person_answers_from_the_queue_with_an_attachment(client, october):
    login(client, "famen_minzheng")
    with clock.pinned(AT):
        home = client.get("/workbench/").content.decode()
        assert "/supervision/mine/" in home
        queue = client.get("/supervision/mine/").content.decode()
        order = Order.objects.filter(state="open").order_by("id").first()
        assert order.number in queue
        page = client.get(f"/supervision/orders/{order.number}/").content.decode()
        assert "提交回告" in page
        pdf = SimpleUploadedFile("说明.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
        r = client.post(f"/supervision/orders/{order.number}/answer/", {"text": "已办结", "files": [pdf]})
        assert r.status_code == 302
        order.refresh_from_db()
        assert order.state == "answered" and order.answered_on_time is False
        entry = order.entries.get(action="answered")
        token = entry.files.get().token
        assert client.get(f"/supervision/orders/{order.number}/files/{token}/").status_code == 200
        # A file that is not a JPG/PNG/PDF is refused with a message and nothing stored.
        other = Order.objects.filter(state="open").exclude(pk=order.pk).first()
        if other is not None:
            bad = SimpleUploadedFile("x.exe", b"MZ....", content_type="application/octet-stream")
            client.post(f"/supervision/orders/{other.number}/answer/", {"text": "x", "files": [bad]})
            other.refresh_from_db()
            assert other.state == "open"
    login(client, "tiandu_clerk")
    with clock.pinned(AT):
        assert client.get(f"/supervision/orders/{order.number}/").status_code == 404
        assert client.get("/supervision/").status_code == 403


def test_supervisor_issues_an_order_from_the_page(client, october):
    number = october[0]["number"]
    login(client, "fufeng_supervisor")
    with clock.pinned(AT):
        r = client.post("/supervision/orders/new/", {"subject_kind": "case", "subject_ref": number,
                                                      "reason": "群众反映", "reply_due": "2026-10-01"})  # fmt: skip
        assert r.status_code == 422 and "回告期限不能早于今天" in r.content.decode()
        before = Order.objects.count()
        r = client.post("/supervision/orders/new/", {"subject_kind": "case", "subject_ref": number,
                                                      "reason": "群众反映", "reply_due": "2026-10-23"})  # fmt: skip
        assert r.status_code == 302 and Order.objects.count() == before + 1


def test_county_settings_page_edits_the_supervision_fields(client, demo):
    login(client, "admin")
    url = "/manage/county/610324000000/settings/"
    r = client.post(url, {"yellow_threshold_days": 2, "reply_days": 0, "red_card_period_days": 30,
                          "step_due_days": 0, "appeal_days": 5})  # fmt: skip
    assert r.status_code == 422 and "督办回告期限应为 1–20" in r.content.decode()
    assert not CountySettings.objects.exists()
    r = client.post(url, {"yellow_threshold_days": 2, "reply_days": 3, "red_card_period_days": 60,
                          "step_due_days": 4, "appeal_days": 7})  # fmt: skip
    assert r.status_code == 302
    row = CountySettings.objects.get()
    assert (row.reply_days, row.red_card_period_days, row.step_due_days, row.appeal_days) == (3, 60, 4, 7)


@pytest.mark.parametrize(
    "who", ["fufeng_supervisor", "famen_director", "famen_minzheng", "famen_clerk", "admin"]
)
def test_pages_answer_for_every_staff_persona(client, october, who, django_assert_max_num_queries):
    login(client, who)
    with clock.pinned(AT):
        for url in ["/supervision/mine/", "/supervision/orders/", "/supervision/cards/?month=this"]:
            assert client.get(url).status_code == 200, url
        with django_assert_max_num_queries(20):
            assert client.get("/supervision/orders/").status_code == 200
        card = Card.objects.filter(color="red").first()
        status = client.get(f"/supervision/cards/{card.pk}/").status_code
        assert status in (200, 404)


def test_desk_reads_a_fixed_number_of_queries(client, october, django_assert_max_num_queries):
    login(client, "fufeng_supervisor")
    with clock.pinned(AT):
        client.get("/supervision/")
        with django_assert_max_num_queries(16):
            assert client.get("/supervision/").status_code == 200
        with django_assert_max_num_queries(16):
            assert client.get("/supervision/warnings/").status_code == 200
        with django_assert_max_num_queries(16):
            assert client.get("/supervision/ledger/").status_code == 200


def test_desk_filters_by_township(client, october):
    login(client, "fufeng_supervisor")
    with clock.pinned(AT):
        famen = client.get("/supervision/?township=610324106000&department=").content.decode()
        tiandu = client.get("/supervision/?township=610324100000&department=").content.decode()
    assert count_of(famen, "cards-yellow") == Card.objects.filter(color="yellow").count()
    assert count_of(tiandu, "cards-yellow") == 0 and count_of(tiandu, "waiting") == 0
