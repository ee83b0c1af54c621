"""Orders and cards over the API: answer, accept, return, manual issue, appeal — and every refusal."""

import pytest

from bianmin.accounts.models import Role
from bianmin.cases.models import Event
from bianmin.core import clock
from bianmin.supervision.models import Card, Order
from tests.factories import staff

from .conftest import accepted_case, sweep_on

pytestmark = pytest.mark.django_db
AT = "2026-10-12T10:00:00+08:00"


@pytest.fixture
def carded(api):
    """A promised case overdue on 10/11: one yellow card and one open order on famen_minzheng."""
    case = accepted_case(api)
    sweep_on("2026-10-11", times=1)
    return case["number"], Order.objects.get(subject_ref=case["number"])


def test_listing_is_scoped(api, carded):
    number, order = carded
    with clock.pinned(AT):
        for who, expected in [("fufeng_supervisor", 1), ("famen_minzheng", 1), ("famen_director", 1),
                              ("famen_renshe", 0), ("tiandu_clerk", 0), ("famen_agent", 0)]:  # fmt: skip
            body = api(who).get("supervision/orders").json()
            assert body["count"] == expected, who
        shown = api("fufeng_supervisor").get("supervision/orders").json()["results"][0]
        assert shown["subject"] == {"kind": "case", "ref": number}
        assert shown["state"] == "open" and shown["card"] == "yellow" and shown["reply_due"] == "2026-10-13"
        assert api("famen_renshe").get(f"supervision/orders/{order.number}").status_code == 404
        cards = api("famen_minzheng").get("supervision/cards").json()
        assert cards["count"] == 1 and cards["results"][0]["color"] == "yellow"
        assert cards["results"][0]["state"] == "standing"


def test_answer_accept_and_return_with_events_on_the_case(api, carded):
    number, order = carded
    with clock.pinned(AT):
        r = api("famen_minzheng").post(
            f"supervision/orders/{order.number}/answer", {"text": "已办结，原因是材料核查"}
        )
        assert r.status_code == 200, r.content
        assert r.json()["state"] == "answered" and r.json()["answered_on_time"] is True
        r = api("fufeng_supervisor").post(
            f"supervision/orders/{order.number}/return", {"reason": "未说明整改措施"}
        )
        assert r.json()["state"] == "returned" and r.json()["returns"] == 1
        assert r.json()["reply_due"] == "2026-10-14"
        r = api("famen_minzheng").post(
            f"supervision/orders/{order.number}/answer", {"text": "已建立台账，每日核对"}
        )
        r = api("fufeng_supervisor").post(f"supervision/orders/{order.number}/accept")
        assert r.status_code == 200 and r.json()["state"] == "closed"
    actions = list(Event.objects.filter(case__number=number).values_list("action", flat=True))
    assert [a for a in actions if a.startswith("supervision")] == [
        "supervision_order", "supervision_answer", "supervision_returned", "supervision_answer", "supervision_closed",
    ]  # fmt: skip
    # The case page names them.
    client = api("famen_minzheng").client
    client.login(username="famen_minzheng", password="Demo@2026")
    with clock.pinned(AT):
        page = client.get(f"/cases/{number}/").content.decode()
    assert "督办单下发" in page and "督办回告" in page


def test_refusals(api, carded):
    number, order = carded
    url = f"supervision/orders/{order.number}"
    with clock.pinned(AT):
        # Someone else's order: not visible → 404, nothing stored.
        assert api("tiandu_clerk").post(f"{url}/answer", {"text": "x"}).status_code == 404
        # Empty answer → 422.
        r = api("famen_minzheng").post(f"{url}/answer", {"text": "  "})
        assert r.status_code == 422 and "text" in r.json()["error"]["fields"]
        # Review before any answer → 409; the recipient cannot accept their own answer (403 after answering).
        assert api("fufeng_supervisor").post(f"{url}/accept").status_code == 409
        assert api("famen_minzheng").post(f"{url}/answer", {"text": "已办"}).status_code == 200
        assert api("famen_minzheng").post(f"{url}/accept").status_code == 403
        assert api("fufeng_supervisor").post(f"{url}/accept").status_code == 200
        # Answering a closed order → 409.
        assert api("famen_minzheng").post(f"{url}/answer", {"text": "再说一遍"}).status_code == 409
    assert Order.objects.get(pk=order.pk).entries.filter(action="answered").count() == 1


