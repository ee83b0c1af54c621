"""The yellow threshold is the county's own: the light, the API's warning filter and the due-soon queue agree."""

from bianmin.accounts.models import User
from bianmin.cases.clock import warning_of
from bianmin.cases.models import Case
from bianmin.cases.queues import BY_KEY, queue_cases
from bianmin.core import clock
from bianmin.regions.models import CountySettings, Region

from .factories import intake, make_item

FUFENG = "610324000000"


def test_a_county_threshold_of_three_makes_two_days_left_yellow_everywhere(api, now):
    clerk, minzheng = api("famen_clerk"), api("famen_minzheng")
    number = clerk.post("cases", intake(make_item("promised"))).json()["number"]
    clerk.post(f"cases/{number}/actions/accept", {})  # deadline Monday 3/9
    CountySettings.objects.create(county=Region.objects.get(code=FUFENG), yellow_threshold_days=3)
    with clock.pinned("2026-03-05T09:00:00+08:00"):  # Thursday: 2 working days left
        case = Case.objects.get(number=number)
        assert warning_of(case).color == "yellow"
        assert clerk.get(f"cases/{number}").json()["warning"] == "yellow"
        listed = clerk.get("cases?warning=yellow").json()["results"]
        assert [c["number"] for c in listed] == [number]
        assert clerk.get("cases?warning=green").json()["results"] == []
        approver = User.objects.get(username="famen_minzheng")
        assert [c.number for c in queue_cases(approver, BY_KEY["due-soon"])] == [number]
        assert minzheng.get(f"cases/{number}").json()["warning"] == "yellow"


def test_another_countys_threshold_leaves_this_county_on_the_default(api, now):
    clerk = api("famen_clerk")
    number = clerk.post("cases", intake(make_item("promised"))).json()["number"]
    clerk.post(f"cases/{number}/actions/accept", {})
    other = Region.objects.create(code="610323000000", name="岐山县", level=4, parent_id="610300000000")
    CountySettings.objects.create(county=other, yellow_threshold_days=3)
    with clock.pinned("2026-03-05T09:00:00+08:00"):
        assert clerk.get(f"cases/{number}").json()["warning"] == "green"
        assert [c["number"] for c in clerk.get("cases?warning=green").json()["results"]] == [number]
        assert clerk.get("cases?warning=yellow").json()["results"] == []
