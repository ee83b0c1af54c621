"""办件查询: a clerk finds a walk-in's case without its number, only in scope, masked, in constant queries."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from bianmin.cases.models import Case

from .helpers import TIANDU, receive


def found(client, query: str) -> set[str]:
    response = client.get(f"/cases/search/?{query}")
    assert response.status_code == 200, response.content[:500]
    return {row["case"].number for row in response.context["rows"]}


def test_a_clerk_finds_a_case_by_name_and_phone_tail(signed_in, now):
    mine = receive(n=1, name="王桂英")
    other = receive(n=2, name="李建国")
    clerk = signed_in("famen_clerk")
    assert found(clerk, "name=王桂英") == {mine.number}
    assert found(clerk, "name=王桂英&phone_tail=5678") == {mine.number}
    assert found(clerk, "name=王桂英&phone_tail=0000") == set()
    tail = Case.objects.get(pk=other.pk).applicant_id_number[-4:]
    assert other.number in found(clerk, f"id_tail={tail}")
    assert found(clerk, f"number={mine.number}") == {mine.number}


def test_the_results_show_masked_numbers_only(signed_in, now):
    case = receive(n=1, name="王桂英")
    page = signed_in("famen_clerk").get("/cases/search/?name=王桂英").content.decode()
    assert case.number in page and "138****5678" in page
    assert case.applicant_id_number not in page and "13812345678" not in page


def test_the_search_stays_in_the_callers_scope(signed_in, now):
    receive(f"MZ05004-{TIANDU}", clerk="tiandu_clerk", n=9, name="王桂英")
    assert found(signed_in("famen_clerk"), "name=王桂英") == set()
    assert len(found(signed_in("tiandu_clerk"), "name=王桂英")) == 1


def test_a_wrong_tail_is_a_field_error_not_a_search(signed_in, now):
    response = signed_in("famen_clerk").get("/cases/search/?phone_tail=12")
    assert response.status_code == 200 and response.context["form"].errors["phone_tail"]


def test_the_queue_links_to_the_search(signed_in, now):
    assert 'href="/cases/search/"' in signed_in("famen_clerk").get("/cases/queue/to-decide/").content.decode()


def test_the_results_run_the_same_number_of_queries_for_3_or_20_cases(
    signed_in, now, django_assert_max_num_queries
):
    for i in range(3):
        receive("joint" if i % 2 else "promised", n=i, name="王桂英")
    client = signed_in("famen_clerk")
    client.get("/cases/search/?name=王桂英")
    with CaptureQueriesContext(connection) as few:
        assert len(client.get("/cases/search/?name=王桂英").context["rows"]) == 3
    for i in range(3, 20):
        receive("joint" if i % 2 else "promised", n=i, name="王桂英")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get("/cases/search/?name=王桂英").context["rows"]) == 20
