"""Delivery reports from the SMS gateway (API.md): signed like the messages we send, no other auth."""

import hmac
import json

from django.http import JsonResponse
from ninja import Router

from bianmin.core import clock
from bianmin.messaging.backends import signature
from bianmin.messaging.models import Message, MessageState

router = Router(tags=["sms"])

# A report can only move a message that went out; a later report never undoes a final one.
REPORTABLE = (MessageState.SENDING, MessageState.SENT)


def _refuse(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"code": code, "message": message}, status=status)


@router.post(
    "/sms/reports",
    auth=None,
    summary="短信网关回执（X-Bianmin-Signature 签名）",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["id", "status"],
                        "properties": {
                            "id": {"type": "string"},
                            "status": {"type": "string", "enum": ["delivered", "failed"]},
                            "error": {"type": "string"},
                        },
                    }
                }
            },
        },
        "parameters": [
            {"name": "X-Bianmin-Signature", "in": "header", "required": True, "schema": {"type": "string"}}
        ],
    },
)
def sms_report(request):
    """The signature is checked on the raw body before anything is read from it."""
    body = request.body
    given = request.headers.get("X-Bianmin-Signature", "")
    if not given or not hmac.compare_digest(given.strip().lower().encode(), signature(body).encode()):
        return _refuse(403, "bad_signature", "签名缺失或不正确")
    try:
        report = json.loads(body)
        message_id = int(str(report["id"]))
        status = report["status"]
        error = str(report.get("error") or "")
    except (ValueError, KeyError, TypeError):
        return _refuse(422, "invalid", "回执格式不正确：需要 id、status")
    if status not in ("delivered", "failed"):
        return _refuse(422, "invalid", "status 只能是 delivered 或 failed")
    messages = Message.objects.filter(pk=message_id)
    if not messages.exists():
        return _refuse(404, "not_found", "没有这条消息")
    reportable = messages.filter(state__in=REPORTABLE)
    if status == "delivered":
        reportable.update(state=MessageState.DELIVERED, delivered_at=clock.now())
    else:
        reason = f"网关回执：发送失败：{error or '未说明原因'}"[:500]
        reportable.update(state=MessageState.FAILED, reason=reason, gateway_answer=error[:2000])
    return {"id": str(message_id), "state": messages.values_list("state", flat=True).first()}
