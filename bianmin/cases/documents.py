"""The documents a case issues (受理通知书 …): a data snapshot at issue time, rendered on demand as A4 HTML or PDF.

The snapshot keeps what the applicant was told (deadline, reasons, the center's phones) even if the case
or the center changes later; rendering adds the QR code to the public tracking page.
"""

from urllib.parse import urlencode

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from bianmin.cases.clock import county_of
from bianmin.cases.models import Case, Document
from bianmin.cases.validators import mask_id_number
from bianmin.core import clock
from bianmin.regions.models import Level, Region

KINDS = {
    "acceptance_notice": "受理通知书",
    "supplement_notice": "补正材料通知书",
    "refusal_notice": "不予受理通知书",
    "deferral_promise": "容缺受理承诺书",
    "suspension_notice": "暂停计时告知书",
    "extension_notice": "延期告知书",
    "denial_decision": "不予许可决定书",
    "completion_notice": "办结通知",
    "delivery_receipt": "送达回证",
    "send_back_notice": "退回补充初审通知书",
    # Village proxy service (bianmin.proxy)
    "mandate": "代办委托书",
    "handover_sheet": "代办交接单",
}
ADVERSE_KINDS = frozenset({"refusal_notice", "denial_decision"})
# Issued only on village proxy cases (by bianmin.proxy.services).
PROXY_KINDS = frozenset({"mandate", "handover_sheet"})

# 行政复议法 Art. 20 (60 days), 行政诉讼法 Art. 46 (6 months): told in every adverse decision.
RIGHTS = (
    "如不服本决定，可自收到本通知之日起六十日内向{review_body}申请行政复议，"
    "或者自收到本通知之日起六个月内依法向人民法院提起行政诉讼。"
)


def review_body(case: Case) -> str:
    """The people's government of the case's county, which reviews both a township's decision and a county
    department's (行政复议法 2023, Art. 24): 扶风县人民政府 for a case in 610324…, each county its own."""
    county = Region.objects.filter(code=county_of(case.center.region_id), level=Level.COUNTY).first()
    if county is None:
        # A center outside any recorded county: name the government one level up from the township.
        return "上一级人民政府"
    return f"{county.name}人民政府"


def rights_of(case: Case) -> str:
    return RIGHTS.format(review_body=review_body(case))


# 不予许可 is the word of a licence (行政许可法); a benefit or reward is 不予批准, anything else 不予办理.
DENIAL_WORDS = {"01": "不予许可", "05": "不予批准", "08": "不予批准"}


def denial_word(item) -> str:
    """How a negative decision is worded for this item's type (GB/T 39046 事项类型)."""
    return DENIAL_WORDS.get(getattr(item, "item_type", ""), "不予办理")


def title_of(case: Case, kind: str) -> str:
    if kind == "denial_decision":
        return f"{denial_word(case.item)}决定书"
    return KINDS[kind]


def _materials_received(case: Case) -> list[dict]:
    """The checklist as accepted: what was handed in (originals, copies) and what is to follow (容缺)."""
    rows = []
    for row in case.materials.all():
        if row.status not in ("received", "deferred"):
            continue
        rows.append(
            {
                "name": row.material.name,
                "originals": row.originals,
                "copies": row.copies,
                "deferred": row.status == "deferred",
            }
        )
    return rows


def _deciding_department(case: Case) -> str:
    """Who decides: the county department for an item sent up (上报), else the lead department."""
    item = case.item
    if item.escalate_to_id:
        return f"{item.escalate_to.name}（{item.lead_department.name}初审后上报）"
    return item.lead_department.name if item.lead_department_id else case.center.name


def _kind_extra(case: Case, kind: str) -> dict:
    """What only some documents print, read from the case (its loaded lists) at issue time."""
    if kind == "acceptance_notice":
        return {
            "materials_received": _materials_received(case),
            "deciding_department": _deciding_department(case),
        }
    if kind == "supplement_notice":
        center = case.center
        return {
            "bring_to": center.name,
            "bring_address": center.address or case.item.place,
            "opening_hours": center.opening_hours or case.item.hours,
        }
    if kind in ("completion_notice", "denial_decision"):
        return {"denial_word": denial_word(case.item)}
    return {}


