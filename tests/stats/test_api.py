"""GET /api/v1/stats: API.md's keys, numbers equal to counts over the cases, scope, bad input."""

import datetime as dt

import pytest

from bianmin.cases.generate import generate
from bianmin.cases.models import Case, Event
from bianmin.core import clock
from bianmin.stats.indicators import overdue_q

COUNTY, FAMEN, TIANDU = "610324000000", "610324106000", "610324100000"
KEYS = {
    "region", "from", "to", "received", "accepted", "completed", "completed_on_time", "on_time_rate",
    "refused", "instant_share", "online_share", "proxy_count", "overdue_open", "ratings",
}  # fmt: skip


def start(day):
    return dt.datetime.combine(day, dt.time.min, tzinfo=clock.SHANGHAI)


def direct(prefix, a, b):
    """The same figures counted straight off the cases, with none of the stats code."""
    cases = Case.objects.filter(center__region__code__startswith=prefix)
    lo, hi = start(a), start(b + dt.timedelta(days=1))
    completed = cases.filter(completed_at__gte=lo, completed_at__lt=hi)
    return {
        "received": cases.filter(received_at__gte=lo, received_at__lt=hi).count(),
        "accepted": cases.filter(accepted_at__gte=lo, accepted_at__lt=hi).count(),
        "completed": completed.count(),
        "completed_on_time": completed.filter(completed_on_time=True).count(),
        "refused": Event.objects.filter(case__in=cases, action="refuse", at__gte=lo, at__lt=hi).count(),
        "proxy_count": cases.filter(received_at__gte=lo, received_at__lt=hi, channel="proxy").count(),
        "overdue_open": cases.filter(overdue_q(min(b, clock.today()))).count(),
    }


@pytest.fixture
def generated(demo):
    with clock.pinned("2026-06-30T18:00:00+08:00"):
        generate(400, seed=7, batch=200)
        yield


def test_stats_keys_and_numbers_match_the_cases(api, generated):
    supervisor = api("fufeng_supervisor")
    a, b = dt.date(2024, 7, 1), dt.date(2026, 6, 30)
    r = supervisor.get(f"stats?region={COUNTY}&from={a}&to={b}")
    assert r.status_code == 200, r.content
    body = r.json()
    assert KEYS <= body.keys()
    assert set(body["ratings"]) == {"count", "satisfaction_rate", "bad", "bad_rectified", "callback_rate"}
    expected = direct("610324", a, b)
    assert expected["received"] > 100 and expected["completed"] > 50 and expected["overdue_open"] > 0
    assert {k: body[k] for k in expected} == expected
    assert body["on_time_rate"] == pytest.approx(expected["completed_on_time"] / expected["completed"])
    # by township: each township's numbers are its own count, and they add up to the county's
    r = supervisor.get(f"stats?region={COUNTY}&from={a}&to={b}&group_by=region&level=township")
    groups = {g["key"]: g for g in r.json()["groups"]}
    assert {FAMEN, TIANDU} <= set(groups)
    for code in (FAMEN, TIANDU):
        mine = direct(code[:9], a, b)
        assert {k: groups[code][k] for k in mine} == mine
    assert sum(g["received"] for g in groups.values()) == body["received"]


@pytest.mark.parametrize("group_by", ["center", "department", "item", "channel", "staff", "day", "month"])
def test_every_split_adds_up_to_the_total(api, generated, group_by):
    r = api("fufeng_supervisor").get(
        f"stats?region={COUNTY}&from=2024-07-01&to=2026-06-30&group_by={group_by}"
    )
    assert r.status_code == 200, r.content
    body = r.json()
    for key in ("received", "completed", "completed_on_time", "refused", "proxy_count"):
        assert sum(g[key] for g in body["groups"]) == body[key], key


def test_village_level(api, generated):
    r = api("fufeng_supervisor").get(
        f"stats?region={FAMEN}&from=2024-07-01&to=2026-06-30&group_by=region&level=village"
    )
    assert r.status_code == 200, r.content
    assert sum(g["received"] for g in r.json()["groups"]) == r.json()["received"]


def test_scope(api, generated):
    director = api("famen_director")
    assert director.get(f"stats?region={FAMEN}").status_code == 200
    assert director.get("stats").json()["region"] == FAMEN
    # a township director sees neither the county nor the other township: 404, as if it did not exist
    assert director.get(f"stats?region={COUNTY}").status_code == 404
    assert director.get(f"stats?region={TIANDU}").status_code == 404
    assert api("fufeng_supervisor").get("stats?region=999999000000").status_code == 404
    assert api("famen_clerk").get(f"stats?region={FAMEN}").status_code == 403
    assert api().get(f"stats?region={FAMEN}").status_code == 401


@pytest.mark.parametrize(
    "params, field",
    [
        ("group_by=weekday", "group_by"),
        ("group_by=region&level=street", "level"),
        ("group_by=center&level=village", "level"),
        ("from=2026-05-01&to=2026-04-01", "from"),
        ("from=2020-01-01&to=2026-01-01", "to"),
        ("from=9999-12-01&to=9999-12-31", "from"),
        ("from=0001-01-01&to=0001-01-02", "from"),
    ],
)
def test_bad_input_is_422_with_the_field(api, demo, params, field):
    r = api("fufeng_supervisor").get(f"stats?region={COUNTY}&{params}")
    assert r.status_code == 422, r.content
    assert field in r.json()["error"]["fields"]


def test_bad_dates_are_422(api, demo):
    assert api("fufeng_supervisor").get(f"stats?region={COUNTY}&from=2026-13-01").status_code == 422


def test_query_count_is_bounded(api, generated, django_assert_max_num_queries):
    supervisor = api("fufeng_supervisor")
    for group_by in ("", "&group_by=region", "&group_by=staff", "&group_by=item"):
        with django_assert_max_num_queries(14):
            assert supervisor.get(f"stats?region={COUNTY}{group_by}").status_code == 200


def test_no_query_string_reaches_a_server_error(api, demo):
    """Random values for every parameter, as the supervisor (who gets past the role check): 2xx or 4xx."""
    from urllib.parse import urlencode

    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    supervisor = api("fufeng_supervisor")
    text = st.text(max_size=14)
    dates = st.one_of(text, st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)).map(str))

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        st.fixed_dictionaries(
            {},
            optional={
                "region": st.one_of(text, st.sampled_from([COUNTY, FAMEN, "610324106001"])),
                "from": dates,
                "to": dates,
                "group_by": st.one_of(text, st.sampled_from(["region", "staff", "month", "day"])),
                "level": st.one_of(text, st.sampled_from(["township", "village"])),
            },
        )
    )
    def check(params):
        r = supervisor.get("stats?" + urlencode(params))
        assert r.status_code < 500, (params, r.content)

    check()


def test_drill_down_refuses_digit_like_characters_without_a_500(client, demo):
    assert client.login(username="famen_director", password="Demo@2026")
    for department in ("²", "١٢", "abc"):
        response = client.get("/stats/cases/", {"indicator": "received", "department": department})
        assert response.status_code == 422, department
