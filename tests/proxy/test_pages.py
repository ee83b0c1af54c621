"""The proxy pages: the agent's home by state, a handover made and received through the forms,
the sheet with its QR code, and the home page's query count does not grow with the cases."""

import io

import zxingcpp
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from PIL import Image

from bianmin.core import clock

from .factories import completed_at_township, make_item, register, signature_png


def _browser(username):
    client = Client()
    assert client.login(username=username, password="Demo@2026")
    return client


def test_agent_home_shows_cases_by_where_they_are(api, now):
    agent, clerk, minzheng = api("famen_agent"), api("famen_clerk"), api("famen_minzheng")
    item = make_item("promised")
    held = register(agent, item, 1)
    done = completed_at_township(agent, clerk, minzheng, item, 2)
    page = _browser("famen_agent").get("/proxy/")
    html = page.content.decode()
    assert page.status_code == 200
    for label in ("草稿", "待交接", "在镇里", "待带回", "已送达", "值班安排", "周一"):
        assert label in html
    assert (
        html.index(held)
        < html.index('id="at_township"')
        < html.index('id="to_bring_back"')
        < html.index(done)
    )


def test_handover_made_and_received_through_the_pages(api, now):
    agent = api("famen_agent")
    item = make_item("promised")
    a, b = register(agent, item, 1), register(agent, item, 2)
    phone = _browser("famen_agent")
    r = phone.post("/proxy/handovers/new/", {"cases": [a, b], "signature": signature_png()})
    assert r.status_code == 302
    url = r["Location"]
    desk = _browser("famen_clerk")
    page = desk.get(url)
    assert "逐件签收" in page.content.decode()
    r = desk.post(url, {"received": [a], f"note-{a}": "缺照片一张", "signature": signature_png()})
    assert r.status_code == 302
    handover = api("famen_clerk").get("handovers").json()["results"][0]
    assert handover["state"] == "partly_received"
    assert {c["number"]: c["note"] for c in handover["cases"]}[a] == "缺照片一张"
    # The agent's phone shows the sheet but not the receive form.
    assert "逐件签收" not in phone.get(url).content.decode()


def test_the_handover_sheet_pdf_carries_a_qr_code_to_the_handover_page(api, now, tmp_path):
    import subprocess

    agent = api("famen_agent")
    number = register(agent, make_item("promised"))
    handover = agent.post("handovers", {"direction": "up", "cases": [number]}).json()
    pdf = _browser("famen_agent").get(f"/proxy/handovers/{handover['id']}/sheet.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    (tmp_path / "sheet.pdf").write_bytes(pdf.content)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "150", "-singlefile", str(tmp_path / "sheet.pdf"), str(tmp_path / "p")],
        check=True,
    )
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO((tmp_path / "p.png").read_bytes())))
    assert found and found[0].text.endswith(f"/proxy/handovers/{handover['id']}/")


def test_the_return_handover_and_the_delivery_through_the_pages(api, now):
    agent, clerk, minzheng = api("famen_agent"), api("famen_clerk"), api("famen_minzheng")
    number = completed_at_township(agent, clerk, minzheng, make_item("promised"))
    desk = _browser("famen_clerk")
    assert number in desk.get("/proxy/handovers/return/").content.decode()
    r = desk.post(
        "/proxy/handovers/return/", {"agent": "famen_agent", "cases": [number], "signature": signature_png()}
    )
    assert r.status_code == 302
    phone = _browser("famen_agent")
    assert "还没有交回" in phone.get(f"/proxy/cases/{number}/deliver/").content.decode()
    phone.post(r["Location"], {"received": [number], "signature": signature_png()})
    with clock.pinned("2026-03-03T10:00:00+08:00"):
        r = phone.post(
            f"/proxy/cases/{number}/deliver/", {"receiver": "张秀兰", "signature": signature_png()}
        )
    assert r.status_code == 302
    assert agent.get(f"cases/{number}").json()["state"] == "delivered"
    receipt = phone.get(f"/cases/{number}/documents/delivery_receipt/").content.decode()
    assert 'alt="签收人签名"' in receipt


def test_agent_home_runs_a_constant_number_of_queries(api, now):
    agent = api("famen_agent")
    item = make_item("promised")
    register(agent, item, 1)
    phone = _browser("famen_agent")
    phone.get("/proxy/")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert phone.get("/proxy/").status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for n in range(2, 12):
        register(agent, item, n)
    assert count() == few
