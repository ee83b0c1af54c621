"""Concurrent writers on real connections: one of two conflicting actions wins; numbers never collide."""

import threading

import pytest
from django.db import connection

from bianmin.accounts.models import User
from bianmin.cases import services
from bianmin.cases.models import Case, Event
from tests.conftest import ApiClient, token_for

from .factories import intake, make_item

pytestmark = pytest.mark.django_db(transaction=True)


def _run_together(n, work):
    """Run work(i) in n threads released at once; each thread closes its own connection."""
    barrier, results = threading.Barrier(n), [None] * n

    def run(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - the test inspects what each thread got
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_two_clerks_accepting_at_once_exactly_one_wins(demo, now):
    tokens = [token_for("famen_clerk"), token_for("famen_clerk")]
    item = make_item("promised")
    number = ApiClient(tokens[0]).post("cases", intake(item)).json()["number"]

    statuses = _run_together(
        2, lambda i: ApiClient(tokens[i]).post(f"cases/{number}/actions/accept", {}).status_code
    )

    assert sorted(statuses) == [200, 409]
    assert Event.objects.filter(case__number=number, action="accept").count() == 1
    assert Case.objects.get(number=number).version == 2


def test_fifty_concurrent_intakes_get_fifty_gapless_numbers(demo, now):
    item = make_item("promised")
    clerk = User.objects.get(username="famen_clerk")
    bodies = [intake(item, n=i) for i in range(50)]

    def receive(i):
        body = bodies[i]
        case, _ = services.receive_case(
            clerk, item=body["item"], applicant=body["applicant"], answers=body["answers"],
            materials=body["materials"],
        )  # fmt: skip
        return case.number

    numbers = _run_together(50, receive)
    assert all(isinstance(n, str) for n in numbers), [n for n in numbers if not isinstance(n, str)][:3]
    assert len(set(numbers)) == 50
    assert sorted(int(n.rsplit("-", 1)[1]) for n in numbers) == list(range(1, 51))
    assert {n.rsplit("-", 1)[0] for n in numbers} == {"FM-20260302"}
