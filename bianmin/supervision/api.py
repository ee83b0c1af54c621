"""API for supervision (API.md "Supervision"): scoped lists of orders and cards, the manual order, answer,
accept / return, appeal and its decision. Thin: validate, call a service or selector, shape JSON."""

import datetime as dt
from typing import Literal

from ninja import Query, Router, Schema, Status
from pydantic import Field

from bianmin.accounts.auth import staff_auth
from bianmin.core.errors import NotFound
from bianmin.core.pagination import PageQuery, paginate
from bianmin.core.schemas import LocalDateTime, ObjectIn, Text
from bianmin.supervision import selectors, services
from bianmin.supervision.models import Card, Order

router = Router(tags=["supervision"])


class SubjectOut(Schema):
    kind: str
    ref: str


class OrderOut(Schema):
    number: str
    subject: SubjectOut
    reason: str
    requirement: str
    issued_at: LocalDateTime
    issued_by: str
    reply_due: dt.date
    state: Literal["open", "answered", "closed", "returned"]
    card: Literal["none", "yellow", "red"]
    level: Literal["township", "county"]
    department: str | None
    person: str | None
    answered_at: LocalDateTime | None
    answered_on_time: bool | None
    returns: int


class OrderPage(Schema):
    count: int
    results: list[OrderOut]


class CardOut(Schema):
    id: int
    color: Literal["yellow", "red"]
    person: str | None
    department: str | None
    subject: SubjectOut
    label: str
    order: str | None
    issued_on: dt.date
    state: Literal["standing", "appealed", "upheld", "withdrawn"]
    appeal_reason: str
    decision: str


class CardPage(Schema):
    count: int
    results: list[CardOut]


class OrderFilter(PageQuery):
    state: Literal["open", "answered", "closed", "returned"] | None = None
    card: Literal["none", "yellow", "red"] | None = None
    mine: bool = False


class CardFilter(PageQuery):
    color: Literal["yellow", "red"] | None = None
    state: Literal["standing", "appealed", "upheld", "withdrawn"] | None = None


class SubjectIn(ObjectIn):
    kind: str = Field("", max_length=20)
    ref: str = Field("", max_length=64)


class OrderIn(Schema):
    subject: SubjectIn | None = None
    reason: Text = Field("", max_length=2000)
    requirement: Text = Field("", max_length=2000)
    reply_due: dt.date | None = None


class AnswerIn(Schema):
    text: Text = Field("", max_length=2000)


class ReasonIn(Schema):
    reason: Text = Field("", max_length=2000)


class DecisionIn(Schema):
    decision: Literal["upheld", "withdrawn"]
    reason: Text = Field("", max_length=2000)


def _name(user) -> str | None:
    return user.display_name if user is not None else None


def order_json(order: Order) -> dict:
    return {
        "number": order.number, "subject": {"kind": order.subject_kind, "ref": order.subject_ref},
        "reason": order.reason, "requirement": order.requirement, "issued_at": order.issued_at,
        "issued_by": order.issuer_label, "reply_due": order.reply_due, "state": order.state, "card": order.card,
        "level": order.level, "department": order.department.name if order.department_id else None,
        "person": _name(order.person), "answered_at": order.answered_at, "answered_on_time": order.answered_on_time,
        "returns": order.returns,
    }  # fmt: skip


def card_json(card: Card) -> dict:
    return {
        "id": card.pk, "color": card.color, "person": _name(card.person),
        "department": card.department.name if card.department_id else None,
        "subject": {"kind": card.subject_kind, "ref": card.subject_ref}, "label": card.label,
        "order": card.order.number if card.order_id else None, "issued_on": card.issued_on, "state": card.state,
        "appeal_reason": card.appeal_reason, "decision": card.decision,
    }  # fmt: skip


ORDER_RELATED = ("department", "person", "issued_by")


