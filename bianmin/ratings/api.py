"""API for ratings (API.md "Public tracking and ratings"): rate through the tracking code, list (scoped),
record a phone/paper rating, the rectification steps (one endpoint each), and the figures."""

import datetime as dt

from ninja import Query, Router, Schema, Status
from pydantic import Field

from bianmin.accounts.auth import staff_auth
from bianmin.accounts.scope import scope_of
from bianmin.accounts.services import client_address
from bianmin.cases.selectors import cases_visible_to
from bianmin.cases.tracking import find_tracked
from bianmin.core import clock
from bianmin.core.errors import Forbidden, Invalid, NotFound
from bianmin.core.pagination import PageQuery, paginate
from bianmin.ratings import figures as figures_module
from bianmin.ratings import services
from bianmin.ratings.models import LEVELS, Rating
from bianmin.ratings.schemas import RatingIn, StaffRatingIn, StepIn

router = Router(tags=["ratings"])
public_router = Router(tags=["tracking"])


class RectificationRef(Schema):
    id: int
    state: str
    state_label: str
    due: str
    contact_due: str
    overdue: bool


class RatingOut(Schema):
    id: int
    case: str
    item: str
    center: str
    stage: str
    level: int
    level_label: str
    channel: str
    tags: list[str]
    comment: str
    staff: str | None
    recorded_by: str | None
    created_at: str
    rectification: RectificationRef | None


class RatingPage(Schema):
    count: int
    results: list[RatingOut]


class PublicRatingOut(Schema):
    stage: str
    level: int
    level_label: str
    channel: str
    created_at: str
    rectification: bool = Field(..., description="差评已转整改")


def rating_json(rating: Rating, today: dt.date | None = None) -> dict:
    rect = _rect_of(rating)
    return {
        "id": rating.pk,
        "case": rating.case.number,
        "item": rating.case.item.name,
        "center": rating.center.name,
        "stage": rating.stage,
        "level": rating.level,
        "level_label": LEVELS[rating.level],
        "channel": rating.channel,
        "tags": list(rating.tags or []),
        "comment": rating.comment,
        "staff": rating.staff.display_name if rating.staff_id else None,
        "recorded_by": rating.recorded_by.display_name if rating.recorded_by_id else None,
        "created_at": rating.created_at.astimezone(clock.SHANGHAI).isoformat(),
        "rectification": {
            "id": rect.pk,
            "state": rect.state,
            "state_label": rect.get_state_display(),
            "due": rect.due.isoformat(),
            "contact_due": rect.contact_due.isoformat(),
            "overdue": services.overdue(rect, today),
        }
        if rect is not None
        else None,
    }


def _rect_of(rating):
    try:
        return rating.rectification
    except Rating.rectification.RelatedObjectDoesNotExist:
        return None


class RatingFilter(PageQuery):
    bad: bool = Field(False, description="只列差评（4、5级）")
    stage: str | None = Field(None, max_length=12)
    center: str | None = Field(None, max_length=20, description="中心机构代码")
    open: bool = Field(False, description="只列整改未结束的差评")


@router.get(
    "/ratings", response=RatingPage, auth=staff_auth, summary="评价列表（仅本人范围内；bad=1 只列差评）"
)
def list_ratings(request, filters: Query[RatingFilter]):
    ratings = services.ratings_visible_to(request.user).select_related(
        "case__item", "center", "staff", "recorded_by", "rectification"
    )
    if filters.bad:
        ratings = ratings.filter(level__gte=4)
    if filters.stage:
        ratings = ratings.filter(stage=filters.stage)
    if filters.center:
        ratings = ratings.filter(center__code=filters.center)
    if filters.open:
        from bianmin.ratings.models import OPEN_STATES

        ratings = ratings.filter(rectification__state__in=OPEN_STATES)
    count, page = paginate(ratings.order_by("-created_at", "-id"), filters)
    today = clock.today()
    results = [rating_json(rating, today) for rating in page]
    return {"count": count, "results": results}


class FiguresQuery(Schema):
    region: str = Field(..., max_length=12, description="区划代码（给出 center 或 department 时按其统计）")
    center: str | None = Field(None, max_length=20, description="只统计该中心（机构代码）")
    department: str | None = Field(None, max_length=24, description="只统计该部门（部门代码）")
    from_: dt.date = Field(..., alias="from")
    to: dt.date


