"""The agent's case page: the query code with a button that texts it to the villager, and after each step
the next one (签委托书 → 交镇中心 / 登记下一件 → 送达); a delivered case is not offered a mandate any more."""

from django.test import Client

from bianmin.cases.models import Case
from bianmin.messaging.models import Message

from .factories import completed_at_township, make_item, proxy_intake, register, signature_png


def _browser(username):
    client = Client()
    assert client.login(username=username, password="Demo@2026")
    return client


def _unsigned(agent, item) -> str:
    body = proxy_intake(item)
    body["proxy"]["mandate"] = False
    return agent.post("cases", body).json()["number"]


def test_the_case_page_shows_the_query_code_and_texts_it_without_the_id_number(
    api, now, django_capture_on_commit_callbacks
):
    number = register(api("famen_agent"), make_item("promised"))
    case = Case.objects.get(number=number)
    phone = _browser("famen_agent")
    page = phone.get(f"/proxy/cases/{number}/").content.decode()
    assert case.query_code in page and "短信发给村民" in page
    with django_capture_on_commit_callbacks(execute=True):
        r = phone.post(f"/proxy/cases/{number}/query-code/")
    assert r.status_code == 302
    sms = Message.objects.get(case=case, template="query_code")
    assert sms.phone == case.applicant_phone
    assert case.query_code in sms.text and number in sms.text
    assert case.applicant_id_number not in sms.text and case.applicant_id_number[-6:] not in sms.text
    assert "发送查询码短信" in phone.get(f"/proxy/cases/{number}/").content.decode()


def test_only_an_agent_texts_the_query_code(api, now):
    number = register(api("famen_agent"), make_item("promised"))
    assert _browser("famen_clerk").post(f"/proxy/cases/{number}/query-code/").status_code == 404
    assert _browser("famen_agent").get(f"/proxy/cases/{number}/query-code/").status_code == 405


def test_each_step_offers_the_next(api, now):
    agent = api("famen_agent")
    number = _unsigned(agent, make_item("promised"))
    phone = _browser("famen_agent")
    page = phone.get(f"/proxy/cases/{number}/").content.decode()
    assert "签代办委托书" in page and "交镇中心" not in page.split("<h2>经过</h2>")[0].split("px-actions")[-1]
    r = phone.post(
        f"/proxy/cases/{number}/mandate/",
        {"villager_name": "张秀兰", "villager_id_number": Case.objects.get(number=number).applicant_id_number,
         "entrusted": "代为办理", "method": "signature", "signature": signature_png()},
    )  # fmt: skip
    after = phone.get(r["Location"]).content.decode()
    assert "下一步" in after and "交镇中心" in after and "登记下一件" in after
    page = phone.get(f"/proxy/cases/{number}/").content.decode()
    assert "交镇中心" in page and "登记下一件" in page and "代办委托书（已签）" in page


def test_a_delivered_case_is_not_offered_a_mandate(api, now):
    agent, clerk, minzheng = api("famen_agent"), api("famen_clerk"), api("famen_minzheng")
    number = completed_at_township(agent, clerk, minzheng, make_item("promised"))
    assert (
        clerk.post(f"cases/{number}/actions/deliver", {"method": "window", "receiver": "张秀兰"}).status_code
        == 200
    )
    phone = _browser("famen_agent")
    assert "签代办委托书" not in phone.get(f"/proxy/cases/{number}/").content.decode()
    page = phone.get(f"/proxy/cases/{number}/mandate/").content.decode()
    assert "无需再签代办委托书" in page and 'name="villager_id_number"' not in page