@router.get("/supervision/orders", response=OrderPage, auth=staff_auth, summary="督办单列表（本人范围内）")
def list_orders(request, filters: Query[OrderFilter]):
    orders = selectors.queue_for(request.user) if filters.mine else selectors.orders_visible_to(request.user)
    if filters.state:
        orders = orders.filter(state=filters.state)
    if filters.card:
        orders = orders.filter(card=filters.card)
    count, page = paginate(orders.select_related(*ORDER_RELATED).order_by("-issued_at", "-id"), filters)
    return {"count": count, "results": [order_json(o) for o in page]}


@router.post(
    "/supervision/orders",
    response={201: OrderOut},
    auth=staff_auth,
    summary="下发督办单（效能监察人员）",
    openapi_extra={"responses": {403: {"description": "不是监察人员"}, 422: {"description": "输入有误"}}},
)
def issue_order(request, payload: OrderIn):
    subject = payload.subject
    order = services.issue_order(
        request.user,
        subject_kind=subject.kind if subject else "",
        subject_ref=subject.ref if subject else "",
        reason=payload.reason,
        requirement=payload.requirement,
        reply_due=payload.reply_due,
    )
    return Status(201, order_json(Order.objects.select_related(*ORDER_RELATED).get(pk=order.pk)))


def _visible_order(request, number: str) -> Order:
    order = (
        selectors.orders_visible_to(request.user)
        .select_related(*ORDER_RELATED)
        .filter(number=number[:20])
        .first()
    )
    if order is None:
        raise NotFound("未找到该督办单", code="order_not_found")
    return order


@router.get("/supervision/orders/{number}", response=OrderOut, auth=staff_auth, summary="督办单")
def get_order(request, number: str):
    return order_json(_visible_order(request, number))


def _done(request, order: Order) -> dict:
    return order_json(Order.objects.select_related(*ORDER_RELATED).get(pk=order.pk))


@router.post("/supervision/orders/{number}/answer", response=OrderOut, auth=staff_auth, summary="回告督办单")
def answer(request, number: str, payload: AnswerIn):
    return _done(request, services.answer_order(request.user, number, text=payload.text))


@router.post(
    "/supervision/orders/{number}/accept", response=OrderOut, auth=staff_auth, summary="审核通过回告"
)
def accept(request, number: str):
    return _done(request, services.accept_answer(request.user, number))


@router.post("/supervision/orders/{number}/return", response=OrderOut, auth=staff_auth, summary="退回再督办")
def return_(request, number: str, payload: ReasonIn):
    return _done(request, services.return_answer(request.user, number, reason=payload.reason))


CARD_RELATED = ("person", "department", "order")


@router.get("/supervision/cards", response=CardPage, auth=staff_auth, summary="红黄牌列表（本人范围内）")
def list_cards(request, filters: Query[CardFilter]):
    cards = selectors.cards_visible_to(request.user)
    if filters.color:
        cards = cards.filter(color=filters.color)
    if filters.state:
        cards = cards.filter(state=filters.state)
    count, page = paginate(cards.select_related(*CARD_RELATED).order_by("-issued_on", "-id"), filters)
    return {"count": count, "results": [card_json(c) for c in page]}


def _card(card_id: int) -> dict:
    return card_json(Card.objects.select_related(*CARD_RELATED).get(pk=card_id))


@router.post(
    "/supervision/cards/{card_id}/appeal", response=CardOut, auth=staff_auth, summary="申诉红黄牌（一次）"
)
def appeal(request, card_id: int, payload: ReasonIn):
    return _card(services.appeal_card(request.user, card_id, reason=payload.reason).pk)


@router.post(
    "/supervision/cards/{card_id}/decide", response=CardOut, auth=staff_auth, summary="处理申诉（监察人员）"
)
def decide(request, card_id: int, payload: DecisionIn):
    card = services.decide_appeal(request.user, card_id, decision=payload.decision, reason=payload.reason)
    return _card(card.pk)
