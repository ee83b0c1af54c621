"""The public tracking page a villager reads: the step bar, working days left, plain words, phones, no personal data."""

import pytest

from bianmin.core import clock

from .factories import intake, make_item


@pytest.fixture
def received(api, now):
    clerk = api("famen_clerk")
    return clerk.post("cases", intake(make_item("promised"))).json()  # 5 working days


def page_of(client, case):
    response = client.get(f"/track/{case['number']}/?code={case['query_code']}")
    assert response.status_code == 200, response.content
    return response.content.decode()


def accept(api, case):
    api("famen_clerk").post(f"cases/{case['number']}/actions/accept", {})


def current_step(html):
    # The step marked current carries aria-current; its label follows.
    tail = html.split('aria-current="step"', 1)[1]
    return tail.split('class="step-label">', 1)[1].split("<", 1)[0]


def test_a_received_case_is_on_the_first_step_and_the_clock_has_not_started(client, received):
    html = page_of(client, received)
    assert current_step(html) == "收件"
    assert "还没开始计时" in html and "5 个工作日内办结" in html
    assert "正在审核能不能受理" in html  # the receive event in plain words


def test_an_accepted_case_is_being_handled_with_working_days_left(api, client, received):
    accept(api, received)
    html = page_of(client, received)
    assert current_step(html) == "办理"
    assert html.count("step step-done") == 2  # 收件, 受理
    assert "还剩 <strong>5</strong> 个工作日" in html
    assert "周末和法定节假日不算" in html
    assert "从受理的第二天起" in html  # the accept event explained


def test_days_left_count_working_days_not_calendar_days(api, client, received):
    accept(api, received)  # Monday 2026-03-02 → deadline Monday 2026-03-09
    with clock.pinned("2026-03-06T10:00:00+08:00"):  # Friday: only Monday is left
        assert "还剩 <strong>1</strong> 个工作日" in page_of(client, received)
    with clock.pinned("2026-03-09T10:00:00+08:00"):
        assert "今天是承诺办结的最后一天" in page_of(client, received)
    with clock.pinned("2026-03-11T10:00:00+08:00"):
        assert "已超期 <strong>2</strong> 个工作日" in page_of(client, received)


def test_a_suspension_says_what_it_means_for_the_villager(api, client, received):
    accept(api, received)
    r = api("famen_minzheng").post(
        f"cases/{received['number']}/actions/suspend",
        {"kind": "publicity", "reason": "张秀兰家低保公示", "expected_end": "2026-04-30"},
    )
    assert r.status_code == 200, r.content
    html = page_of(client, received)
    assert "暂停计时中" in html and "不计入办理时间" in html and "（公示）" in html
    assert "张秀兰" not in html  # the staff's reason may name people; never shown


def test_a_completed_case_says_what_to_bring_to_collect_it(api, client, received):
    accept(api, received)
    r = api("famen_minzheng").post(
        f"cases/{received['number']}/actions/complete", {"outcome": "approved", "result": "批准"}
    )
    assert r.status_code == 200, r.content
    html = page_of(client, received)
    assert current_step(html) == "办结"
    assert "请来领取结果" in html and "身份证原件" in html and "受理通知书" in html
    assert "已在承诺期限内办结" in html


def test_the_center_phone_is_a_tap_to_call_link(client, received):
    html = page_of(client, received)
    assert 'href="tel:0917-55' in html and "拨打咨询电话" in html


def test_a_refused_case_stops_the_bar_where_it_ended(api, client, received):
    r = api("famen_clerk").post(
        f"cases/{received['number']}/actions/refuse", {"reason": "不属于本中心受理范围"}
    )
    assert r.status_code == 200, r.content
    html = page_of(client, received)
    assert "step step-stopped" in html and "不予受理" in html and "行政复议" in html
    assert "还剩" not in html and "不属于本中心受理范围" not in html


def test_every_public_step_is_explained_in_plain_words():
    from bianmin.cases.actions.registry import EVENT_LABELS, REGISTRY
    from bianmin.cases.tracking import INTERNAL_ACTIONS, PLAIN_WORDS

    public = (set(REGISTRY) | set(EVENT_LABELS)) - INTERNAL_ACTIONS
    assert public <= set(PLAIN_WORDS), public - set(PLAIN_WORDS)


def test_a_supplement_request_tells_the_villager_to_bring_the_missing_papers(api, client, received):
    from bianmin.cases.models import Case

    from .factories import material_id

    item = Case.objects.get(number=received["number"]).item
    r = api("famen_clerk").post(
        f"cases/{received['number']}/actions/request_supplement",
        {"missing": [{"material": material_id(item, "户口簿"), "reason": "未提供户口簿原件"}]},
    )
    assert r.status_code == 200, r.content
    html = page_of(client, received)
    assert current_step(html) == "收件"
    assert "请补交材料" in html and "《补正材料通知书》" in html and "补齐之前不计算办理时间" in html
    assert "未提供户口簿原件" not in html  # the staff's wording stays on the notice, not the public page
