"""AB岗: A who comes back early from a leave "until tomorrow" and signs in is in post again; the B backup is
refused (403) and nothing is written on the case."""

from bianmin.accounts.models import User
from bianmin.cases.models import Case, Event
from bianmin.core import clock
from bianmin.duty.services import presence
from tests.cases.factories import intake, make_item

INSIDE = "192.0.2.17"  # the demo network of 法门镇


def _accepted(api):
    clerk = api("famen_clerk")
    number = clerk.post("cases", intake(make_item("promised"))).json()["number"]
    assert clerk.post(f"cases/{number}/actions/accept", {}).status_code == 200
    return number


def _sign(api, username, what):
    who = api(username)
    return who.client.post(
        f"/api/v1/duty/{what}", {}, content_type="application/json", headers=who.headers, REMOTE_ADDR=INSIDE
    )


def _complete(api, number):
    return api("famen_director").post(f"cases/{number}/actions/complete", {"outcome": "approved"})


def _untouched(number):
    assert Case.objects.get(number=number).state == "accepted"
    assert not Event.objects.filter(case__number=number, action="complete").exists()


def test_signing_in_the_next_morning_ends_a_leave_until_the_afternoon(api, now):
    first, second = _accepted(api), _accepted(api)
    minzheng = api("famen_minzheng")
    r = minzheng.post(
        "duty/whereabouts", {"status": "leave", "note": "年假", "until": "2026-03-03T17:00:00+08:00"}
    )
    assert r.status_code == 200, r.content
    assert _complete(api, first).status_code == 200  # A away: B may act
    with clock.pinned("2026-03-03T08:30:00+08:00"):
        assert _sign(api, "famen_minzheng", "sign-in").status_code == 200
        person = User.objects.get(username="famen_minzheng")
        assert not presence([person.pk])[person.pk].away
        r = _complete(api, second)
        assert r.status_code == 403, r.content
    _untouched(second)


def test_signing_in_again_after_a_leave_set_the_same_day_ends_it(api, now):
    number = _accepted(api)
    with clock.pinned("2026-03-02T08:20:00+08:00"):
        assert _sign(api, "famen_minzheng", "sign-in").status_code == 200
    with clock.pinned("2026-03-02T10:00:00+08:00"):
        r = api("famen_minzheng").post(
            "duty/whereabouts", {"status": "leave", "until": "2026-03-04T17:00:00+08:00"}
        )
        assert r.status_code == 200, r.content
    with clock.pinned("2026-03-02T11:00:00+08:00"):
        assert _sign(api, "famen_minzheng", "sign-out").status_code == 200
    with clock.pinned("2026-03-02T14:00:00+08:00"):
        assert _sign(api, "famen_minzheng", "sign-in").status_code == 200
        assert _complete(api, number).status_code == 403
    _untouched(number)


def test_a_leave_set_after_the_sign_in_still_lets_b_act(api, now):
    number = _accepted(api)
    with clock.pinned("2026-03-02T08:20:00+08:00"):
        assert _sign(api, "famen_minzheng", "sign-in").status_code == 200
    with clock.pinned("2026-03-02T10:00:00+08:00"):
        r = api("famen_minzheng").post(
            "duty/whereabouts", {"status": "leave", "until": "2026-03-03T17:00:00+08:00"}
        )
        assert r.status_code == 200, r.content
        assert _complete(api, number).status_code == 200
