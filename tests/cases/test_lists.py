"""GET /cases: filters, pagination, and a constant number of queries however many cases there are."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from bianmin.core import clock

from .factories import intake, make_item


def _make(clerk, director, item, count, start=0):
    numbers = []
    for i in range(start, start + count):
        number = clerk.post("cases", intake(item, n=i)).json()["number"]
        clerk.post(f"cases/{number}/actions/accept", {})
        numbers.append(number)
    return numbers


def _queries(client, path):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.json()


def test_case_list_runs_a_constant_number_of_queries(api, now):
    clerk, director = api("famen_clerk"), api("famen_director")
    item = make_item("joint")
    _make(clerk, director, item, 3)
    director.get("cases")  # warm up: the token's first use records last_used_at
    few, body = _queries(director, "cases?page_size=200")
    assert body["count"] == 3
    _make(clerk, director, item, 27, start=3)
    many, body = _queries(director, "cases?page_size=200")
    assert body["count"] == 30 and len(body["results"]) == 30
    assert many == few


def test_filters_by_state_warning_item_and_dates(api, now):
    clerk = api("famen_clerk")
    item, other = make_item("promised"), make_item("instant")
    accepted = clerk.post("cases", intake(item)).json()["number"]
    clerk.post(f"cases/{accepted}/actions/accept", {})  # deadline 3/9
    waiting = clerk.post("cases", intake(other, n=2)).json()["number"]

    def numbers(query):
        return {c["number"] for c in clerk.get(f"cases?{query}").json()["results"]}

    assert numbers("state=received") == {waiting}
    assert numbers(f"item={item.code}") == {accepted}
    assert numbers("q=张秀兰") == {accepted, waiting}
    assert numbers("received_from=2026-03-03") == set()
    assert numbers("received_to=2026-03-02") == {accepted, waiting}
    assert numbers("warning=green") == {accepted}
    with clock.pinned("2026-03-06T09:00:00+08:00"):  # Friday; deadline Monday 3/9: 1 working day left
        assert numbers("warning=yellow") == {accepted}
    with clock.pinned("2026-03-10T09:00:00+08:00"):
        assert numbers("warning=red") == {accepted}
        assert clerk.get(f"cases/{accepted}").json()["warning"] == "red"
    assert clerk.get("cases?received_from=not-a-date").status_code == 422
    assert clerk.get("cases?page_size=500").status_code == 422


def test_an_unknown_state_or_class_filter_is_a_validation_error_not_an_empty_list(api, now):
    clerk = api("famen_clerk")
    for query in ("state=bogus", "case_class=urgent"):
        response = clerk.get(f"cases?{query}")
        assert response.status_code == 422
        assert query.split("=")[0] in response.json()["error"]["fields"]
    assert clerk.get("cases?state=accepted&case_class=promised").status_code == 200


def test_the_list_filters_by_id_and_phone_tails(api, now):
    from .factories import id_number, intake, make_item

    clerk = api("famen_clerk")
    item = make_item("promised")
    first = clerk.post("cases", intake(item, n=1)).json()["number"]
    second = clerk.post("cases", intake(item, n=2, applicant={
        "kind": "person", "name": "王桂英", "id_number": id_number(2), "phone": "13900001234",
    })).json()["number"]  # fmt: skip
    numbers = lambda q: {c["number"] for c in clerk.get(f"cases?{q}").json()["results"]}  # noqa: E731
    assert numbers("phone_tail=1234") == {second}
    assert numbers(f"id_tail={id_number(1)[-4:]}") == {first}
    assert numbers("name=王桂英&phone_tail=1234") == {second}
    assert clerk.get("cases?phone_tail=12").status_code in (400, 422)
