"""The intake page before and while typing: the month's most used items, and the ID number's checks."""

from .helpers import id_number, item, receive


def test_the_empty_intake_page_shows_this_months_most_used_items(
    signed_in, now, django_assert_max_num_queries
):
    receive(n=1)
    receive(n=2)
    receive("instant", n=3)
    clerk = signed_in("famen_clerk")
    clerk.get("/cases/new/")
    with django_assert_max_num_queries(8):
        response = clerk.get("/cases/new/")
    popular = response.context["popular"]
    assert popular[0]["item__code"] == item("promised").code and popular[0]["count"] == 2
    assert f'href="?item={item("instant").code}"' in response.content.decode()


def test_an_id_number_seen_under_another_name_is_a_warning(signed_in, now):
    receive(n=1, name="王桂英")
    clerk = signed_in("famen_clerk")
    same = clerk.get("/cases/new/id-check/", {"id_number": id_number(1), "name": "王桂英"})
    assert "注意" not in same.content.decode()
    other = clerk.get("/cases/new/id-check/", {"id_number": id_number(1), "name": "王贵英"})
    assert "王桂英" in other.content.decode() and "注意" in other.content.decode()
    assert (
        "王桂英"
        not in signed_in("tiandu_clerk")
        .get("/cases/new/id-check/", {"id_number": id_number(1), "name": "王贵英"})
        .content.decode()
    )


def test_the_case_page_shows_sex_and_gives_the_birth_date_only_with_the_reveal(signed_in, api, now):
    case = receive(n=1)  # 610324 19500101 001x: born 1950-01-01, 17th digit 1 → 男
    clerk = signed_in("famen_clerk")
    page = clerk.get(f"/cases/{case.number}/").content.decode()
    # The birth date is the masked middle of the ID number: beside the mask it would give the number away.
    assert "<dd>男</dd>" in page and "1950年1月1日" not in page and "19500101" not in page
    revealed = clerk.post(f"/cases/{case.number}/reveal/", headers={"HX-Request": "true"}).content.decode()
    assert "1950年1月1日" in revealed
    answer = api("famen_clerk").get(f"cases/{case.number}").json()["applicant"]
    assert answer["birth_date"] is None and answer["sex"] == "男"


def test_the_window_accepts_and_completes_an_instant_item_in_one_step(signed_in, now):
    from bianmin.cases.models import Case

    from .helpers import intake_post

    instant = item("instant")
    clerk = signed_in("famen_clerk")
    assert "受理并办结" in clerk.get(f"/cases/new/?item={instant.code}").content.decode()
    response = clerk.post(
        f"/cases/new/?item={instant.code}",
        intake_post(instant, decision="accept_complete", result="当场出具"),
    )
    assert response.status_code == 302 and "issued=completion_notice" in response["Location"]
    case = Case.objects.get()
    assert case.state == "completed" and case.result == "当场出具"
    promised = item("promised")
    assert 'value="accept_complete"' not in clerk.get(f"/cases/new/?item={promised.code}").content.decode()


def test_the_case_page_offers_accept_and_complete_for_an_instant_item(signed_in, now):
    from bianmin.cases.models import Case

    case = receive("instant", n=1)
    clerk = signed_in("famen_clerk")
    assert "受理并办结（即办件" in clerk.get(f"/cases/{case.number}/").content.decode()
    r = clerk.post(
        f"/cases/{case.number}/actions/accept/",
        {"version": case.version, "complete": "on", "result": "当场出具"},
    )
    assert r.status_code == 302 and "issued=completion_notice" in r["Location"]
    assert Case.objects.get(pk=case.pk).state == "completed"
    promised = receive(n=2)
    assert "受理并办结（即办件" not in clerk.get(f"/cases/{promised.number}/").content.decode()
