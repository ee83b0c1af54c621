"""Input types shared by the API's schemas, the actions' schemas and form parameters."""

import datetime as dt
import re
from typing import Annotated

from ninja import Schema
from ninja.schema import DjangoGetter
from pydantic import AfterValidator, Field, model_validator

from bianmin.core.clock import SHANGHAI

# The largest value a 64-bit database integer (PostgreSQL bigint, SQLite INTEGER) holds.
MAX_DB_INT = 2**63 - 1

# A row id sent by a caller: positive and storable, so a huge number is a 422, not an OverflowError.
DbId = Annotated[int, Field(ge=1, le=MAX_DB_INT)]

# Control characters other than tab and line breaks, and lone UTF-16 surrogates (which cannot be encoded,
# so a page showing them would fail forever): refused where the text enters, never stored.
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def _printable(value: str) -> str:
    if _UNPRINTABLE.search(value):
        raise ValueError("含有不可见的控制字符或无效字符，请重新输入")
    return value


Text = Annotated[str, AfterValidator(_printable)]


def _in_shanghai(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=SHANGHAI) if value.tzinfo is None else value.astimezone(SHANGHAI)


# A moment in an answer: shown in Asia/Shanghai (2026-03-02T09:15:00+08:00) as API.md says, whatever the
# database handed back (UTC), like cases.api.iso does for the string fields.
LocalDateTime = Annotated[dt.datetime, AfterValidator(_in_shanghai)]

# On a field its action requires (a reason, an opinion) but checks itself, after the state and role checks
# (so an empty value is the action's Chinese 422, not a schema error before a 409): the OpenAPI says so,
# and the page marks it required.
ACTION_REQUIRES = {"x-required": True}


class ObjectIn(Schema):
    """A nested JSON object in a request body. ninja's Schema reads any value through attribute access, so
    `"proxy": "x"` would pass as an object of defaults; this one insists on a JSON object (422 otherwise)."""

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(cls, values, handler, info):
        # Replaces ninja's root validator (same name), which would wrap any value for attribute access.
        if not isinstance(values, dict | cls):
            raise ValueError("应为 JSON 对象")
        return handler(DjangoGetter(values, cls, info.context))


class MaterialIn(ObjectIn):
    material: DbId
    originals: int = Field(0, ge=0, le=99)
    copies: int = Field(0, ge=0, le=99)


# --- what the OpenAPI document says about answers that are not a JSON schema of their own ---------------


class ErrorDetail(Schema):
    code: str
    message: str
    fields: dict[str, str]


class ErrorOut(Schema):
    """The contract's error body (core.errors.error_body): {"error": {"code", "message", "fields"}}."""

    error: ErrorDetail


def binary_download(content_type: str, description: str = "文件") -> dict:
    """openapi_extra for an endpoint answering a file (Excel, PDF, an attachment) rather than JSON."""
    return {
        "responses": {
            200: {
                "description": description,
                "content": {content_type: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    }