def date_text(value) -> str:
    """A date as documents print it (2026年11月30日); "" for none."""
    return f"{value:%Y年%m月%d日}" if value else ""


def _time(value) -> str:
    return f"{value.astimezone(clock.SHANGHAI):%Y年%m月%d日 %H:%M}" if value else ""


def header(
    case: Case, kind: str, *, center, item, title, issued_on, accepted_at, completed_at, deadline, rights
) -> dict:
    """What every document prints at its head: the center, the item, the case and its dates. The actions
    take the case as it stands (`snapshot`); the case generator passes the dates of the step it plans."""
    return {
        "kind": kind,
        "title": title,
        "center": center.name,
        "center_address": center.address,
        "service_phone": center.service_phone or item.consult_phone,
        "supervision_phone": center.supervision_phone or item.supervise_phone,
        "number": case.number,
        "query_code": case.query_code,
        "issued_on": date_text(issued_on),
        "item": item.name,
        "item_code": item.code,
        "item_version": item.version,
        "promised_limit_days": item.promised_limit_days,
        "applicant": case.applicant_name,
        "received_at": _time(case.received_at),
        "accepted_at": _time(accepted_at),
        "completed_at": _time(completed_at),
        "deadline": date_text(deadline),
        "deadline_confirmed": case.deadline_confirmed,
        "rights": rights,
    }


def snapshot(case: Case, kind: str, **extra) -> dict:
    return {
        **header(
            case,
            kind,
            center=case.center,
            item=case.item,
            title=title_of(case, kind),
            issued_on=clock.today(),
            accepted_at=case.accepted_at,
            completed_at=case.completed_at,
            deadline=case.deadline,
            # Only adverse decisions tell the applicant where to appeal (and only they need the county lookup).
            rights=rights_of(case) if kind in ADVERSE_KINDS else "",
        ),  # fmt: skip
        **_kind_extra(case, kind),
        **extra,
    }


def issue_document(case: Case, kind: str, **extra) -> Document:
    """Called by the services inside their transaction; the row is the record that the document exists."""
    return Document.objects.create(
        case=case,
        kind=kind,
        title=title_of(case, kind),
        created_at=clock.now(),
        data=snapshot(case, kind, **extra),
    )


def tracking_url(number: str, query_code: str, request=None) -> str:
    """The public tracking page; absolute, from PUBLIC_BASE_URL or the request, so a phone can open it."""
    path = reverse("cases:track", args=[number]) + "?" + urlencode({"code": query_code})
    base = getattr(settings, "PUBLIC_BASE_URL", "")
    if base:
        return base.rstrip("/") + path
    if request is not None:
        return request.build_absolute_uri(path)
    return path


# Snapshot keys holding an ID number: printed masked unless the caller asked for the recorded reveal.
ID_NUMBER_KEYS = ("villager_id",)


def render_html(document: Document, request=None, *, reveal: bool = False) -> str:
    data = dict(document.data)
    if not reveal:
        data.update({k: mask_id_number(data[k]) for k in ID_NUMBER_KEYS if data.get(k)})
    url = tracking_url(data["number"], data["query_code"], request)
    # The QR code opens the tracking page with its rating form; "via=qr" tells the rating its channel.
    qr = segno.make(url + "&via=qr#rating", error="m").png_data_uri(scale=4, border=2)
    return render_to_string(
        f"cases/documents/{document.kind}.html", {"doc": data, "qr": qr, "tracking_url": url}, request=None
    )


def render_pdf(document: Document, request=None, *, reveal: bool = False) -> bytes:
    from weasyprint import HTML

    html = render_html(document, request, reveal=reveal)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
