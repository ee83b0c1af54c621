"""The message log: scoped (director → their center, supervisor → their subtree, admin → all), filtered,
a failed message retried, the gateway's answer shown, phones masked; a bounded number of queries."""

import pytest
from cases.factories import intake, make_item
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bianmin.accounts.models import User
from bianmin.messaging.models import Message, MessageState
from bianmin.messaging.services import deliver

LOG = "/messages/"


def page_for(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


@pytest.fixture
def famen_case(api, now):
    number = api("famen_clerk").post("cases", intake(make_item("promised"))).json()["number"]
    message = Message.objects.get(case__number=number)
    assert deliver(message.pk) == MessageState.SENT  # the outbox backend (no settings): recorded, not sent
    message.refresh_from_db()
    return message


def test_the_outbox_shows_what_it_would_have_sent_masked(famen_case):
    page = page_for("famen_director").get(LOG).content.decode()
    assert famen_case.text in page and famen_case.case.number in page
    assert famen_case.phone not in page and famen_case.phone[-4:] in page
    assert '<td data-label="状态">已发送' in page


def test_the_log_is_scoped(famen_case):
    assert famen_case.text in page_for("fufeng_supervisor").get(LOG).content.decode()
    assert famen_case.text in page_for("admin").get(LOG).content.decode()
    assert page_for("famen_clerk").get(LOG).status_code == 403
    assert page_for("famen_agent").get(LOG).status_code == 403
    tiandu = User.objects.filter(posts__role="director", posts__center__name__contains="天度").first()
    if tiandu is not None:
        assert famen_case.text not in page_for(tiandu.username).get(LOG).content.decode()


def test_filters(famen_case):
    director = page_for("famen_director")
    assert famen_case.text in director.get(LOG, {"state": "sent", "template": "receive"}).content.decode()
    assert famen_case.text not in director.get(LOG, {"state": "failed"}).content.decode()
    assert famen_case.text not in director.get(LOG, {"template": "accept"}).content.decode()
    assert famen_case.text not in director.get(LOG, {"until": "2000-01-01"}).content.decode()


def test_a_failed_message_shows_the_gateway_answer_and_is_retried(famen_case, monkeypatch):
    Message.objects.filter(pk=famen_case.pk).update(
        state=MessageState.FAILED, reason="网关答复：400 号码无效"
    )
    director = page_for("famen_director")
    page = director.get(LOG).content.decode()
    assert "网关答复：400 号码无效" in page and f"/messages/{famen_case.pk}/retry/" in page
    home = director.get("/workbench/").content.decode()
    assert 'title="发送失败">1<' in home
    queued = []
    monkeypatch.setattr("bianmin.messaging.services.enqueue", queued.append)
    # Nobody outside the scope retries it.
    assert page_for("famen_clerk").post(f"/messages/{famen_case.pk}/retry/").status_code == 403
    assert director.post(f"/messages/{famen_case.pk}/retry/").status_code == 302
    famen_case.refresh_from_db()
    assert (famen_case.state, famen_case.reason, queued) == (MessageState.QUEUED, "", [famen_case.pk])
    # A message that is not failed is not retried.
    assert director.post(f"/messages/{famen_case.pk}/retry/").status_code == 403


def test_the_case_page_lists_its_messages(famen_case):
    page = page_for("famen_clerk").get(f"/cases/{famen_case.case.number}/").content.decode()
    assert "短信记录" in page and "收件" in page and "已发送" in page


def test_the_log_list_runs_a_constant_number_of_queries(api, now, django_assert_max_num_queries):
    clerk = api("famen_clerk")
    clerk.post("cases", intake(make_item("promised")))
    director = page_for("famen_director")
    director.get(LOG)
    with CaptureQueriesContext(connection) as few:
        first = director.get(LOG)
    assert len(first.context["page"]) == 1
    most = len(few.captured_queries)
    assert most > 0
    for _ in range(5):
        clerk.post("cases", intake(make_item("promised")))
    with django_assert_max_num_queries(most):
        assert len(director.get(LOG).context["page"]) == 6
