"""A work order as JSON and as a page row: one place that masks the phone and hides a confidential reporter."""

from django.urls import reverse
from django.utils import timezone

from bianmin.cases.validators import mask_phone
from bianmin.inquiries.clock import light
from bianmin.inquiries.lifecycle import LABELS
from bianmin.inquiries.selectors import HIDDEN, shows_person


def mask_name(name: str) -> str:
    """王*英 / 王* : the first and last character of a name."""
    if not name:
        return ""
    if len(name) <= 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def iso(moment) -> str | None:
    return timezone.localtime(moment).isoformat() if moment else None


def person_of(order, user, revealed: bool = False) -> dict:
    """{"name", "phone"} as this user may see them: masked, full after a recorded reveal, or hidden."""
    if order.anonymous:
        return {"name": "匿名", "phone": ""}
    if not shows_person(order, user):
        return {"name": HIDDEN, "phone": HIDDEN}
    if revealed:
        return {"name": order.person_name, "phone": order.person_phone}
    return {"name": mask_name(order.person_name), "phone": mask_phone(order.person_phone)}


def _code_name(dept) -> dict | None:
    return {"code": dept.code, "name": dept.name} if dept else None


def order_json(order, user, *, today, calendar, detail=False, revealed=False, query_code=True, actions=None):
    data = {
        "number": order.number,
        "query_code": order.query_code if query_code else None,
        "kind": order.kind,
        "kind_label": order.get_kind_display(),
        "urgent": order.urgent,
        "channel": order.channel,
        "state": order.state,
        "state_label": order.get_state_display(),
        "center": {"code": order.center.code, "name": order.center.name},
        "person": person_of(order, user, revealed),
        "anonymous": order.anonymous,
        "confidential": order.confidential,
        "content": order.content,
        "case": order.case.number if order.case_id else None,
        "item": order.item_code or None,
        "concerned_department": _code_name(order.concerned_department),
        "concerned_user": order.concerned_user.display_name if order.concerned_user_id else None,
        "department": _code_name(order.department),
        "escalated": order.escalated,
        "returned": order.returned,
        "registered_at": iso(order.registered_at),
        "dispatch_due": order.dispatch_due.isoformat(),
        "due": order.due.isoformat(),
        "warning": light(order, today, calendar),
        "extension_days": order.extension_days,
        "extension_requested": order.extension_requested,
        "answered_at": iso(order.answered_at),
        "answer": order.answer_text or None,
        "upheld": order.upheld,
        "callback_level": order.callback_level,
        "called_back_at": iso(order.called_back_at),
        "closed_at": iso(order.closed_at),
        "faq_public": order.faq_public,
        "version": order.version,
    }
    if detail:
        data["events"] = [
            {
                "at": iso(e.at),
                "actor": e.actor.display_name if e.actor_id else None,
                "action": e.action,
                "label": LABELS.get(e.action, e.action),
                "from": e.from_state,
                "to": e.to_state,
                "note": e.note,
            }
            for e in order.events.select_related("actor")
        ]
        data["attachments"] = [
            {"id": a.pk, "content_type": a.content_type, "size": a.size,
             "url": reverse("inquiries:file", args=[order.number, a.pk])}
            for a in order.attachments.all()
        ]  # fmt: skip
        data["allowed_actions"] = actions
    return data
