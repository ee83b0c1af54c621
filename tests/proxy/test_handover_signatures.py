"""A handover needs the villager's mandate on every case, and is signed on the phone by both ends;
the sheet and the handover page show the two signatures."""

from django.test import Client

from bianmin.cases.models import Case

from .factories import make_item, proxy_intake, signature_png


def _browser(username):
    client = Client()
    assert client.login(username=username, password="Demo@2026")
    return client


def _register_without_mandate(agent, item, n=1) -> str:
    body = proxy_intake(item, n=n)
    body["proxy"]["mandate"] = False
    response = agent.post("cases", body)
    assert response.status_code == 201, response.content
    return response.json()["number"]


def test_handing_up_a_case_without_a_mandate_is_refused_naming_the_case(api, now):
    agent = api("famen_agent")
    item = make_item("promised")
    unsigned = _register_without_mandate(agent, item)
    r = agent.post("handovers", {"direction": "up", "cases": [unsigned]})
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "mandate_missing"
    assert unsigned in r.json()["error"]["message"]
    assert agent.get("handovers").json()["count"] == 0


def test_the_page_says_the_mandate_is_missing_and_hands_over_once_it_is_signed(api, now):
    agent = api("famen_agent")
    number = _register_without_mandate(agent, make_item("promised"))
    phone = _browser("famen_agent")
    page = phone.get("/proxy/handovers/new/").content.decode()
    assert "未签代办委托书" in page
    r = phone.post("/proxy/handovers/new/", {"cases": [number], "signature": signature_png()})
    assert r.status_code == 409
    assert "尚未签代办委托书" in r.content.decode() and number in r.content.decode()
    r = phone.post(
        f"/proxy/cases/{number}/mandate/",
        {"villager_name": "张秀兰", "villager_id_number": Case.objects.get(number=number).applicant_id_number,
         "entrusted": "代为办理", "method": "signature", "signature": signature_png()},
    )  # fmt: skip
    assert r.status_code == 302
    r = phone.post("/proxy/handovers/new/", {"cases": [number], "signature": signature_png()})
    assert r.status_code == 302


def test_the_page_asks_the_one_handing_over_to_sign(api, now):
    from .factories import register

    number = register(api("famen_agent"), make_item("promised"))
    r = _browser("famen_agent").post("/proxy/handovers/new/", {"cases": [number]})
    assert r.status_code == 422
    assert "请签名" in r.content.decode()


def test_both_signatures_are_kept_and_shown_on_the_sheet(api, now):
    from .factories import register

    number = register(api("famen_agent"), make_item("promised"))
    phone, desk = _browser("famen_agent"), _browser("famen_clerk")
    url = phone.post("/proxy/handovers/new/", {"cases": [number], "signature": signature_png()})["Location"]
    assert 'alt="交出人签名"' in desk.get(url).content.decode()
    assert "签名并确认签收" in desk.get(url).content.decode()
    r = desk.post(url, {"received": [number], "signature": signature_png()})
    assert r.status_code == 302
    handover = api("famen_clerk").get("handovers").json()["results"][0]
    assert handover["from_signed_at"] and handover["to_signed_at"]
    sheet = phone.get(f"{url}sheet/").content.decode()
    assert 'alt="交出人签名"' in sheet and 'alt="接收人签名"' in sheet
    assert phone.get(f"{url}sheet.pdf").content.startswith(b"%PDF")
