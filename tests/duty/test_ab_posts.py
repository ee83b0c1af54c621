"""AB岗: with 民政所's A holder (famen_minzheng) away, the B backup (famen_director) sees the queue item and
decides it, the timeline says B岗代办 and names both; with A back in post, B is refused (403)."""

import datetime as dt

from bianmin.accounts.models import User
from bianmin.cases.models import Case, Event
from bianmin.core import clock
from bianmin.duty import services
from bianmin.duty.models import Status
from tests.cases.factories import intake, make_item


def _accepted(api):
    clerk = api("famen_clerk")
    number = clerk.post("cases", intake(make_item("promised"))).json()["number"]
    assert clerk.post(f"cases/{number}/actions/accept", {}).status_code == 200
    return number


def _away(username, status=Status.LEAVE):
    person = User.objects.get(username=username)
    services.set_whereabouts(person, person, status, until=clock.now() + dt.timedelta(hours=4))


def _back(username):
    person = User.objects.get(username=username)
    services.set_whereabouts(person, person, Status.IN_POST)


def test_b_acts_for_an_away_a_and_the_timeline_says_b_gang_daiban(api, now):
    number = _accepted(api)
    director = api("famen_director")
    # A in post: the backup may read the case but not decide it.
    r = director.post(f"cases/{number}/actions/complete", {"outcome": "approved"})
    assert r.status_code == 403, r.content
    _away("famen_minzheng")
    case = director.get(f"cases/{number}").json()
    assert "complete" in case["allowed_actions"]
    r = director.post(f"cases/{number}/actions/complete", {"outcome": "approved"})
    assert r.status_code == 200, r.content
    event = Event.objects.get(case__number=number, action="complete")
    assert event.actor.username == "famen_director"
    assert event.data["for"] == "famen_minzheng" and event.role == "approver"
    labels = [e["label"] for e in director.get(f"cases/{number}").json()["events"]]
    assert any("B岗代办" in label for label in labels)


def test_b_is_refused_once_a_is_back_in_post(api, now):
    first, second = _accepted(api), _accepted(api)
    _away("famen_minzheng", Status.MEETING)
    director = api("famen_director")
    assert director.post(f"cases/{first}/actions/complete", {"outcome": "approved"}).status_code == 200
    _back("famen_minzheng")
    r = api("famen_director").post(f"cases/{second}/actions/complete", {"outcome": "approved"})
    assert r.status_code == 403
    assert Case.objects.get(number=second).state == "accepted"
    assert not Event.objects.filter(case__number=second, action="complete").exists()


def test_signing_out_makes_a_away_and_someone_not_the_backup_gets_nothing(api, now, signed_in):
    number = _accepted(api)
    minzheng = User.objects.get(username="famen_minzheng")
    from bianmin.duty.models import Attendance

    Attendance.objects.create(
        user=minzheng, center_id=minzheng.posts.get().department.center_id, day=clock.today(),
        signed_in_at=clock.now(), in_method="qr", signed_out_at=clock.now(), out_method="qr",
    )  # fmt: skip
    # famen_renshe backs nobody up: A being away changes nothing for them (404: not theirs to see).
    assert (
        api("famen_renshe").post(f"cases/{number}/actions/complete", {"outcome": "approved"}).status_code
        == 404
    )
    assert (
        api("famen_director").post(f"cases/{number}/actions/complete", {"outcome": "approved"}).status_code
        == 200
    )


def test_the_backup_sees_a_b_gang_queue_only_while_a_is_away_and_decides_from_the_case_page(
    api, now, signed_in
):
    number = _accepted(api)
    page = signed_in("famen_director")
    assert page.get("/cases/queue/standin/").status_code == 404
    _away("famen_minzheng")
    page = signed_in("famen_director")
    queue = page.get("/cases/queue/standin/")
    assert queue.status_code == 200
    assert number in {row["case"].number for row in queue.context["rows"]}
    assert "B岗代办" in page.get("/workbench/").content.decode()
    case_page = page.get(f"/cases/{number}/")
    assert case_page.status_code == 200
    assert "complete" in case_page.context["actions"] or "办结" in case_page.content.decode()


def test_on_the_case_page_b_decides_for_away_a_and_is_refused_once_a_is_back(api, now, signed_in):
    first, second = _accepted(api), _accepted(api)
    _away("famen_minzheng", Status.LEAVE)
    page = signed_in("famen_director")
    version = Case.objects.get(number=first).version
    r = page.post(f"/cases/{first}/actions/complete/", {"outcome": "approved", "version": version})
    assert r.status_code == 302, r.content[:300]
    timeline = page.get(f"/cases/{first}/").content.decode()
    assert "B岗代办" in timeline
    _back("famen_minzheng")
    page = signed_in("famen_director")
    version = Case.objects.get(number=second).version
    r = page.post(f"/cases/{second}/actions/complete/", {"outcome": "approved", "version": version})
    assert r.status_code == 403
    assert Case.objects.get(number=second).state == "accepted"


def test_the_backup_is_told_when_a_leaves_the_post(demo, now):
    from bianmin.messaging.models import Notice

    _away("famen_minzheng", Status.MEETING)
    notice = Notice.objects.get(recipient__username="famen_director", kind="standin")
    assert "吴民政" in notice.title and "B岗代办" in notice.title and notice.link == "/cases/queue/standin/"
    assert not Notice.objects.filter(kind="standin").exclude(recipient__username="famen_director").exists()
