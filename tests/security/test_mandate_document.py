"""The 代办委托书 shows the villager's ID number masked; the full number only through the recorded reveal."""

import io

from django.test import Client
from proxy.factories import make_item, proxy_intake, register, signature_png
from pypdf import PdfReader


def _signed_mandate(api):
    agent = api("famen_agent")
    item = make_item("promised")
    number = register(agent, item)
    id_number = proxy_intake(item)["applicant"]["id_number"]
    r = agent.post(
        f"proxy/cases/{number}/mandate",
        {"villager_name": "张秀兰", "villager_id_number": id_number, "entrusted": "代办",
         "signature": signature_png()},
    )  # fmt: skip
    assert r.status_code == 201, r.content
    return agent, number, id_number


def _pdf_text(response) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def test_the_mandate_pdf_masks_the_id_number(api, now):
    agent, number, id_number = _signed_mandate(api)
    text = _pdf_text(agent.get(f"cases/{number}/documents/mandate.pdf"))
    assert id_number not in text
    assert id_number[:6] in text and id_number[-4:] in text
    assert "reveal" not in [e["action"] for e in agent.get(f"cases/{number}").json()["events"]]


def test_the_mandate_page_masks_the_id_number_unless_revealed_and_the_reveal_is_recorded(api, now):
    agent, number, id_number = _signed_mandate(api)
    browser = Client()
    assert browser.login(username="famen_clerk", password="Demo@2026")
    page = browser.get(f"/cases/{number}/documents/mandate/").content.decode()
    assert id_number not in page and f"{id_number[:6]}********{id_number[-4:]}" in page
    revealed = browser.get(f"/cases/{number}/documents/mandate/?reveal=1").content.decode()
    assert id_number in revealed
    events = agent.get(f"cases/{number}").json()["events"]
    assert [e["action"] for e in events].count("reveal") == 1


def test_the_mandate_pdf_shows_the_full_number_through_the_recorded_reveal(api, now):
    agent, number, id_number = _signed_mandate(api)
    clerk = api("famen_clerk")
    assert id_number in _pdf_text(clerk.get(f"cases/{number}/documents/mandate.pdf?reveal=1"))
    assert "reveal" in [e["action"] for e in agent.get(f"cases/{number}").json()["events"]]
