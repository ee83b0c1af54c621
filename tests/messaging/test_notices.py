"""Staff notices (站内消息): a handover addressed to me shows on the bell and in my list, nobody else's."""

import pytest
from django.test import Client

from bianmin.accounts.models import User
from bianmin.messaging.models import Notice
from tests.proxy.factories import hand_up, make_item, register


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def page_for(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_a_handover_sent_by_famen_agent_shows_up_for_famen_clerk_only(api, now):
    agent = api("famen_agent")
    number = register(agent, make_item("promised"))
    handover = hand_up(agent, number)

    famen = page_for("famen_clerk")
    home = famen.get("/workbench/").content.decode()
    assert 'class="badge">1<' in home
    notices = famen.get("/notices/").content.decode()
    assert f"No.{handover['id']}" in notices and "【未读】" in notices

    tiandu = page_for("tiandu_clerk")
    assert 'class="badge"' not in tiandu.get("/workbench/").content.decode()
    assert "暂无消息" in tiandu.get("/notices/").content.decode()
    mine = Notice.objects.get(recipient__username="famen_clerk")
    # Someone else's notice is not found, not "forbidden".
    assert tiandu.post(f"/notices/{mine.pk}/read/").status_code == 404

    r = famen.post(f"/notices/{mine.pk}/read/")
    assert r.status_code == 302 and r["Location"] == f"/proxy/handovers/{handover['id']}/"
    assert 'class="badge"' not in famen.get("/workbench/").content.decode()


def test_mark_all_read(api, now):
    agent = api("famen_agent")
    hand_up(agent, register(agent, make_item("promised")))
    hand_up(agent, register(agent, make_item("promised")))
    famen = page_for("famen_clerk")
    assert 'class="badge">2<' in famen.get("/notices/").content.decode()
    assert famen.post("/notices/read-all/").status_code == 302
    assert not Notice.objects.filter(recipient__username="famen_clerk", read_at=None).exists()


def test_the_bell_is_one_count_query(api, now, django_assert_num_queries):
    from django.template import Context, Template

    clerk = User.objects.get(username="famen_clerk")
    from bianmin.messaging.context_processors import notices

    request = type("R", (), {"user": clerk})()
    with django_assert_num_queries(1):
        Template("{{ unread_notices }}").render(Context(notices(request)))


def test_a_return_handover_notifies_its_agent(api, now):
    from tests.proxy.factories import completed_at_township

    agent, clerk = api("famen_agent"), api("famen_clerk")
    number = completed_at_township(agent, clerk, api("famen_minzheng"), make_item("promised"))
    r = clerk.post("handovers", {"direction": "down", "cases": [number], "agent": "famen_agent"})
    assert r.status_code == 201, r.content
    notice = Notice.objects.get(recipient__username="famen_agent")
    assert notice.kind == "result_back" and f"No.{r.json()['id']}" in notice.title
    assert not Notice.objects.filter(recipient__username="tiandu_agent").exists()