class FiguresOut(Schema):
    region: str
    from_: str = Field(..., alias="from")
    to: str
    count: int
    rated_share: float | None
    satisfaction_rate: float | None
    bad: int
    bad_rectified: int
    bad_rectified_on_time: int
    rectification_rate: float | None
    callback_rate: float | None
    followup_satisfaction_rate: float | None


@router.get(
    "/ratings/figures",
    response=FiguresOut,
    by_alias=True,
    auth=staff_auth,
    summary="好差评统计（本人范围内的区划）",
)
def rating_figures(request, query: Query[FiguresQuery]):
    if query.to < query.from_ or (query.to - query.from_).days > 3660:
        raise Invalid("输入有误", fields={"to": "结束日期应不早于开始日期，且跨度不超过10年"})
    scope = scope_of(request.user)
    if query.center:
        center = scope.centers().filter(code=query.center).first()
        if center is None:
            raise NotFound("未找到该中心")
        out = figures_module.center_figures(center.pk, query.from_, query.to)
    elif query.department:
        department = scope.departments().filter(code=query.department).first()
        if department is None:
            raise NotFound("未找到该部门")
        out = figures_module.department_figures(department.pk, query.from_, query.to)
    else:
        if not scope.sees_region_code(query.region):
            raise NotFound("未找到该区划")
        out = figures_module.figures(query.region, query.from_, query.to)
    return {"region": query.region, "from": query.from_.isoformat(), "to": query.to.isoformat(), **out}


@router.get("/ratings/{rating_id}", response=RatingOut, auth=staff_auth, summary="一条评价及其整改")
def get_rating(request, rating_id: int):
    rating = (
        services.ratings_visible_to(request.user)
        .select_related("case__item", "center", "staff", "recorded_by", "rectification")
        .filter(pk=min(rating_id, 2**62))
        .first()
    )
    if rating is None:
        raise NotFound("未找到该评价")
    return rating_json(rating)


def _step_endpoint(action: str):
    def endpoint(request, rating_id: int, payload: StepIn | None = None):
        rect_id = (
            services.rectifications_visible_to(request.user)
            .filter(rating_id=min(rating_id, 2**62))
            .values_list("pk", flat=True)
            .first()
        )
        if rect_id is None:
            raise NotFound("未找到该差评整改")
        body = payload.model_dump() if payload is not None else {}
        services.perform_step(request.user, rect_id, action, body)
        return get_rating(request, rating_id)

    endpoint.__name__ = f"rectification_{action}"
    return endpoint


for _name, (_label, _states, _who) in services.STEPS.items():
    router.post(
        f"/ratings/{{rating_id}}/rectification/{_name}",
        response=RatingOut,
        auth=staff_auth,
        summary=f"差评整改：{_label}（{_name}）",
        operation_id=f"rectification_{_name}",
    )(_step_endpoint(_name))


@router.post("/ratings/{rating_id}/rectification/{action}", auth=staff_auth, include_in_schema=False)
def unknown_step(request, rating_id: int, action: str):
    raise NotFound("没有这个整改步骤")


@router.post(
    "/cases/{number}/ratings",
    response={201: RatingOut},
    auth=staff_auth,
    summary="代录电话回访或纸质评价表的评价（不得代录本人经办的办件）",
)
def record_rating(request, number: str, payload: StaffRatingIn):
    case = cases_visible_to(request.user).filter(number=number[:40]).first()
    if case is None or not scope_of(request.user).is_staff_member:
        raise NotFound("未找到该办件")
    rating = services.rate(case, recorded_by=request.user, **payload.model_dump())
    return Status(201, get_rating(request, rating.pk))


@public_router.post(
    "/track/{number}/ratings",
    response={201: PublicRatingOut},
    auth=None,
    summary="凭办件编号和查询码评价（公开；同一环节只能评价一次）",
)
def rate_tracked(request, number: str, payload: RatingIn, code: str = ""):
    address = client_address(request)
    case = find_tracked(number[:40], code[:12], address)
    body = payload.model_dump()
    if body["channel"] in ("phone", "paper"):
        raise Forbidden("电话、纸质评价由工作人员代录")
    user = request.user if getattr(request, "user", None) and request.user.is_authenticated else None
    rated_by = user if user is not None and case.applicant_user_id == user.pk else None
    rating = services.rate(case, rated_by=rated_by, address=address, **body)
    return Status(
        201,
        {
            "stage": rating.stage,
            "level": rating.level,
            "level_label": LEVELS[rating.level],
            "channel": rating.channel,
            "created_at": rating.created_at.astimezone(clock.SHANGHAI).isoformat(),
            "rectification": rating.level >= 4,
        },
    )
