"""The director's month roster: a grid of posts by days, weekends and holidays from the calendar, one post a
day per person, out-of-scope centers 404, invalid months 422; the proxy page reads the agents' weekly duty."""

import datetime as dt

from bianmin.accounts.models import Post, Role, User
from bianmin.duty.models import DutyPost, RosterEntry
from bianmin.regions.models import Center

FAMEN, TIANDU = "610324106000", "610324100000"


def center(region):
    return Center.objects.get(region_id=region, level="township")


def test_the_month_grid_greys_weekends_and_holidays_and_fill_puts_a_on_working_days(signed_in, now):
    director = signed_in("famen_director")
    code = center(FAMEN).code
    page = director.get(f"/duty/centers/{code}/roster/2026-10/")
    assert page.status_code == 200
    rest = {row["day"].date for row in page.context["grid"] if not row["day"].workday}
    assert dt.date(2026, 10, 1) in rest and dt.date(2026, 10, 4) in rest  # 国庆节, a Sunday
    assert dt.date(2026, 10, 12) not in rest
    assert "国庆" in page.content.decode()
    r = director.post(f"/duty/centers/{code}/roster/2026-10/", {"fill": "1"})
    assert r.status_code == 302
    minzheng_post = DutyPost.objects.get(department__code=f"{FAMEN}MZ")
    days = set(
        RosterEntry.objects.filter(post=minzheng_post, day__month=10, day__year=2026).values_list(
            "day", flat=True
        )
    )
    assert (
        dt.date(2026, 10, 12) in days
        and dt.date(2026, 10, 1) not in days
        and dt.date(2026, 10, 4) not in days
    )
    assert all(
        e.user_id == minzheng_post.holder_id
        for e in RosterEntry.objects.filter(post=minzheng_post, day__month=10)
    )
    # The station's agent goes on their weekly days only (Monday and Thursday for famen_agent).
    station = DutyPost.objects.get(kind="station", holder__username="famen_agent")
    weekdays = {
        d.weekday()
        for d in RosterEntry.objects.filter(post=station, day__month=10, day__year=2026).values_list(
            "day", flat=True
        )
    }
    assert weekdays == {0, 3}


def test_one_person_twice_on_a_day_is_422_and_nothing_changes(signed_in, now):
    director = signed_in("famen_director")
    code = center(FAMEN).code
    director.post(f"/duty/centers/{code}/roster/2026-10/", {"fill": "1"})
    before = set(
        RosterEntry.objects.filter(day__month=10, day__year=2026).values_list("post_id", "user_id", "day")
    )
    posts = list(DutyPost.objects.filter(center=center(FAMEN)).order_by("pk"))
    clerk = User.objects.get(username="famen_clerk")
    data = {f"p{posts[0].pk}_12": clerk.pk, f"p{posts[1].pk}_12": clerk.pk}
    r = director.post(f"/duty/centers/{code}/roster/2026-10/", data)
    assert r.status_code == 422 and "同一人" in r.content.decode()
    stranger = User.objects.get(username="tiandu_clerk")
    r = director.post(f"/duty/centers/{code}/roster/2026-10/", {f"p{posts[0].pk}_12": stranger.pk})
    assert r.status_code == 422 and "不在本中心" in r.content.decode()
    for junk in ("abc", "²", "9" * 30):
        r = director.post(f"/duty/centers/{code}/roster/2026-10/", {f"p{posts[0].pk}_12": junk})
        assert r.status_code == 422, junk
    after = set(
        RosterEntry.objects.filter(day__month=10, day__year=2026).values_list("post_id", "user_id", "day")
    )
    assert after == before


def test_a_saved_grid_replaces_the_month(signed_in, now):
    director = signed_in("famen_director")
    code = center(FAMEN).code
    post = DutyPost.objects.get(department__code=f"{FAMEN}RS")
    renshe = User.objects.get(username="famen_renshe")
    r = director.post(f"/duty/centers/{code}/roster/2026-10/", {f"p{post.pk}_13": renshe.pk})
    assert r.status_code == 302
    assert list(
        RosterEntry.objects.filter(day__month=10, day__year=2026).values_list("post_id", "user_id", "day")
    ) == [(post.pk, renshe.pk, dt.date(2026, 10, 13))]


def test_other_townships_rosters_are_404_and_bad_months_422(signed_in):
    famen_code, tiandu_code = center(FAMEN).code, center(TIANDU).code
    director = signed_in("famen_director")
    assert director.get(f"/duty/centers/{tiandu_code}/roster/2026-10/").status_code == 404
    assert director.post(f"/duty/centers/{tiandu_code}/roster/2026-10/", {"fill": "1"}).status_code == 404
    assert director.get(f"/duty/centers/{tiandu_code}/people/").status_code == 404
    for month in ("2026-13", "x", "2026", "0-1", "99999-01"):
        assert director.get(f"/duty/centers/{famen_code}/roster/{month}/").status_code == 422, month
    # tiandu staff: not a director (403 page), and a famen roster is never theirs.
    assert signed_in("tiandu_clerk").get(f"/duty/centers/{famen_code}/roster/2026-10/").status_code == 403
    assert signed_in("tiandu_clerk").get(f"/duty/centers/{famen_code}/qr/").status_code == 404
    assert signed_in("famen_clerk").get(f"/duty/centers/{famen_code}/people/").status_code == 403
    # 天度镇's director: every famen duty page is 404, as if it did not exist; their own answers.
    tiandu_director = User.objects.create_user(username="tiandu_director", name="天度主任")
    Post.objects.create(user=tiandu_director, role=Role.DIRECTOR, center=center(TIANDU))
    other = signed_in("tiandu_director")
    for page in ("roster/2026-10/", "people/", "posts/", "qr/"):
        assert other.get(f"/duty/centers/{famen_code}/{page}").status_code == 404, page
    assert other.post(f"/duty/centers/{famen_code}/roster/2026-10/", {"fill": "1"}).status_code == 404
    assert other.get(f"/duty/centers/{tiandu_code}/roster/2026-10/").status_code == 200


def test_a_month_that_has_ended_is_not_rewritten(signed_in, now):
    director = signed_in("famen_director")
    code = center(FAMEN).code
    before = RosterEntry.objects.filter(day__year=2026, day__month=2).count()
    r = director.post(f"/duty/centers/{code}/roster/2026-02/", {"fill": "1"})
    assert r.status_code == 422 and "已经过去的月份" in r.content.decode()
    assert RosterEntry.objects.filter(day__year=2026, day__month=2).count() == before
    assert director.get(f"/duty/centers/{code}/roster/2026-02/").status_code == 200


def test_the_roster_page_runs_a_bounded_number_of_queries(signed_in, now, django_assert_max_num_queries):
    director = signed_in("famen_director")
    code = center(FAMEN).code
    director.post(f"/duty/centers/{code}/roster/2026-10/", {"fill": "1"})
    with django_assert_max_num_queries(16):
        assert director.get(f"/duty/centers/{code}/roster/2026-10/").status_code == 200
    with django_assert_max_num_queries(20):
        assert director.get(f"/duty/centers/{code}/people/").status_code == 200


def test_the_agent_home_shows_the_weekly_duty_from_the_roster(signed_in):
    page = signed_in("famen_agent").get("/proxy/")
    text = page.content.decode()
    assert page.status_code == 200 and "值班安排" in text and "法门村便民服务站（逢集）" in text
