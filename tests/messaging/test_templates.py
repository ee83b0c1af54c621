"""Message templates: shipped by a migration, edited per county on a page, checked when saved, rendered
with the county's text else the default; the case notices render from them."""

import pytest
from cases.factories import intake, make_item
from django.test import Client

from bianmin.accounts.models import User
from bianmin.messaging.models import Message, MessageTemplate
from bianmin.messaging.templates import PLACEHOLDERS, SHIPPED, render

FUFENG = "610324000000"
LIST = "/manage/messages/templates/"


@pytest.fixture
def admin_client(demo):
    client = Client()
    client.force_login(User.objects.get(username="admin"))
    return client


def test_the_migration_ships_every_template_with_valid_placeholders(db):
    shipped = dict(MessageTemplate.objects.filter(county=None).values_list("code", "text"))
    assert set(shipped) == set(SHIPPED) == set(PLACEHOLDERS)
    for code in ("accept", "request_supplement", "rating_invitation", "handover_arriving", "red_light",
                 "supervision_order", "appointment_reminder", "mandate_code", "query_code"):  # fmt: skip
        assert code in shipped


def test_render_picks_the_countys_text_else_the_default(db):
    default = MessageTemplate.objects.get(code="withdraw", county=None)
    MessageTemplate.objects.create(
        code="withdraw", county_id=FUFENG, name="撤回", text="扶风：{number}已撤回"
    )
    assert render("withdraw", FUFENG, {"number": "X1", "center": "C"})[0] == "扶风：X1已撤回"
    assert render("withdraw", "610300000000", {"number": "X1", "center": "C"})[0] == "【C】您的办件X1已撤回。"
    default.active = False
    default.save()
    # No active row at all: the shipped text still goes out.
    assert "X1" in render("withdraw", None, {"number": "X1", "center": "C"})[0]


def test_admin_overrides_a_template_for_a_county_on_the_page(admin_client):
    page = admin_client.get(LIST).content.decode()
    assert "消息模板" in page and "accept" in page
    assert admin_client.get(LIST + "new/?code=accept").status_code == 200
    r = admin_client.post(
        LIST + "new/",
        {"code": "accept", "county": FUFENG, "text": "【{center}】{number}已受理，{deadline}前办结，查询码{query_code}",
         "active": "on"},
    )  # fmt: skip
    assert r.status_code == 302, r.content.decode()
    row = MessageTemplate.objects.get(code="accept", county_id=FUFENG)
    assert row.channel == "sms" and row.audience == "applicant"
    assert admin_client.get(f"{LIST}{row.pk}/").status_code == 200


@pytest.mark.parametrize(
    "text,named", [("您的{number}已受理，身份证{id_number}", "{id_number}"), ("{}", "{}")]
)
def test_an_unknown_placeholder_is_refused_at_save_in_chinese(admin_client, text, named):
    row = MessageTemplate.objects.get(code="accept", county=None)
    r = admin_client.post(f"{LIST}{row.pk}/", {"text": text, "active": "on"})
    assert r.status_code == 422
    page = r.content.decode()
    assert "未知占位符" in page and named in page and "field-error" in page
    row.refresh_from_db()
    assert row.text == SHIPPED["accept"][4]


def test_an_unbalanced_brace_is_refused(admin_client):
    row = MessageTemplate.objects.get(code="accept", county=None)
    r = admin_client.post(f"{LIST}{row.pk}/", {"text": "受理{number", "active": "on"})
    assert r.status_code == 422 and "花括号" in r.content.decode()


def test_only_the_administrator_edits_templates(demo):
    client = Client()
    client.force_login(User.objects.get(username="famen_director"))
    assert client.get(LIST).status_code == 403


def test_the_accept_text_holds_number_deadline_and_query_code_and_no_id_number(api, now):
    clerk = api("famen_clerk")
    body = intake(make_item("promised"))
    number = clerk.post("cases", body).json()["number"]
    assert clerk.post(f"cases/{number}/actions/accept", {}).status_code == 200
    message = Message.objects.get(case__number=number, template="accept")
    case = message.case
    assert case.number in message.text and case.query_code in message.text
    assert f"{case.deadline:%Y年%m月%d日}" in message.text
    assert body["applicant"]["id_number"] not in message.text


def test_a_county_text_is_used_for_its_cases(api, now):
    MessageTemplate.objects.create(code="receive", county_id=FUFENG, name="收件", text="扶风收件{number}")
    number = api("famen_clerk").post("cases", intake(make_item("promised"))).json()["number"]
    assert Message.objects.get(case__number=number, template="receive").text == f"扶风收件{number}"
