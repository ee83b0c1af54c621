"""Public tracking: number + query code, no personal data, a wrong code looks like an unknown number, throttled."""

import pytest

from bianmin.cases.tracking import ADDRESS_LIMIT

from .factories import intake, make_item


@pytest.fixture
def accepted(api, now):
    clerk = api("famen_clerk")
    case = clerk.post("cases", intake(make_item("promised"))).json()
    clerk.post(f"cases/{case['number']}/actions/accept", {})
    clerk.get(f"cases/{case['number']}?reveal=1")
    return case


def test_tracking_shows_progress_without_personal_data(api, accepted):
    r = api().get(f"track/{accepted['number']}?code={accepted['query_code']}")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["state"] == "accepted" and body["state_label"] == "已受理"
    assert body["deadline"] == "2026-03-09" and body["received_at"] == "2026-03-02T09:15:00+08:00"
    assert [e["label"] for e in body["events"]] == ["收件", "受理"]  # the reveal is staff-only
    raw = r.content.decode()
    for secret in ("张秀兰", "13812345678", "138****5678", "6103241980", "孙受理", "法门村三组"):
        assert secret not in raw
    assert "query_code" not in body and "applicant" not in body


def test_wrong_code_answers_exactly_like_an_unknown_number(api, accepted):
    anonymous = api()
    wrong = "000000" if accepted["query_code"] != "000000" else "111111"
    bad_code = anonymous.get(f"track/{accepted['number']}?code={wrong}")
    unknown = anonymous.get(f"track/FM-20990101-0001?code={accepted['query_code']}")
    no_code = anonymous.get(f"track/{accepted['number']}")
    assert bad_code.status_code == unknown.status_code == no_code.status_code == 404
    assert bad_code.json() == unknown.json() == no_code.json()


def test_guessing_codes_is_throttled(api, accepted):
    anonymous = api()
    for guess in range(ADDRESS_LIMIT):
        assert anonymous.get(f"track/{accepted['number']}?code={guess:06d}x").status_code == 404
    blocked = anonymous.get(f"track/{accepted['number']}?code={accepted['query_code']}")
    assert blocked.status_code == 429 and blocked.json()["error"]["code"] == "too_many_requests"


def test_tracking_page_fits_a_phone_and_hides_personal_data(client, accepted):
    page = client.get(f"/track/{accepted['number']}/?code={accepted['query_code']}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "已受理" in html and accepted["number"] in html and "2026年3月9日" in html
    assert 'name="viewport"' in html
    assert "张秀兰" not in html and "13812345678" not in html
    wrong = client.get(f"/track/{accepted['number']}/?code=999999x")
    assert wrong.status_code == 404 and "张秀兰" not in wrong.content.decode()
    assert client.get(f"/track/{accepted['number']}/").status_code == 200  # the code form


def test_a_code_in_chinese_characters_is_just_a_wrong_code(api, client, accepted):
    from urllib.parse import quote

    code = quote("中文码")
    response = api().get(f"track/{accepted['number']}?code={code}")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert client.get(f"/track/{accepted['number']}/?code={code}").status_code == 404
