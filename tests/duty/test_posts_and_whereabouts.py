"""The director sets each post's A holder and B backup and the sign-in rules; everyone records their
whereabouts, the director for their people; bad input is 422 with a Chinese reason and nothing stored."""

from bianmin.accounts.models import User
from bianmin.duty.models import DutyPost, DutySettings, Whereabouts
from bianmin.regions.models import Center

FAMEN, TIANDU = "610324106000", "610324100000"


def center(region):
    return Center.objects.get(region_id=region, level="township")


def test_the_director_assigns_a_and_b_and_a_cannot_back_up_themselves(signed_in):
    director = signed_in("famen_director")
    code = center(FAMEN).code
    post = DutyPost.objects.get(department__code=f"{FAMEN}RS")
    renshe, minzheng = User.objects.get(username="famen_renshe"), User.objects.get(username="famen_minzheng")
    r = director.post(
        f"/duty/centers/{code}/posts/", {f"p{post.pk}_a": renshe.pk, f"p{post.pk}_b": renshe.pk}
    )
    assert r.status_code == 422 and "不能是同一人" in r.content.decode()
    stranger = User.objects.get(username="tiandu_clerk")
    r = director.post(
        f"/duty/centers/{code}/posts/", {f"p{post.pk}_a": renshe.pk, f"p{post.pk}_b": stranger.pk}
    )
    assert r.status_code == 422 and "不在本中心" in r.content.decode()
    assert DutyPost.objects.get(pk=post.pk).backup_id is None
    # The page posts every post's pair: keep the others as they are.
    data = {}
    for p in DutyPost.objects.filter(center__in=[center(FAMEN)]) | DutyPost.objects.filter(
        center__parent=center(FAMEN)
    ):
        data[f"p{p.pk}_a"] = p.holder_id or ""
        data[f"p{p.pk}_b"] = p.backup_id or ""
    data[f"p{post.pk}_b"] = minzheng.pk
    assert director.post(f"/duty/centers/{code}/posts/", data).status_code == 302
    assert DutyPost.objects.get(pk=post.pk).backup == minzheng
    assert director.get(f"/duty/centers/{center(TIANDU).code}/posts/").status_code == 404


def test_create_posts_fills_the_missing_windows_departments_and_stations(signed_in):
    director = signed_in("famen_director")
    code = center(FAMEN).code
    before = DutyPost.objects.count()
    assert director.post(f"/duty/centers/{code}/posts/", {"action": "create"}).status_code == 302
    famen = center(FAMEN)
    assert DutyPost.objects.filter(window__center=famen).count() == famen.windows.count()
    assert DutyPost.objects.filter(department__center=famen).count() == famen.departments.count()
    assert DutyPost.objects.count() > before
    director.post(f"/duty/centers/{code}/posts/", {"action": "create"})
    assert DutyPost.objects.filter(window__center=famen).count() == famen.windows.count()  # idempotent


def test_sign_in_settings_refuse_bad_times_and_ranges(signed_in):
    director = signed_in("famen_director")
    code = center(FAMEN).code
    base = {"action": "settings", "start": "08:30", "end": "17:30", "grace": "5", "networks": "10.61.3.0/24"}
    for field, bad in (
        ("start", "25:00"),
        ("end", "07:00"),
        ("grace", "-1"),
        ("grace", "999"),
        ("networks", "10.61.3.0/99"),
    ):
        r = director.post(f"/duty/centers/{code}/posts/", {**base, field: bad})
        assert r.status_code == 422, (field, bad)
    assert DutySettings.objects.get(center=center(FAMEN)).networks == "192.0.2.0/24"
    assert director.post(f"/duty/centers/{code}/posts/", base).status_code == 302
    assert DutySettings.objects.get(center=center(FAMEN)).networks == "10.61.3.0/24"


def test_whereabouts_bad_input_is_422_and_nothing_stored(signed_in, now):
    clerk = signed_in("famen_clerk")
    assert clerk.get("/duty/whereabouts/").status_code == 200
    for data in (
        {"status": "holiday"},
        {"status": "village"},
        {"status": "village", "village": "610324100200x"},
        {"status": "meeting", "until": "yesterday"},
        {"status": "meeting", "until": "2026-03-01T10:00"},
        {"status": "meeting", "until": "2026-02-30T10:00"},
        {"status": "meeting", "until": "2026-03-02T25:00"},
        {"status": "leave", "until": "2027-12-01T10:00"},
        {"status": "meeting", "note": "长" * 101},
    ):
        r = clerk.post("/duty/whereabouts/", data)
        assert r.status_code == 422, data
    assert not Whereabouts.objects.exists()
    r = clerk.post(
        "/duty/whereabouts/", {"status": "village", "village": "610324106200", "until": "2026-03-02T16:00"}
    )
    assert r.status_code == 302
    assert "下村（法门村）" in clerk.get("/duty/whereabouts/").content.decode()


def test_the_director_records_whereabouts_only_for_their_people(signed_in, now):
    director = signed_in("famen_director")
    code = center(FAMEN).code
    minzheng, stranger = (
        User.objects.get(username="famen_minzheng"),
        User.objects.get(username="tiandu_clerk"),
    )
    assert (
        director.post(f"/duty/centers/{code}/people/", {"person": stranger.pk, "status": "leave"}).status_code
        == 404
    )
    r = director.post(
        f"/duty/centers/{code}/people/",
        {"person": minzheng.pk, "status": "leave", "until": "2026-03-04T17:30"},
    )
    assert r.status_code == 302
    page = director.get(f"/duty/centers/{code}/people/").content.decode()
    assert "请假" in page and "吴民政" in page
    assert Whereabouts.objects.get(user=minzheng).set_by.username == "famen_director"


def test_whereabouts_over_the_api(api, now):
    clerk = api("famen_clerk")
    r = clerk.post("duty/whereabouts", {"status": "meeting", "until": "2026-03-02T11:00:00+08:00"})
    assert r.status_code == 200 and r.json()["label"] == "开会"
    assert clerk.post("duty/whereabouts", {"status": "nowhere"}).status_code == 422
    assert api("fufeng_supervisor").post("duty/whereabouts", {"status": "meeting"}).status_code == 404
