"""The dashboards, the drill-down lists, the monthly report (Excel/PDF), the ledger and the assessment."""

import datetime as dt
import io
import re

import openpyxl
import pytest
from django.test import Client

from bianmin.cases.generate import generate
from bianmin.cases.models import Case
from bianmin.core import clock
from bianmin.stats.indicators import overdue_q

COUNTY, FAMEN, TIANDU = "610324000000", "610324106000", "610324100000"
PERIOD = "from=2026-06-01&to=2026-06-30"


@pytest.fixture
def generated(demo):
    with clock.pinned("2026-06-30T18:00:00+08:00"):
        generate(400, seed=11, batch=200)
        yield


def login(username):
    client = Client()
    assert client.login(username=username, password="Demo@2026")
    return client


def start(day):
    return dt.datetime.combine(day, dt.time.min, tzinfo=clock.SHANGHAI)


def direct(prefix):
    """June 2026 for the centers under `prefix`, counted straight off the cases."""
    cases = Case.objects.filter(center__region__code__startswith=prefix)
    lo, hi = start(dt.date(2026, 6, 1)), start(dt.date(2026, 7, 1))
    return {
        "received": cases.filter(received_at__gte=lo, received_at__lt=hi).count(),
        "completed": cases.filter(completed_at__gte=lo, completed_at__lt=hi).count(),
        "overdue_open": cases.filter(overdue_q(dt.date(2026, 6, 30))).count(),
    }


def row_numbers(html: str, key: str) -> list[int]:
    row = re.search(rf'<tr data-key="{key}">(.*?)</tr>', html, re.S).group(1)
    return [int(n) for n in re.findall(r">(\d+)</a>", row)]


def test_county_numbers_agree_across_dashboard_api_excel_and_cases(api, generated):
    supervisor = login("fufeng_supervisor")
    page = supervisor.get(f"/stats/?region={COUNTY}&{PERIOD}")
    assert page.status_code == 200
    html = page.content.decode()
    api_groups = {
        g["key"]: g
        for g in api("fufeng_supervisor")
        .get(f"stats?region={COUNTY}&{PERIOD}&group_by=region")
        .json()["groups"]
    }
    report = supervisor.get(f"/stats/report/?region={COUNTY}&month=2026-06&format=xlsx")
    assert report.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(report.content))
    sheet = book["乡镇（街道）"]
    excel = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True) if row[0]}
    for code, name in ((FAMEN, "法门镇"), (TIANDU, "天度镇")):
        truth = direct(code[:9])
        assert truth["received"] > 0
        received, completed, _on_time, overdue, *_ = row_numbers(html, code)
        assert (received, completed, overdue) == (
            truth["received"],
            truth["completed"],
            truth["overdue_open"],
        )
        g = api_groups[code]
        assert (g["received"], g["completed"], g["overdue_open"]) == tuple(truth.values())
        x = excel[name]
        assert (x[1], x[3], x[6]) == (truth["received"], truth["completed"], truth["overdue_open"])


def test_every_dashboard_number_lists_exactly_that_many_cases(generated):
    supervisor = login("fufeng_supervisor")
    html = supervisor.get(f"/stats/?region={COUNTY}&{PERIOD}").content.decode()
    links = re.findall(r'<a href="(/stats/cases/\?[^"]+)">(\d+)</a>', html)
    assert len(links) > 10
    for href, number in links:
        listed = supervisor.get(href.replace("&amp;", "&"))
        assert listed.status_code == 200
        count = int(re.search(r'id="case-count">(\d+)<', listed.content.decode()).group(1))
        assert count == int(number), href


