"""六公开 on the public center page and the open-data files: no full name, ID number or phone (scanned),
citizens' names masked (张*兰), staff by work name and post; stable URLs, bad months 422."""

import csv
import io
import json
import re

from django.test import Client

from bianmin.accounts.models import User
from bianmin.cases.models import Case
from bianmin.core import clock
from bianmin.duty import services
from bianmin.duty.models import Status
from bianmin.regions.models import Center
from tests.cases.factories import id_number, intake, make_item

FAMEN = "610324106000"
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


def _completed(api, n, name):
    clerk = api("famen_clerk")
    body = intake(make_item("promised"), n=n)
    body["applicant"]["name"] = name
    number = clerk.post("cases", body).json()["number"]
    clerk.post(f"cases/{number}/actions/accept", {})
    assert (
        api("famen_minzheng").post(f"cases/{number}/actions/complete", {"outcome": "approved"}).status_code
        == 200
    )
    return number


def _personal_data():
    """Everything personal the demo and these cases hold: applicants' and staff's phones and ID numbers."""
    phones = set(User.objects.exclude(phone="").values_list("phone", flat=True))
    phones |= set(Case.objects.values_list("applicant_phone", flat=True))
    ids = set(Case.objects.exclude(applicant_id_number="").values_list("applicant_id_number", flat=True))
    names = set(Case.objects.values_list("applicant_name", flat=True))
    return phones, ids, names


def _scan(text: str, phones, ids, names):
    assert not MOBILE.search(text), MOBILE.search(text).group()
    assert not ID_NUMBER.search(text), ID_NUMBER.search(text).group()
    for value in phones | ids | names:
        assert value not in text, value


def test_the_public_center_page_discloses_the_six_and_nothing_personal(
    api, now, django_assert_max_num_queries
):
    _completed(api, 1, "张秀兰")
    _completed(api, 2, "欧阳春花")
    minzheng = User.objects.get(username="famen_minzheng")
    services.set_whereabouts(minzheng, minzheng, Status.MEETING, until=clock.now().replace(hour=11))
    center = Center.objects.get(region_id=FAMEN, level="township")
    with django_assert_max_num_queries(15):  # 14 + the month’s 好差评 figures (rating_summary)
        page = Client().get(f"/centers/{center.code}/")
    assert page.status_code == 200
    text = page.content.decode()
    # 六公开: items with basis, time limits and fees; staff, posts, whereabouts; supervision phone; results.
    for words in ("临时救助申请", "法定", "承诺", "不收费", "吴民政", "民政所", "开会", "监督电话", center.supervision_phone,
                  "办结公示", "张*兰", "欧**花", "准予"):  # fmt: skip
        assert words in text, words
    _scan(text, *_personal_data())


def test_open_data_files_are_aggregates_without_personal_data(api, now):
    _completed(api, 1, "张秀兰")
    center = Center.objects.get(region_id=FAMEN, level="township")
    client = Client()
    index = client.get("/open-data/")
    assert index.status_code == 200
    listing = client.get("/open-data/index.json").json()
    entry = next(c for c in listing["centers"] if c["code"] == center.code)
    assert entry["months"]["2026-03"]["csv"] == f"/open-data/centers/{center.code}/2026-03.csv"
    data = client.get(f"/open-data/centers/{center.code}/2026-03.json")
    assert data.status_code == 200
    figures = data.json()["figures"]
    assert figures["received"] == 1 and figures["completed"] == 1 and figures["approved"] == 1
    assert figures["received_window"] == 1 and figures["on_time_rate"] == 1.0
    sheet = client.get(f"/open-data/centers/{center.code}/2026-03.csv")
    assert sheet.status_code == 200 and sheet["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(sheet.content.decode("utf-8-sig"))))
    assert rows[0][0] == "中心代码" and rows[1][0] == center.code and rows[1][3] == "1"
    personal = _personal_data()
    for text in (
        index.content.decode(),
        json.dumps(listing, ensure_ascii=False),
        data.content.decode(),
        sheet.content.decode(),
    ):
        _scan(text, *personal)


def test_open_data_months_and_centers_that_do_not_exist(demo, now):
    center = Center.objects.get(region_id=FAMEN, level="township")
    client = Client()
    for month in ("2026-13", "abcd", "2031-01", "2019-05"):
        assert client.get(f"/open-data/centers/{center.code}/{month}.json").status_code == 422, month
    assert client.get("/open-data/centers/NOPE/2026-03.csv").status_code == 404
    assert client.get("/centers/NOPE/").status_code == 404


def test_on_duty_serves_the_hall_screen_without_phones(api, now):
    center = Center.objects.get(region_id=FAMEN, level="township")
    minzheng = User.objects.get(username="famen_minzheng")
    services.set_whereabouts(minzheng, minzheng, Status.VILLAGE, village="610324106200")
    # 2 March 2026 is a working day, but the demo roster covers the months the demo was loaded in:
    # without a roster for the day the A holders are on duty.
    people = {p["name"]: p for p in services.on_duty(center, clock.today())}
    assert people["吴民政"]["status_label"].startswith("下村") and people["吴民政"]["post"] == "民政所"
    r = api().get(f"centers/{center.code}/on-duty")
    assert r.status_code == 200
    assert {"name", "post", "status", "status_label", "until", "photo_url"} <= set(r.json()[0])
    assert not MOBILE.search(r.content.decode())
    assert api().get("centers/NOPE/on-duty").status_code == 404
    assert api().get(f"centers/{center.code}/on-duty?date=1990-01-01").status_code == 422
    assert id_number(1) not in r.content.decode()
