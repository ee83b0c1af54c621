"""API for cases (API.md "Cases" and "Public tracking"): thin — validate, call a service or selector, shape JSON."""

import datetime as dt
from typing import Any, Literal

from django.http import FileResponse, HttpResponse
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from bianmin.accounts.auth import staff_auth
from bianmin.accounts.services import client_address
from bianmin.cases import services
from bianmin.cases.actions import REGISTRY, available_actions, dispatch, event_label
from bianmin.cases.clock import current_calendar, overdue_receipt, warning_of
from bianmin.cases.custody import CUSTODY_RELATED, custody_of
from bianmin.cases.documents import render_pdf
from bianmin.cases.idempotency import OPENAPI as IDEMPOTENCY_OPENAPI
from bianmin.cases.idempotency import idempotent
from bianmin.cases.models import ApplicantKind, Case
from bianmin.cases.selectors import (
    case_for,
    cases_visible_to,
    document_for,
    filter_cases,
    latest_documents,
    with_details,
)
from bianmin.cases.tracking import find_tracked, timeline
from bianmin.cases.validators import birth_and_sex, mask_id_number, mask_phone
from bianmin.core import clock
from bianmin.core.errors import ApiError, Invalid, NotFound
from bianmin.core.pagination import PageQuery, paginate
from bianmin.core.schemas import DbId, MaterialIn, ObjectIn

router = Router(tags=["cases"])
public_router = Router(tags=["tracking"])


# --- schemas ---------------------------------------------------------------------------------------


class ApplicantIn(ObjectIn):
    kind: Literal["person", "organisation"] = "person"
    name: str = Field("", max_length=100)
    id_number: str = Field("", max_length=40)
    credit_code: str = Field("", max_length=40)
    contact_name: str = Field("", max_length=40)
    phone: str = Field("", max_length=40)
    address: str = Field("", max_length=200)


class ProxyIn(ObjectIn):
    home_visit: bool = False
    mandate: bool = False


class CaseIn(Schema):
    item: str = Field(..., min_length=1, max_length=40)
    center: str | None = Field(None, max_length=20)
    channel: Literal["window", "online", "proxy", "phone", "mobile"] = "window"
    applicant: ApplicantIn
    answers: dict[str, Any] = {}
    materials: list[MaterialIn] = Field([], max_length=100)
    proxy: ProxyIn | None = None


class CodeName(Schema):
    code: str
    name: str


class ItemRef(CodeName):
    version: int


class ApplicantOut(Schema):
    kind: str
    name: str
    id_number: str | None = None
    credit_code: str | None = None
    contact_name: str | None = None
    phone: str
    address: str | None = None
    birth_date: str | None = Field(
        None, description="出生日期（由身份证号得出；与完整证件号一样，仅在查看完整信息时给出）"
    )
    sex: str | None = Field(None, description="性别（由身份证号得出）")


class TaskOut(Schema):
    department: CodeName
    state: str
    by: str | None
    at: str | None
    reason: str | None = None
    opinion: str | None = Field(None, description="会签意见")


class SuspensionOut(Schema):
    kind: str
    kind_label: str
    reason: str
    started_on: str
    expected_end: str | None
    ended_on: str | None


class EventOut(Schema):
    at: str
    actor: str | None
    role: str
    action: str
    label: str
    from_: str = Field(..., alias="from")
    to: str
    note: str


class DocumentOut(Schema):
    kind: str
    title: str
    url: str


class MaterialOut(Schema):
    material: int
    name: str
    required: bool
    deferrable: bool
    originals: int
    copies: int
    status: str
    reason: str
    promise_date: str | None
    files: list[dict]


class CustodyRef(Schema):
    """Where the case and its papers are now (village, in_transit, township, county) and who holds them."""

    location: str
    location_label: str
    holder: str


class CaseOut(Schema):
    number: str
    query_code: str | None = None
    item: ItemRef
    center: CodeName
    channel: str
    applicant: ApplicantOut
    state: str
    state_label: str
    case_class: str
    outcome: str | None
    received_at: str
    accepted_at: str | None
    completed_at: str | None
    delivered_at: str | None
    deadline: str | None
    deadline_confirmed: bool
    warning: str
    overdue_receipt: bool
    tasks: list[TaskOut]
    version: int
    events: list[EventOut] | None = None
    documents: list[DocumentOut]
    materials: list[MaterialOut] | None = None
    suspensions: list[SuspensionOut] | None = None
    answers: dict[str, Any] | None = None
    allowed_actions: list[str] | None = None
    custody: CustodyRef | None = None


