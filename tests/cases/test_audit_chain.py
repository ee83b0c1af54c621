"""The timeline's hash chain and daily anchors: the demo verifies; an edit or a removal by hand is named."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bianmin.cases import demo as demo_cases
from bianmin.cases.audit import verify
from bianmin.cases.chain import GENESIS
from bianmin.cases.models import AuditAnchor, Case, Event, chain_events
from bianmin.core import clock


@pytest.fixture
def demo_with_cases(demo):
    demo_cases.load()


def _busy_case() -> Case:
    """A demo case with at least three events, so one can be changed in the middle."""
    for case in Case.objects.order_by("id"):
        if case.events.count() >= 3:
            return case
    raise AssertionError("the demo has no case with three events")


def _raw(sql, *params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_demo_timeline_verifies_and_every_event_is_chained(demo_with_cases):
    call_command("verify_audit", verbosity=0)
    for case in Case.objects.all():
        events = list(case.events.order_by("id"))
        assert events[0].prev_hash == GENESIS
        assert all(
            later.prev_hash == earlier.hash for earlier, later in zip(events, events[1:], strict=False)
        )


def test_editing_a_note_with_raw_sql_names_the_case_and_event(demo_with_cases):
    case = _busy_case()
    event = case.events.order_by("id")[1]
    _raw("UPDATE cases_event SET note = %s WHERE id = %s", "改过的意见", event.id)
    with pytest.raises(CommandError, match=rf"办件 {case.number}，事件 {event.id}"):
        call_command("verify_audit", verbosity=0)
    # Other cases still verify on their own.
    other = Case.objects.exclude(pk=case.pk).first()
    call_command("verify_audit", case=other.number, verbosity=0)


def test_deleting_an_event_with_raw_sql_names_the_case(demo_with_cases):
    case = _busy_case()
    first, second, *_ = case.events.order_by("id")
    _raw("DELETE FROM cases_event WHERE id = %s", first.id)
    report = verify()
    assert [(b.case_number, b.event_id) for b in report.breaks] == [(case.number, second.id)]
    with pytest.raises(CommandError, match=case.number):
        call_command("verify_audit", case=case.number, verbosity=0)


def test_deleting_a_case_last_event_is_caught_by_the_anchor(demo_with_cases):
    call_command("anchor_audit", date=clock.today(), verbosity=0)
    call_command("verify_audit", verbosity=0)
    case = _busy_case()
    last = case.events.order_by("-id").first()
    _raw("DELETE FROM cases_event WHERE id = %s", last.id)
    report = verify()
    assert len(report.breaks) == 1 and "日锚不符" in report.breaks[0].reason
    with pytest.raises(CommandError):
        call_command("verify_audit", county="610324000000", verbosity=0)


def test_anchors_chain_per_county_and_repeating_a_day_changes_nothing(demo_with_cases):
    today = clock.today()
    from datetime import timedelta

    call_command("anchor_audit", date=today - timedelta(days=1), verbosity=0)
    call_command("anchor_audit", date=today, verbosity=0)
    call_command("anchor_audit", date=today, verbosity=0)
    first, second = AuditAnchor.objects.order_by("day")
    assert first.prev_hash == GENESIS and second.prev_hash == first.hash
    assert second.heads_count == Case.objects.count()
    with pytest.raises(CommandError, match="只能向后延伸"):
        call_command("anchor_audit", date=today - timedelta(days=5), verbosity=0)
    call_command("verify_audit", verbosity=0)


def test_an_event_costs_one_indexed_head_query(demo_with_cases):
    case = _busy_case()
    head = case.events.order_by("-id").first()
    with CaptureQueriesContext(connection) as queries:
        event = Event.objects.create(case=case, at=clock.now(), action="note", note="补记")
    assert len(queries) == 2  # the head, then the insert
    assert "ORDER BY" in queries[0]["sql"] and event.prev_hash == head.hash
    call_command("verify_audit", case=case.number, verbosity=0)


def test_bulk_created_events_are_chained_in_list_order(demo_with_cases):
    case = _busy_case()
    now = clock.now()
    Event.objects.bulk_create([Event(case=case, at=now, action="note", note=str(n)) for n in range(3)])
    prepared = chain_events([Event(case=case, at=now, action="note", note="x")])
    assert prepared[0].prev_hash == case.events.order_by("-id").first().hash
    call_command("verify_audit", case=case.number, verbosity=0)


def test_events_stay_append_only():
    with pytest.raises(TypeError):
        Event.objects.all().update(note="x")


def test_verifying_an_unknown_case_says_so(demo):
    with pytest.raises(CommandError, match="没有编号为 XX-1 的办件"):
        call_command("verify_audit", case="XX-1", verbosity=0)


# --- the head an action holds: no second read, and a fork refused -------------------------------------


def test_an_action_chains_after_the_timeline_it_locked_without_reading_the_head_again(api, now):
    from .factories import intake, make_item

    clerk = api("famen_clerk")
    number = clerk.post("cases", intake(make_item("promised"))).json()["number"]
    with CaptureQueriesContext(connection) as queries:
        assert clerk.post(f"cases/{number}/actions/accept", {}).status_code == 200
    assert not [q for q in queries if "ORDER BY e.id DESC" in q["sql"]]  # chain_head()'s read
    events = list(Case.objects.get(number=number).events.order_by("id"))
    assert [e.action for e in events] == ["receive", "accept"]
    assert events[0].prev_hash == GENESIS and events[1].prev_hash == events[0].hash
    call_command("verify_audit", verbosity=0)


def test_two_events_never_follow_the_same_hash(api, now):
    from django.db import IntegrityError, transaction

    from bianmin.accounts.models import User
    from bianmin.cases.actions.base import lock, release

    from .factories import intake, make_item

    clerk = api("famen_clerk")
    number = clerk.post("cases", intake(make_item("promised"))).json()["number"]
    user = User.objects.get(username="famen_clerk")
    with pytest.raises(IntegrityError), transaction.atomic():
        held = lock(user, number)  # holds the head it read under the lock …
        other = Case.objects.get(number=number)  # … while a path with its own copy appends one
        Event.objects.create(
            case=other, at=clock.now(), action="note", from_state="received", to_state="received"
        )
        # The held head is stale now: appending after it would fork the chain, and the index refuses it.
        Event.objects.create(
            case=held, at=clock.now(), action="note", from_state="received", to_state="received"
        )
    release(held)
    assert Case.objects.get(number=number).events.count() == 1
    call_command("verify_audit", verbosity=0)
