"""The demo cases: varied states and lights at 法门镇, two at 天度镇, and a second load changes nothing."""

from bianmin.cases import demo as demo_cases
from bianmin.cases.clock import current_calendar, overdue_receipt, warning_of
from bianmin.cases.models import Case, Event
from bianmin.proxy import demo_cases as demo_proxy_cases


def test_demo_cases_cover_the_lights_and_states_and_load_once(demo):
    demo_cases.load()
    demo_proxy_cases.load()
    cases = list(Case.objects.select_related("center__region", "item"))
    calendar = current_calendar()
    lights = {warning_of(c, calendar=calendar).color for c in cases}
    states = {c.state for c in cases}
    assert {"green", "yellow", "red"} <= lights
    assert {"received", "supplement_requested", "accepted", "suspended", "escalated", "completed",
            "delivered", "refused"} <= states  # fmt: skip
    assert any(overdue_receipt(c, calendar=calendar) for c in cases)
    assert sum(c.center.region_id == "610324100000" for c in cases) == 2
    assert Event.objects.filter(action="request_extension").count() == 1
    # 法门村's agent has one case at home, one on the road and one at the township.
    proxied = {c.number: c for c in cases if c.channel == "proxy"}
    assert len(proxied) == 3 and {c.state for c in proxied.values()} == {"received", "accepted"}
    assert Event.objects.filter(action="handover_up").count() == 2
    count, events = len(cases), Event.objects.count()
    demo_cases.load()
    demo_proxy_cases.load()
    assert Case.objects.count() == count and Event.objects.count() == events
