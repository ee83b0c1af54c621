"""The scope selector through /api/v1/staff: each person sees the people of their own patch, and no more."""

import factories
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bianmin.accounts.models import Role, User
from bianmin.accounts.scope import scope_of
from bianmin.regions.demo import center_code
from bianmin.regions.models import Center, Region

FAMEN, TIANDU = "610324106000", "610324100000"
COUNTY_PEOPLE = {
    "fufeng_supervisor",
    "fufeng_approver",
    "famen_clerk",
    "tiandu_clerk",
    "famen_director",
    "famen_minzheng",
    "famen_renshe",
    "famen_agent",
    "tiandu_agent",
}


def staff_seen_by(api, username, query=""):
    response = api(username).get(f"staff?page_size=200{query}")
    assert response.status_code == 200, response.content
    return {person["username"] for person in response.json()["results"]}


def test_famen_clerk_sees_famen_people_and_none_of_tiandu(api):
    seen = staff_seen_by(api, "famen_clerk")

    assert {"famen_clerk", "famen_director", "famen_minzheng", "famen_renshe", "famen_agent"} <= seen
    assert not seen & {"tiandu_clerk", "tiandu_agent"}


def test_famen_clerk_cannot_ask_for_tiandu_center_by_code(api):
    response = api("famen_clerk").get(f"staff?center={center_code(TIANDU)}")

    # 404, exactly as for a center that does not exist: never reveal what lies outside the scope.
    assert response.status_code == 404
    assert response.json() == api("famen_clerk").get("staff?center=NOSUCHCENTER").json()


def test_famen_clerk_can_filter_by_own_center(api):
    seen = staff_seen_by(api, "famen_clerk", f"&center={center_code(FAMEN)}")
    assert seen == {"famen_clerk", "famen_director"}


def test_tiandu_clerk_sees_none_of_famen(api):
    seen = staff_seen_by(api, "tiandu_clerk")
    assert "tiandu_clerk" in seen and "tiandu_agent" in seen
    assert not {u for u in seen if u.startswith("famen_")}


def test_supervisor_sees_the_whole_county(api):
    assert staff_seen_by(api, "fufeng_supervisor") == COUNTY_PEOPLE


def test_supervisor_may_filter_by_any_township_center(api):
    seen = staff_seen_by(api, "fufeng_supervisor", f"&center={center_code(TIANDU)}")
    assert seen == {"tiandu_clerk"}


def test_agent_sees_only_their_village(api):
    assert staff_seen_by(api, "famen_agent") == {"famen_agent"}
    assert api("famen_agent").get(f"staff?center={center_code(FAMEN)}").status_code == 404


def test_township_approver_sees_own_center_not_another_township(api):
    seen = staff_seen_by(api, "famen_minzheng")
    assert {"famen_minzheng", "famen_clerk", "famen_director"} <= seen
    assert not seen & {"tiandu_clerk", "tiandu_agent", "fufeng_supervisor"}


def test_county_approver_sees_own_department_but_no_township_window(api):
    seen = staff_seen_by(api, "fufeng_approver")
    assert "fufeng_approver" in seen
    assert not seen & {"famen_clerk", "tiandu_clerk", "famen_director", "famen_minzheng"}


def test_admin_sees_everyone(api):
    assert staff_seen_by(api, "admin") >= COUNTY_PEOPLE | {"admin"}


def test_a_citizen_account_sees_no_staff(api):
    factories.user("citizen_zhang")
    response = api("citizen_zhang").get("staff")
    assert response.status_code == 200
    assert response.json() == {"count": 0, "results": []}


def test_a_post_that_was_ended_no_longer_counts(api):
    User.objects.get(username="famen_director").posts.update(is_active=False)
    assert "famen_director" not in staff_seen_by(api, "famen_clerk")


def test_scope_tells_where_a_clerk_may_act(demo):
    famen_center = Center.objects.get(code=center_code(FAMEN))
    tiandu_center = Center.objects.get(code=center_code(TIANDU))
    scope = scope_of(User.objects.get(username="famen_clerk"))

    assert scope.acts_in_center(famen_center)
    assert not scope.acts_in_center(tiandu_center)
    assert scope.sees_region_code("610324106200")
    assert not scope.sees_region_code("610324100200")
    assert tiandu_center not in scope.centers()
    assert not scope.departments().filter(region__code=TIANDU).exists()


def test_scope_of_the_supervisor_covers_every_township(demo):
    scope = scope_of(User.objects.get(username="fufeng_supervisor"))
    townships = Center.objects.filter(level="township")
    assert set(scope.centers().filter(level="township")) == set(townships)
    assert not scope.acts_in_center(townships.first())


def test_scope_is_computed_once_per_request_user(demo, django_assert_num_queries):
    user = User.objects.get(username="famen_clerk")
    with django_assert_num_queries(1):
        scope_of(user)
        scope_of(user)


def _staff_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("staff?page_size=200").status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("viewer", ["famen_clerk", "fufeng_supervisor"])
def test_staff_list_queries_stay_constant_as_staff_grows(api, viewer, django_assert_max_num_queries):
    client = api(viewer)
    _staff_queries(client)  # the first call stamps last_used_at on the token
    before = _staff_queries(client)

    famen = Region.objects.get(code=FAMEN)
    famen_center = Center.objects.get(code=center_code(FAMEN))
    for i in range(15):
        factories.clerk(famen_center)
        factories.agent(factories.village(famen, number=600 + i))
        factories.staff(Role.APPROVER, department=famen_center.departments.first())

    with django_assert_max_num_queries(before):
        count = client.get("staff?page_size=200").json()["count"]
    assert count >= 45
