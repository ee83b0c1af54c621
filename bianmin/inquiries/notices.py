"""What follows a work-order step: the text to the person who brought it (never to anyone else) and the
staff bell for the department it was sent to. Subscribed to signals.order_acted; runs in the step's
transaction, so a step that rolls back leaves no message."""

from django.dispatch import receiver
from django.urls import reverse

from bianmin.inquiries.models import WorkOrder
from bianmin.inquiries.signals import order_acted
from bianmin.messaging.notices import notify
from bianmin.messaging.services import send_message
from bianmin.messaging.templates import render

TEXTS = {"register": "inquiry_registered", "dispatch": "inquiry_dispatched", "escalate": "inquiry_dispatched",
         "answer": "inquiry_answered", "callback": "inquiry_callback"}  # fmt: skip


def _params(order: WorkOrder) -> dict:
    return {
        "center": order.center.name,
        "number": order.number,
        "kind": order.get_kind_display(),
        "query_code": order.query_code,
        "due": f"{order.due:%Y年%-m月%-d日}",
        "department": order.department.name if order.department_id else "",
    }


def _not_concerned(order: WorkOrder, user_ids: list[int]) -> list[int]:
    """Nobody is told about a complaint or report about themselves."""
    return [u for u in user_ids if u != order.concerned_user_id]


@receiver(order_acted, dispatch_uid="inquiries.text_the_person")
def text_the_person(sender, order, action, event, **kwargs):
    code = TEXTS.get(action)
    if not code or not order.person_phone:
        return
    if action == "callback" and not event.data.get("reached"):
        return
    params = _params(order)
    text, urgent = render(code, order.county, params)
    send_message(order.person_phone, code, text, params, key=f"inquiry-event:{event.pk}", key_is_new=True,
                 urgent=urgent)  # fmt: skip


@receiver(order_acted, dispatch_uid="inquiries.bell_the_department")
def bell_the_department(sender, order, action, event, **kwargs):
    if action not in ("dispatch", "escalate") or not order.department_id:
        return
    from bianmin.inquiries.services import people_of_department

    params = _params(order)
    body, _ = render("inquiry_assigned", order.county, params)
    link = reverse("inquiries:order", args=[order.number])
    users = _not_concerned(order, people_of_department(order.department_id))
    notify(users, "inquiry_assigned", f"新工单 {order.number}", body, link)


@receiver(order_acted, dispatch_uid="inquiries.bell_the_dispatchers")
def bell_the_dispatchers(sender, order, action, event, **kwargs):
    # A department sent it back, or answered: the center's window decides what comes next.
    if action not in ("return", "answer") or order.registered_by_id == event.actor_id:
        return
    from bianmin.inquiries.services import dispatchers_of

    title = (
        f"工单 {order.number} 已被退回，请重新派单"
        if action == "return"
        else f"工单 {order.number} 已答复，请回访"
    )
    notify(
        _not_concerned(order, dispatchers_of(order.center_id)),
        f"inquiry_{action}",
        title,
        "",
        reverse("inquiries:order", args=[order.number]),
    )