class CasePage(Schema):
    count: int
    results: list[CaseOut]


class CaseFilter(PageQuery):
    state: Literal[
        "received", "supplement_requested", "refused", "accepted", "suspended", "escalated", "completed",
        "delivered", "withdrawn",
    ] | None = None  # fmt: skip
    case_class: Literal["instant", "promised", "joint", "escalated", "returned"] | None = None
    warning: Literal["none", "green", "yellow", "red"] | None = None
    center: str | None = Field(None, max_length=20)
    item: str | None = Field(None, max_length=40)
    q: str | None = Field(None, max_length=60)
    name: str | None = Field(None, max_length=60, description="申请人姓名（包含）")
    id_tail: str | None = Field(None, pattern=r"^[0-9]{3}[0-9Xx]$", description="身份证号后四位")
    phone_tail: str | None = Field(None, pattern=r"^[0-9]{4}$", description="联系电话后四位")
    received_from: dt.date | None = None
    received_to: dt.date | None = None


class TrackEvent(Schema):
    at: str
    label: str


class TrackOut(Schema):
    number: str
    item: CodeName
    center: CodeName
    state: str
    state_label: str
    case_class: str
    received_at: str
    accepted_at: str | None
    deadline: str | None
    completed_at: str | None
    outcome: str | None
    events: list[TrackEvent]


class RevealOut(Schema):
    id_number: str
    phone: str
    credit_code: str


class FileOut(Schema):
    id: int
    material: int | None
    content_type: str
    size: int
    url: str


# --- shaping ---------------------------------------------------------------------------------------


def iso(moment) -> str | None:
    return moment.astimezone(clock.SHANGHAI).isoformat() if moment else None


def _applicant(case: Case, revealed: dict | None) -> dict:
    out = {
        "kind": case.applicant_kind,
        "name": case.applicant_name,
        "address": case.applicant_address or None,
    }
    phone = revealed["phone"] if revealed else mask_phone(case.applicant_phone)
    if case.applicant_kind == ApplicantKind.PERSON:
        id_number = revealed["id_number"] if revealed else mask_id_number(case.applicant_id_number)
        birth, sex = birth_and_sex(case.applicant_id_number)
        # The birth date is the masked middle of the ID number: shown only with the recorded reveal.
        return {
            **out,
            "id_number": id_number,
            "phone": phone,
            "birth_date": birth.isoformat() if birth and revealed else None,
            "sex": sex or None,
        }
    return {
        **out,
        "credit_code": case.applicant_credit_code,
        "contact_name": case.applicant_contact_name,
        "phone": phone,
    }


def _file_url(case: Case, attachment) -> str:
    return f"/api/v1/cases/{case.number}/files/{attachment.pk}"


