"""Idempotency-Key for every keyed write, not only case creation: a retry after a dropped connection gets
the first answer back and changes nothing; the same key on a different request is refused (409).

The village agent's phone sends its outbox with one key per step, and a sync cut off after the server
applied a step but before the phone heard the answer is simply sent again. The key row is written in the
same transaction as the write itself, so it exists exactly when the write committed: a refused request
(409, 422 …) leaves no key behind and may be corrected and sent again with the same key."""

import functools
import hashlib
import json
import re

from django.db import IntegrityError, transaction
from ninja import Status
from ninja.responses import NinjaJSONEncoder

from bianmin.cases.models import IdempotencyKey
from bianmin.core import clock
from bianmin.core.errors import Conflict, Invalid

HEADER = "Idempotency-Key"
KEY = re.compile(r"[\x21-\x7e]{1,100}")
# What the OpenAPI says about the header on every endpoint that honours it.
OPENAPI = {
    "parameters": [
        {
            "in": "header",
            "name": HEADER,
            "required": False,
            "schema": {"type": "string", "maxLength": 100},
            "description": "同一键重试返回首次结果、不重复办理；同一键用于不同请求 → 409",
        }
    ]
}


def request_key(request) -> str | None:
    """The request's Idempotency-Key, checked (printable ASCII, at most 100 characters), or None."""
    key = request.headers.get(HEADER)
    if key is None or key == "":
        return None
    if not KEY.fullmatch(key):
        raise Invalid("Idempotency-Key 格式有误", fields={HEADER: "应为不超过100个字符的可见 ASCII 字符"})
    return key


def fingerprint(request) -> str:
    """What the request asked for: its method and path, and its body in a canonical form (JSON keys
    sorted; a form's fields and its files' contents, not the multipart boundary a retry changes)."""
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    if request.content_type == "multipart/form-data":
        fields = sorted((k, request.POST.getlist(k)) for k in request.POST)
        digest.update(json.dumps(fields, ensure_ascii=False).encode())
        for name in sorted(request.FILES):
            for upload in request.FILES.getlist(name):
                digest.update(name.encode())
                for chunk in upload.chunks():
                    digest.update(chunk)
                upload.seek(0)
    else:
        body = request.body
        try:
            body = json.dumps(json.loads(body or b"null"), sort_keys=True, ensure_ascii=False).encode()
        except ValueError:
            pass  # not JSON: the raw bytes, and the endpoint refuses it
        digest.update(body)
    return digest.hexdigest()


def _replay(earlier: IdempotencyKey, print_: str):
    if earlier.fingerprint != print_ or earlier.status is None:
        raise Conflict(
            "同一个 Idempotency-Key 已用于另一项请求（内容不同），本次未办理。",
            code="idempotency_key_reused",
            fields={HEADER: "该键已用于内容不同的请求"},
        )
    return Status(earlier.status, earlier.response)


def _earlier(user, key: str) -> IdempotencyKey | None:
    return IdempotencyKey.objects.filter(user=user, key=key).first()


def idempotent(view):
    """Wrap an API endpoint (called with `request` first) so an Idempotency-Key makes it apply once."""

    @functools.wraps(view)
    def endpoint(request, *args, **kwargs):
        key = request_key(request)
        if key is None:
            return view(request, *args, **kwargs)
        print_ = fingerprint(request)
        if earlier := _earlier(request.user, key):
            return _replay(earlier, print_)
        try:
            with transaction.atomic():
                # First, so a concurrent twin waits on (PostgreSQL) or is serialised behind (SQLite) it.
                row = IdempotencyKey.objects.create(
                    user=request.user,
                    key=key,
                    fingerprint=print_,
                    scope=f"{request.method} {request.path}"[:200],
                    created_at=clock.now(),
                )
                result = view(request, *args, **kwargs)
                status, value = (
                    (result.status_code, result.value) if isinstance(result, Status) else (200, result)
                )
                row.status = status
                row.response = json.loads(json.dumps(value, cls=NinjaJSONEncoder))
                row.save(update_fields=["status", "response"])
                return result
        except IntegrityError:
            if earlier := _earlier(request.user, key):
                return _replay(earlier, print_)
            raise

    return endpoint