def test_manual_order_bad_fields(api, carded):
    number, _ = carded
    sup = api("fufeng_supervisor")
    with clock.pinned(AT):
        before = Order.objects.count()
        r = sup.post("supervision/orders", {"reason": "窗口推诿", "reply_due": "2026-10-20"})
        assert r.status_code == 422 and "subject.ref" in r.json()["error"]["fields"]
        r = sup.post("supervision/orders", {"subject": {"kind": "case", "ref": number}, "reason": "催办"})
        assert r.status_code == 422 and "reply_due" in r.json()["error"]["fields"]
        r = sup.post("supervision/orders", {"subject": {"kind": "case", "ref": number}, "reason": "催办",
                                            "reply_due": "2026-10-01"})  # fmt: skip
        assert r.status_code == 422 and r.json()["error"]["fields"]["reply_due"] == "回告期限不能早于今天"
        r = sup.post("supervision/orders", {"subject": {"kind": "planet", "ref": "x"}, "reason": "催办",
                                            "reply_due": "2026-10-20"})  # fmt: skip
        assert r.status_code == 422
        r = sup.post("supervision/orders", {"subject": {"kind": "case", "ref": "NO-SUCH"}, "reason": "催办",
                                            "reply_due": "2026-10-20"})  # fmt: skip
        assert r.status_code == 422
        assert api("famen_clerk").post("supervision/orders", {"subject": {"kind": "case", "ref": number},
                                       "reason": "x", "reply_due": "2026-10-20"}).status_code == 403  # fmt: skip
        assert Order.objects.count() == before
        r = sup.post("supervision/orders", {"subject": {"kind": "department", "ref": "610324106000RS"},
                                            "reason": "会签拖延", "reply_due": "2026-10-20"})  # fmt: skip
        assert r.status_code == 201, r.content
        assert r.json()["issued_by"] and r.json()["department"] and r.json()["card"] == "none"
        assert api("famen_renshe").get("supervision/orders?mine=1").json()["count"] == 1


def test_appeal_once_within_the_period_decided_by_the_supervisor(api, carded):
    _, order = carded
    card = Card.objects.get(order=order)
    url = f"supervision/cards/{card.pk}"
    with clock.pinned(AT):
        assert api("tiandu_clerk").post(f"{url}/appeal", {"reason": "x"}).status_code == 404
        assert api("famen_minzheng").post(f"{url}/appeal", {"reason": ""}).status_code == 422
        r = api("famen_minzheng").post(f"{url}/appeal", {"reason": "申请人要求暂缓，有书面材料"})
        assert r.status_code == 200 and r.json()["state"] == "appealed"
        assert api("famen_minzheng").post(f"{url}/appeal", {"reason": "再申诉"}).status_code == 409
        assert (
            api("famen_minzheng").post(f"{url}/decide", {"decision": "withdrawn", "reason": "x"}).status_code
            == 403
        )
        r = api("fufeng_supervisor").post(f"{url}/decide", {"decision": "upheld", "reason": "理由不成立"})
        assert r.status_code == 200 and r.json()["state"] == "upheld"
        assert (
            api("fufeng_supervisor").post(f"{url}/decide", {"decision": "upheld", "reason": "x"}).status_code
            == 409
        )


def test_appeal_after_the_deadline_is_refused(api, carded):
    _, order = carded
    card = Card.objects.get(order=order)
    with clock.pinned("2026-10-30T10:00:00+08:00"):  # more than 5 working days after 10/11
        r = api("famen_minzheng").post(f"supervision/cards/{card.pk}/appeal", {"reason": "迟到的申诉"})
    assert r.status_code == 409
    assert Card.objects.get(pk=card.pk).state == "standing"


def test_order_list_query_count_does_not_grow(api, carded, django_assert_max_num_queries):
    sup = api("fufeng_supervisor")
    with clock.pinned(AT):
        for i in range(3):
            sup.post("supervision/orders", {"subject": {"kind": "department", "ref": "610324106000RS"},
                                            "reason": f"催办{i}", "reply_due": "2026-10-20"})  # fmt: skip
        sup.get("supervision/orders")  # warm the token
        with django_assert_max_num_queries(8):
            assert sup.get("supervision/orders").json()["count"] == 4
        with django_assert_max_num_queries(8):
            assert sup.get("supervision/cards").json()["count"] == 1


def test_a_supervisor_elsewhere_sees_nothing(api, carded):
    other = staff(Role.SUPERVISOR, "other_sup", region_id="610324100000")  # 天度镇 only
    with clock.pinned(AT):
        client = api()
        client.headers = {}
        from tests.conftest import token_for

        client.headers = {"Authorization": f"Bearer {token_for(other.username)}"}
        assert client.get("supervision/orders").json()["count"] == 0
