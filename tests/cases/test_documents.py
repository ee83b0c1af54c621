"""Every document a case issues renders as an A4 PDF with extractable Chinese and a QR code to tracking."""

import io
import subprocess

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from bianmin.cases.documents import KINDS, PROXY_KINDS
from bianmin.core import clock

from .factories import intake, make_item, material_id

# The proxy documents (委托书, 交接单) are issued on proxy cases only; tests/proxy covers them.
# The walk below is one promised case; the county's send-back notice is tested in test_send_back.py.
WINDOW_KINDS = [kind for kind in KINDS if kind not in PROXY_KINDS | {"send_back_notice"}]


@pytest.fixture
def issued(api, now):
    """One case that issued every document but the refusal, and one refused case."""
    clerk, minzheng, director = api("famen_clerk"), api("famen_minzheng"), api("famen_director")
    item = make_item("promised", extension_days=10)
    hukou = material_id(item, "户口簿")
    case = clerk.post("cases", intake(item, missing=("户口簿", "近期照片"))).json()
    number = case["number"]
    clerk.post(
        f"cases/{number}/actions/request_supplement", {"missing": [{"material": hukou, "reason": "缺户口簿"}]}
    )
    photo = {"material": material_id(item, "近期照片"), "copies": 1}
    clerk.post(f"cases/{number}/actions/supplement", {"materials": [photo]})
    accepted = clerk.post(
        f"cases/{number}/actions/accept", {"deferred": [hukou], "promise_date": "2026-03-06"}
    )
    assert accepted.status_code == 200, accepted.content
    minzheng.post(
        f"cases/{number}/actions/suspend",
        {"kind": "publicity", "reason": "公示七日", "expected_end": "2026-04-30"},
    )
    with clock.pinned("2026-03-04T09:00:00+08:00"):
        minzheng.post(f"cases/{number}/actions/resume", {})
        director.post(f"cases/{number}/actions/extend", {"days": 5, "reason": "需上门核实"})
        minzheng.post(
            f"cases/{number}/actions/complete", {"outcome": "denied", "reason": "家庭收入高于救助标准"}
        )
        final = clerk.post(
            f"cases/{number}/actions/deliver", {"method": "window", "receiver": "张秀兰"}
        ).json()
    refused = clerk.post("cases", intake(item, n=2)).json()
    clerk.post(f"cases/{refused['number']}/actions/refuse", {"reason": "不属于本机关职权范围"})
    kinds = {d["kind"] for d in final["documents"]}
    assert kinds == set(WINDOW_KINDS) - {"refusal_notice"}
    return clerk, {kind: case for kind in kinds} | {"refusal_notice": refused}


def _qr_text(pdf: bytes, tmp_path) -> str:
    """Rasterise page 1 as a phone camera would see the printout, then decode."""
    source = tmp_path / "doc.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "150", "-singlefile", str(source), str(tmp_path / "page")], check=True
    )
    found = zxingcpp.read_barcodes(Image.open(tmp_path / "page.png"))
    assert found, "no QR code found on the page"
    return found[0].text


@pytest.mark.parametrize("kind", WINDOW_KINDS)
def test_document_pdf_has_chinese_text_and_a_qr_to_tracking(issued, kind, tmp_path):
    clerk, cases = issued
    case = cases[kind]
    response = clerk.get(f"cases/{case['number']}/documents/{kind}.pdf")
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).replace(" ", "")
    # make_item's items are benefits (给付): their negative decision is worded 不予批准, not 不予许可.
    assert (KINDS[kind] if kind != "denial_decision" else "不予批准决定书") in text
    assert case["number"] in text
    assert "法门镇便民服务中心" in text and "0917-55071000" in text  # the center and its supervision phone
    if kind in ("refusal_notice", "denial_decision"):
        assert "行政复议" in text and "六十日" in text and "六个月" in text
    # The QR opens the tracking page at its rating form, and the rating counts as given through the QR code.
    assert _qr_text(pdf, tmp_path) == (
        f"http://testserver/track/{case['number']}/?code={case['query_code']}&via=qr#rating"
    )


def test_acceptance_notice_names_the_deadline_and_query_code(issued):
    clerk, cases = issued
    case = cases["acceptance_notice"]
    pdf = clerk.get(f"cases/{case['number']}/documents/acceptance_notice.pdf").content
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text().replace(" ", "")
    assert "2026年03月09日" in text and case["query_code"] in text


def test_printable_page_is_served_to_staff_in_scope(issued, client):
    clerk, cases = issued
    number = cases["acceptance_notice"]["number"]
    client.login(username="famen_clerk", password="Demo@2026")
    page = client.get(f"/cases/{number}/documents/acceptance_notice/")
    assert page.status_code == 200 and "受理通知书" in page.content.decode()
    client.login(username="tiandu_clerk", password="Demo@2026")
    assert client.get(f"/cases/{number}/documents/acceptance_notice/").status_code == 404


def test_unknown_or_unissued_document_is_404(issued):
    clerk, cases = issued
    number = cases["refusal_notice"]["number"]
    assert clerk.get(f"cases/{number}/documents/acceptance_notice.pdf").status_code == 404
    assert clerk.get(f"cases/{number}/documents/nonsense.pdf").status_code == 404


def _qishan_clerk():
    """A second county (岐山县) with one township center, its 民政所 and a clerk: the smallest other place."""
    from bianmin.accounts.models import Post, Role, User
    from bianmin.regions.models import Center, Department, Level, Region

    county = Region.objects.create(
        code="610323000000", name="岐山县", level=Level.COUNTY, parent_id="610300000000"
    )
    town = Region.objects.create(code="610323100000", name="凤鸣镇", level=Level.TOWNSHIP, parent=county)
    center = Center.objects.create(
        code="61032310000001",
        name="凤鸣镇便民服务中心",
        level="township",
        region=town,
        service_phone="0917-8210000",
    )
    Department.objects.create(
        code="610323100000MZ", name="凤鸣镇民政所", kind="民政", region=town, center=center
    )
    clerk = User.objects.create_user(username="fengming_clerk", password="Demo@2026", name="王敏")
    Post.objects.create(user=clerk, role=Role.CLERK, center=center)
    return center


def test_refusal_names_the_review_body_of_the_cases_own_county(api, now):
    from bianmin.cases.models import Case
    from bianmin.regions.models import Department
    from tests.conftest import ApiClient, token_for

    center = _qishan_clerk()
    item = make_item("promised", region="610323100000")
    item.lead_department = Department.objects.get(code="610323100000MZ")
    item.save()
    clerk = ApiClient(token_for("fengming_clerk"))
    created = clerk.post("cases", intake(item, center=center.code))
    assert created.status_code == 201, created.content
    number = created.json()["number"]
    refused = clerk.post(f"cases/{number}/actions/refuse", {"reason": "不属于本机关职权范围"})
    assert refused.status_code == 200, refused.content
    notice = Case.objects.get(number=number).documents.get(kind="refusal_notice")
    assert "向岐山县人民政府申请行政复议" in notice.data["rights"]
    assert "扶风县" not in notice.data["rights"]
    page = api("famen_clerk")  # the demo county's own refusals keep naming 扶风县人民政府
    famen_item = make_item("promised")
    other = page.post("cases", intake(famen_item, n=3)).json()["number"]
    page.post(f"cases/{other}/actions/refuse", {"reason": "不属于本机关职权范围"})
    famen_notice = Case.objects.get(number=other).documents.get(kind="refusal_notice")
    assert "向扶风县人民政府申请行政复议" in famen_notice.data["rights"]
