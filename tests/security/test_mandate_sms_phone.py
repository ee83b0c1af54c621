"""The mandate's SMS code goes only to the applicant's recorded phone, never to a number the agent types."""

from proxy.factories import make_item, proxy_intake, register

from bianmin.messaging.models import Message


def _body(item, **extra):
    id_number = proxy_intake(item)["applicant"]["id_number"]
    return {
        "villager_name": "张秀兰",
        "villager_id_number": id_number,
        "entrusted": "代办",
        "method": "sms",
        **extra,
    }


def test_a_code_to_another_phone_is_refused_and_nothing_is_sent(api, now, django_capture_on_commit_callbacks):
    agent = api("famen_agent")
    item = make_item("promised")
    number = register(agent, item)
    with django_capture_on_commit_callbacks(execute=True):
        r = agent.post(f"proxy/cases/{number}/mandate", _body(item, phone="13900001111"))
    assert r.status_code == 422 and "phone" in r.json()["error"]["fields"]
    assert not Message.objects.filter(case__number=number, template="mandate_code").exists()


def test_the_recorded_phone_spelt_with_spaces_still_gets_the_code(
    api, now, django_capture_on_commit_callbacks
):
    agent = api("famen_agent")
    item = make_item("promised")
    number = register(agent, item)
    with django_capture_on_commit_callbacks(execute=True):
        r = agent.post(f"proxy/cases/{number}/mandate", _body(item, phone="138 1234 5678"))
    assert r.status_code == 201, r.content
    assert Message.objects.get(case__number=number, template="mandate_code").phone == "13812345678"
