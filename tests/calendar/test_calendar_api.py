"""GET /api/v1/calendar/deadline and /days/{date}: answers, every bad input, constant query counts."""

import pytest

pytestmark = pytest.mark.django_db


def deadline(client, start, days, **extra):
    params = {"start": start, "days": days, **extra}
    return client.get("/api/v1/calendar/deadline", params)


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        ("2025-09-30", 5, "2025-10-14"),  # 10/1–8 off, 10/11 (Sat) make-up counts
        ("2026-04-30", 5, "2026-05-11"),  # 5/1–5 off, 5/9 (Sat) make-up counts
        ("2025-12-31", 1, "2026-01-04"),  # 1/1–3 off, 1/4 (Sun) make-up
        ("2026-02-13", 1, "2026-02-14"),  # 2/14 (Sat) make-up before 春节
        ("2026-03-02", 0, "2026-03-02"),  # instant: the acceptance day itself
    ],
)
def test_deadline_counts_working_days_per_the_notices(client, now, start, days, expected):
    response = deadline(client, start, days)
    assert response.status_code == 200
    assert response.json() == {
        "start": start,
        "days": days,
        "deadline": expected,
        "confirmed": True,
        "region": None,
    }


def test_deadline_reaching_into_2027_is_unconfirmed(client, now):
    body = deadline(client, "2026-12-25", 10).json()
    assert body["deadline"] == "2027-01-11"  # 2027-01-01 is off by the fixed-date fallback
    assert body["confirmed"] is False


def test_deadline_inside_2026_is_confirmed(client, now):
    assert deadline(client, "2026-12-01", 5).json()["confirmed"] is True


def test_day_reports_holiday_with_its_name(client, now):
    body = client.get("/api/v1/calendar/days/2026-10-05").json()
    assert body == {
        "date": "2026-10-05",
        "workday": False,
        "name": "国庆节",
        "confirmed": True,
        "region": None,
    }


def test_day_reports_weekend_make_up_as_workday(client, now):
    body = client.get("/api/v1/calendar/days/2026-10-10").json()
    assert (body["workday"], body["name"], body["confirmed"]) == (True, "国庆节调休", True)


def test_day_reports_ordinary_weekend_and_weekday(client, now):
    assert client.get("/api/v1/calendar/days/2026-03-07").json()["workday"] is False
    body = client.get("/api/v1/calendar/days/2026-03-02").json()
    assert (body["workday"], body["name"]) == (True, None)


def test_day_in_an_unpublished_year_is_unconfirmed(client, now):
    body = client.get("/api/v1/calendar/days/2027-10-02").json()
    assert (body["workday"], body["name"], body["confirmed"]) == (False, "国庆节", False)


def assert_422(response, field):
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert field in error["fields"], error
    return error["fields"][field]


@pytest.mark.parametrize("days", ["-1", "366", "abc", "1.5", "", "１", "9" * 5000, "1e3"])
def test_bad_days_is_422(client, now, days):
    assert_422(deadline(client, "2026-03-02", days), "days")


@pytest.mark.parametrize("start", ["2026-02-30", "2026/03/02", "20260302", "2026-W10-1", "x", "", "2026-3-2"])
def test_malformed_start_is_422(client, now, start):
    assert "YYYY-MM-DD" in assert_422(deadline(client, start, 3), "start")


@pytest.mark.parametrize("start", ["1989-12-31", "2101-01-01", "0001-01-01", "9999-12-31"])
def test_start_outside_1990_2100_is_422(client, now, start):
    assert "1990" in assert_422(deadline(client, start, 3), "start")


def test_missing_parameters_are_422(client, now):
    response = client.get("/api/v1/calendar/deadline")
    assert_422(response, "start")
    assert "days" in response.json()["error"]["fields"]


def test_deadline_beyond_2100_is_422_not_500(client, now):
    assert_422(deadline(client, "2100-12-30", 365), "days")


@pytest.mark.parametrize("day", ["2026-13-01", "2026-02-29", "garbage", "2026-10-5", "２０２６-10-05"])
def test_malformed_day_is_422(client, now, day):
    assert_422(client.get(f"/api/v1/calendar/days/{day}"), "date")


@pytest.mark.parametrize("day", ["1989-12-31", "2101-01-01"])
def test_day_outside_1990_2100_is_422(client, now, day):
    assert_422(client.get(f"/api/v1/calendar/days/{day}"), "date")


def test_bad_region_code_is_422_and_unknown_region_404(client, now):
    assert_422(client.get("/api/v1/calendar/days/2026-10-05?region=abc"), "region")
    response = client.get("/api/v1/calendar/days/2026-10-05?region=999999999999")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_api_queries_stay_constant(client, now, django_assert_max_num_queries):
    deadline(client, "2026-03-02", 5)  # warm this process's cache
    for start, days in [("2026-03-02", 5), ("2025-09-30", 365), ("2026-12-25", 10)]:
        with django_assert_max_num_queries(1):
            assert deadline(client, start, days).status_code == 200
    with django_assert_max_num_queries(1):
        assert client.get("/api/v1/calendar/days/2026-10-05").status_code == 200


def test_api_queries_with_region_stay_constant(client, demo, now, django_assert_max_num_queries):
    client.get("/api/v1/calendar/days/2026-10-05?region=610324106200")
    for day in ["2026-10-05", "2026-07-01", "2027-05-01"]:
        with django_assert_max_num_queries(2):  # the region lookup and the revision check
            assert client.get(f"/api/v1/calendar/days/{day}?region=610324106200").status_code == 200


def test_openapi_describes_the_calendar_endpoints(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/calendar/deadline" in paths
    assert "/api/v1/calendar/days/{date}" in paths
