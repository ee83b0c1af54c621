"""A joint department's approver deciding another department's task is refused as forbidden (403), not 409."""

from cases.factories import MZ, RS, intake, make_item


def _accepted_joint(api):
    clerk = api("famen_clerk")
    number = clerk.post("cases", intake(make_item("joint"))).json()["number"]
    assert clerk.post(f"cases/{number}/actions/accept", {}).status_code == 200
    return number


def test_renshe_approving_minzhengs_task_is_403_and_changes_nothing(api, now):
    number = _accepted_joint(api)
    renshe = api("famen_renshe")
    before = renshe.get(f"cases/{number}").json()
    r = renshe.post(f"cases/{number}/actions/approve", {"department": MZ})
    assert r.status_code == 403, r.content
    r = renshe.post(f"cases/{number}/actions/deny", {"department": MZ, "reason": "不符合"})
    assert r.status_code == 403, r.content
    after = renshe.get(f"cases/{number}").json()
    assert after["tasks"] == before["tasks"] and after["version"] == before["version"]


def test_renshe_still_decides_its_own_task_named_or_not(api, now):
    number = _accepted_joint(api)
    r = api("famen_renshe").post(f"cases/{number}/actions/approve", {"department": RS})
    assert r.status_code == 200, r.content
    assert (
        api("famen_renshe").post(f"cases/{number}/actions/approve", {}).status_code == 409
    )  # already decided


def test_a_department_without_a_task_is_a_422(api, now):
    number = _accepted_joint(api)
    r = api("famen_renshe").post(f"cases/{number}/actions/approve", {"department": "NOPE"})
    assert r.status_code == 422 and "department" in r.json()["error"]["fields"]
