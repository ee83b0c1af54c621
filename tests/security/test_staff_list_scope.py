"""GET /api/v1/staff is scoped like everything else: no approver lists the county's agents, an agent lists
only themselves."""

import factories

from bianmin.accounts.models import Post, Role

AGENTS = {"famen_agent", "tiandu_agent"}


def staff_seen_by(api, username):
    response = api(username).get("staff?page_size=200")
    assert response.status_code == 200, response.content
    return {person["username"] for person in response.json()["results"]}


def test_the_county_approver_sees_no_agent(api):
    seen = staff_seen_by(api, "fufeng_approver")
    assert "fufeng_approver" in seen and not seen & AGENTS


def test_a_township_approver_sees_their_center_and_department_but_no_agent(api):
    seen = staff_seen_by(api, "famen_minzheng")
    assert {"famen_minzheng", "famen_clerk", "famen_director"} <= seen
    assert not seen & AGENTS


def test_an_agent_sees_only_themselves_even_beside_another_agent_of_the_village(api):
    village = Post.objects.get(user__username="famen_agent", role=Role.AGENT).region
    factories.agent(village, "famen_agent_2")
    assert staff_seen_by(api, "famen_agent") == {"famen_agent"}


def test_the_township_clerk_and_the_supervisor_still_see_the_agents(api):
    assert "famen_agent" in staff_seen_by(api, "famen_clerk")
    assert AGENTS <= staff_seen_by(api, "fufeng_supervisor")