def case_json(case: Case, *, today, calendar, detail=False, revealed=None, query_code=True) -> dict:
    light = warning_of(case, today, calendar)
    out = {
        "number": case.number,
        "query_code": case.query_code if query_code else None,
        "item": {"code": case.item.code, "name": case.item.name, "version": case.item.version},
        "center": {"code": case.center.code, "name": case.center.name},
        "channel": case.channel,
        "applicant": _applicant(case, revealed),
        "state": case.state,
        "state_label": case.get_state_display(),
        "case_class": case.case_class,
        "outcome": case.outcome or None,
        "received_at": iso(case.received_at),
        "accepted_at": iso(case.accepted_at),
        "completed_at": iso(case.completed_at),
        "delivered_at": iso(case.delivered_at),
        "deadline": case.deadline.isoformat() if case.deadline else None,
        "deadline_confirmed": case.deadline_confirmed,
        "warning": light.color,
        "overdue_receipt": overdue_receipt(case, today, calendar),
        "tasks": [
            {
                "department": {"code": t.department.code, "name": t.department.name},
                "state": t.state,
                "by": t.decided_by.display_name if t.decided_by else None,
                "at": iso(t.decided_at),
                "reason": t.reason or None,
                "opinion": t.opinion or None,
            }
            for t in case.tasks.all()
        ],
        "version": case.version,
        "custody": custody_of(case),
        "documents": [
            {"kind": d.kind, "title": d.title, "url": f"/api/v1/cases/{case.number}/documents/{d.kind}.pdf"}
            for d in latest_documents(case)
        ],
    }
    if detail:
        out["events"] = [
            {
                "at": iso(e.at),
                "actor": e.actor_name or None,
                "role": e.role,
                "action": e.action,
                "label": event_label(e),
                "from": e.from_state,
                "to": e.to_state,
                "note": e.note,
            }
            for e in case.events.all()
        ]
        files_by_row: dict[int | None, list] = {}
        for a in case.attachments.all():
            files_by_row.setdefault(a.case_material_id, []).append(
                {"id": a.pk, "content_type": a.content_type, "size": a.size, "url": _file_url(case, a)}
            )
        out["materials"] = [
            {
                "material": row.material_id,
                "name": row.material.name,
                "required": row.material.required,
                "deferrable": row.material.deferrable,
                "originals": row.originals,
                "copies": row.copies,
                "status": row.status,
                "reason": row.reason,
                "promise_date": row.promise_date.isoformat() if row.promise_date else None,
                "files": files_by_row.get(row.pk, []),
            }
            for row in case.materials.all()
        ]
        out["suspensions"] = [
            {
                "kind": s.kind,
                "kind_label": s.get_kind_display(),
                "reason": s.reason,
                "started_on": s.started_on.isoformat(),
                "expected_end": s.expected_end.isoformat() if s.expected_end else None,
                "ended_on": s.ended_on.isoformat() if s.ended_on else None,
            }
            for s in case.suspensions.all()
        ]
        out["answers"] = case.answers
    return out


def _today_and_calendar():
    return clock.today(), current_calendar()


# --- staff endpoints -------------------------------------------------------------------------------


@router.post(
    "/cases",
    response={201: CaseOut, 200: CaseOut},
    by_alias=True,
    auth=staff_auth,
    summary="收件（支持 Idempotency-Key）",
    openapi_extra=IDEMPOTENCY_OPENAPI,
)
def create_case(request, payload: CaseIn):
    key = request.headers.get("Idempotency-Key") or None
    if key and len(key) > 100:
        raise Invalid("Idempotency-Key 过长", fields={"Idempotency-Key": "不超过100个字符"})
    case, created = services.receive_case(
        request.user,
        item=payload.item,
        center=payload.center,
        channel=payload.channel,
        applicant=payload.applicant.model_dump(),
        answers=payload.answers,
        materials=[m.model_dump() for m in payload.materials],
        proxy=payload.proxy.model_dump() if payload.proxy else None,
        idempotency_key=key,
    )
    today, calendar = _today_and_calendar()
    # A new case answers from the rows intake wrote; a replayed key reads the first case back.
    answer = case if created else case_for(request.user, case.number)
    return Status(201 if created else 200, case_json(answer, today=today, calendar=calendar, detail=True))


@router.get("/cases", response=CasePage, by_alias=True, auth=staff_auth, summary="办件列表（仅本人范围内）")
def list_cases(request, filters: Query[CaseFilter]):
    today, calendar = _today_and_calendar()
    cases = filter_cases(
        cases_visible_to(request.user),
        today=today,
        calendar=calendar,
        **filters.model_dump(
            include={
                "q",
                "state",
                "case_class",
                "warning",
                "center",
                "item",
                "received_from",
                "received_to",
                "name",
                "id_tail",
                "phone_tail",
            }
        ),  # fmt: skip
    )
    cases = cases.select_related(*CUSTODY_RELATED)  # custody in each row without a query per case
    count, page = paginate(with_details(cases.order_by("-received_at", "-id")), filters)
    return {"count": count, "results": [case_json(c, today=today, calendar=calendar) for c in page]}


def _visible_or_404(request, number: str) -> Case:
    case = case_for(request.user, number)
    if case is None:
        raise NotFound("未找到该办件")
    return case


@router.get(
    "/cases/{number}",
    response=CaseOut,
    by_alias=True,
    auth=staff_auth,
    summary="办件详情（?reveal=1 查看完整证件号，留痕）",
)
def get_case(request, number: str, reveal: bool = False):
    revealed = services.reveal_applicant(request.user, number) if reveal else None
    case = _visible_or_404(request, number)
    today, calendar = _today_and_calendar()
    out = case_json(case, today=today, calendar=calendar, detail=True, revealed=revealed)
    out["allowed_actions"] = services.available_actions(request.user, case)
    return out