def test_director_sees_their_township_by_department_and_staff(generated):
    director = login("famen_director")
    page = director.get(f"/stats/?{PERIOD}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "法门镇" in html and "按部门" in html and "按人员" in html
    assert director.get(f"/stats/?region={COUNTY}").status_code == 404
    assert director.get(f"/stats/?region={TIANDU}").status_code == 404
    assert director.get(f"/stats/cases/?indicator=received&region={TIANDU}").status_code == 404


def test_bad_input_on_pages(generated):
    supervisor = login("fufeng_supervisor")
    assert supervisor.get("/stats/?from=2026-07-01&to=2026-06-01").status_code == 422
    assert supervisor.get("/stats/?from=2019-01-01&to=2026-06-01").status_code == 422
    assert supervisor.get("/stats/?from=yesterday").status_code == 422
    assert supervisor.get("/stats/cases/?indicator=nonsense").status_code == 422
    assert supervisor.get("/stats/cases/?indicator=received&department=x").status_code == 422
    with clock.pinned("2026-06-30T18:00:00+08:00"):
        assert supervisor.get("/stats/report/?month=2026-08").status_code == 422
        assert supervisor.get("/stats/report/?month=June").status_code == 422
    assert login("famen_clerk").get("/stats/").status_code == 403


def test_monthly_report_pdf_and_excel_charts(generated):
    supervisor = login("fufeng_supervisor")
    with clock.pinned("2026-06-30T18:00:00+08:00"):
        xlsx = supervisor.get(f"/stats/report/?region={FAMEN}&month=2026-06&format=xlsx")
        assert b"xl/charts/chart1.xml" in xlsx.content  # a native chart, not a picture
        page = supervisor.get(f"/stats/report/?region={FAMEN}&month=2026-06")
        assert page.status_code == 200 and "按期办结率" in page.content.decode()


def test_report_pdf(generated):
    supervisor = login("fufeng_supervisor")
    with clock.pinned("2026-06-30T18:00:00+08:00"):
        pdf = supervisor.get(f"/stats/report/?region={COUNTY}&month=2026-06&format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_ledger_lists_every_case_masked(generated):
    supervisor = login("fufeng_supervisor")
    response = supervisor.get(f"/stats/ledger/?region={COUNTY}&{PERIOD}")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(min_row=3, values_only=True))
    assert len(rows) == direct("610324")["received"]
    names = {r[5] for r in rows}
    assert all("*" in n for n in names if len(n) > 1)
    numbers = {r[0] for r in rows}
    assert numbers == set(
        Case.objects.filter(
            received_at__gte=start(dt.date(2026, 6, 1)), received_at__lt=start(dt.date(2026, 7, 1))
        ).values_list("number", flat=True)
    )


def test_assessment_scopes(generated):
    with clock.pinned("2026-06-30T18:00:00+08:00"):
        director = login("famen_director").get("/stats/assessment/?month=2026-06")
        assert director.status_code == 200
        html = director.content.decode()
        assert "评分规则" in html and "famen" not in html.lower()
        clerk = login("famen_clerk").get("/stats/assessment/?month=2026-06").content.decode()
        assert clerk.count("<tr><td>") == 1  # their own row only
        xlsx = login("fufeng_supervisor").get("/stats/assessment/?month=2026-06&format=xlsx")
        assert xlsx.status_code == 200
        book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
        assert book["人员考核"].max_row > 2


def test_dashboard_query_count_is_bounded(generated, django_assert_max_num_queries):
    supervisor = login("fufeng_supervisor")
    supervisor.get("/stats/")  # session, scope warm-up
    with django_assert_max_num_queries(25):
        assert supervisor.get(f"/stats/?region={COUNTY}&{PERIOD}").status_code == 200
    with django_assert_max_num_queries(25):
        assert supervisor.get(f"/stats/cases/?indicator=received&region={COUNTY}&{PERIOD}").status_code == 200


def test_take_on_rate_per_township(demo):
    from bianmin.catalog.models import Delegation, TakeOn
    from bianmin.stats.templatetags.stats import figure

    delegated = Delegation.objects.filter(region_id=COUNTY).count()
    taken = TakeOn.objects.filter(delegation__region_id=COUNTY, region_id=FAMEN).count()
    html = login("fufeng_supervisor").get(f"/stats/?region={COUNTY}").content.decode()
    row = re.search(rf'<tr data-key="{FAMEN}">(.*?)</tr>', html, re.S).group(1)
    expected = figure(taken / delegated if delegated else None, "%")
    assert f'<td data-label="承接率">{expected}</td>' in row
    assert "承接率 = 乡镇已承接" in html  # the formula is the column's tooltip
