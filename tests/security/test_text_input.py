"""A lone surrogate or a control character anywhere in a request body is refused at the door (422 / form
error), so nothing stored can later break a page with a 500."""

from cases.factories import intake, make_item
from django.test import Client

from bianmin.cases.models import Case


def test_a_lone_surrogate_in_an_answer_is_a_422_naming_the_field(api, now):
    body = intake(make_item("promised"))
    body["answers"]["reason"] = "\ud83d"
    r = api("famen_clerk").post("cases", body)
    assert r.status_code == 422, r.content
    assert list(r.json()["error"]["fields"]) == ["answers.reason"]
    assert not Case.objects.exists()


def test_control_characters_anywhere_in_a_json_body_are_refused_with_their_path(api, now):
    item = make_item("promised")
    clerk = api("famen_clerk")
    body = intake(item)
    body["materials"][0]["reason"] = "缺\x07页"
    r = clerk.post("cases", body)
    assert r.status_code == 422 and "materials.0.reason" in r.json()["error"]["fields"]
    assert clerk.post("cases", {**intake(item), "answers": {"reas\x00on": "x"}}).status_code == 422
    r = api().post("auth/token", {"username": "famen_clerk\x1b", "password": "x"})
    assert r.status_code == 422 and "username" in r.json()["error"]["fields"]


def test_tabs_and_line_breaks_in_free_text_are_kept(api, now):
    body = intake(make_item("promised"))
    body["answers"]["reason"] = "因病致贫\r\n\t长期卧床"
    assert api("famen_clerk").post("cases", body).status_code == 201


def test_a_form_post_with_control_characters_gets_an_error_page_not_a_500(demo, now):
    browser = Client(raise_request_exception=False)
    assert browser.login(username="famen_clerk", password="Demo@2026")
    r = browser.post("/cases/new/", {"name": "张\x08三", "address": "法门村\x00"})
    assert r.status_code == 400
    assert "无法识别的字符" in r.content.decode()
    assert not Case.objects.exists()


def test_a_multipart_field_with_a_control_character_is_a_422(api, now):
    clerk = api("famen_clerk")
    number = clerk.post("cases", intake(make_item("promised"))).json()["number"]
    r = clerk.client.post(f"/api/v1/cases/{number}/files", {"material": "1\x00"}, headers=clerk.headers)
    assert r.status_code == 422 and "material" in r.json()["error"]["fields"]