@router.get("/cases/{number}/documents/{kind}.pdf", auth=staff_auth, summary="文书 PDF")
def document_pdf(request, number: str, kind: str, reveal: bool = False):
    document = document_for(request.user, number, kind)
    if not document:
        raise NotFound("未找到该文书")
    if reveal:  # the full ID number only through the recorded reveal
        services.reveal_applicant(request.user, number)
    response = HttpResponse(render_pdf(document, request, reveal=reveal), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{number}-{kind}.pdf"'
    return response


def _answer(request, case: Case) -> dict:
    """The case as the action left it: built from the rows the action loaded and wrote, not read again."""
    today, calendar = _today_and_calendar()
    out = case_json(case, today=today, calendar=calendar, detail=True)
    out["allowed_actions"] = available_actions(request.user, case)
    return out


def _refuse_non_object_body(request) -> None:
    if request.body.strip() and not request.body.lstrip().startswith(b"{"):
        raise ApiError("请求体应为 JSON 对象", code="bad_request")


def _action_endpoint(action):
    """One endpoint per declared action, with the action's own schema (so the OpenAPI shows each body)."""

    def endpoint(request, number: str, payload: action.schema | None = None):
        _refuse_non_object_body(request)
        case = dispatch(action.name, request.user, number[:40], payload or action.schema())
        return _answer(request, case)

    endpoint.__name__ = f"case_action_{action.name}"
    # A phone's outbox retries an action after a dropped connection: the key makes it apply once.
    return idempotent(endpoint)


for _action in REGISTRY.values():
    router.post(
        f"/cases/{{number}}/actions/{_action.name}",
        response=CaseOut,
        by_alias=True,
        auth=staff_auth,
        summary=f"{_action.label}（{_action.name}）",
        operation_id=f"case_action_{_action.name}",
        openapi_extra=IDEMPOTENCY_OPENAPI,
    )(_action_endpoint(_action))


@router.post("/cases/{number}/actions/{action}", auth=staff_auth, include_in_schema=False)
def unknown_action(request, number: str, action: str):
    raise NotFound("没有这个操作")


@router.post(
    "/cases/{number}/files",
    response={201: FileOut},
    auth=staff_auth,
    summary="上传材料扫描件（JPEG/PNG/PDF，≤20 MB）",
)
def upload_file(request, number: str, file: File[UploadedFile], material: Form[DbId | None] = None):
    attachment = services.attach_scan(request.user, number, file, material=material)
    return Status(201, uploaded_json(attachment, material))


def uploaded_json(attachment, material: int | None) -> dict:
    """What an upload answers: the stored file, and where staff in scope can fetch it."""
    return {
        "id": attachment.pk,
        "material": material,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "url": _file_url(attachment.case, attachment),
    }


@router.get("/cases/{number}/files/{file_id}", auth=staff_auth, summary="查看扫描件（仅本人范围内）")
def get_file(request, number: str, file_id: int):
    attachment = services.scan_for(request.user, number, file_id)
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type)
    response["Content-Disposition"] = f'inline; filename="{attachment.token}{attachment.extension}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- public tracking -------------------------------------------------------------------------------


def tracking_json(case: Case) -> dict:
    return {
        "number": case.number,
        "item": {"code": case.item.code, "name": case.item.name},
        "center": {"code": case.center.code, "name": case.center.name},
        "state": case.state,
        "state_label": case.get_state_display(),
        "case_class": case.case_class,
        "received_at": iso(case.received_at),
        "accepted_at": iso(case.accepted_at),
        "deadline": case.deadline.isoformat() if case.deadline else None,
        "completed_at": iso(case.completed_at),
        "outcome": case.outcome or None,
        "events": [{"at": iso(e["at"]), "label": e["label"]} for e in timeline(case)],
    }


@public_router.get(
    "/track/{number}", response=TrackOut, auth=None, summary="凭办件编号和查询码查询进度（公开）"
)
def track(request, number: str, code: str = ""):
    case = find_tracked(number[:40], code[:12], client_address(request))
    return tracking_json(case)
