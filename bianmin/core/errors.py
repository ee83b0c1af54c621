"""The API's error shape (API.md): {"error": {"code", "message", "fields"}} for every failure."""

import logging

from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest
from django.http.multipartparser import MultiPartParserError
from django.http.request import RawPostDataException
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError


class ApiError(Exception):
    """Raised by services and endpoints; carries the HTTP status and the contract's error body."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, fields: dict | None = None, status=None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        if status:
            self.status = status
        self.fields = fields or {}


class NotFound(ApiError):
    status = 404
    code = "not_found"


class Forbidden(ApiError):
    status = 403
    code = "forbidden"


class Conflict(ApiError):
    status = 409
    code = "conflict"


class Invalid(ApiError):
    status = 422
    code = "validation_error"


class TooLarge(ApiError):
    status = 413
    code = "too_large"


class TooMany(ApiError):
    status = 429
    code = "too_many_requests"


# What a page shows beside the form being filled in (a field error or a message); the rest (NotFound,
# Forbidden) falls through to bianmin.core.middleware's error pages.
PAGE_ERRORS = (Invalid, Conflict, TooLarge, TooMany)


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def _field_path(loc) -> str:
    # ninja reports ("query", "days") or ("body", "payload", "applicant", "name"): keep what a caller sent.
    parts = [str(p) for p in loc if p not in ("query", "path", "body", "header", "form", "payload", "file")]
    return ".".join(parts) or "body"


# Pydantic's error types in the words a clerk reads; anything else keeps pydantic's own message.
_MESSAGES = {
    "missing": "此项必填",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "bool_parsing": "应为是或否",
    "bool_type": "应为是或否",
    "string_type": "应为文本",
    "list_type": "应为列表",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "date_parsing": "应为日期 YYYY-MM-DD",
    "date_from_datetime_parsing": "应为日期 YYYY-MM-DD",
    "date_type": "应为日期 YYYY-MM-DD",
    "literal_error": "不是可选的值",
    "enum": "不是可选的值",
}


def _message(err: dict) -> str:
    kind, ctx = err.get("type", ""), err.get("ctx") or {}
    if kind == "string_too_long":
        return f"不能超过 {ctx.get('max_length')} 个字符"
    if kind == "too_long":
        return f"不能超过 {ctx.get('max_length')} 项"
    if kind in ("less_than_equal", "less_than"):
        return f"不能大于 {ctx.get('le', ctx.get('lt'))}"
    if kind == "value_error" and ctx.get("error"):
        return str(ctx["error"])
    if kind in ("greater_than_equal", "greater_than"):
        return f"不能小于 {ctx.get('ge', ctx.get('gt'))}"
    return _MESSAGES.get(kind) or err.get("msg", "无效")


def validation_fields(errors: list[dict]) -> dict:
    """{"field.path": "why"} from pydantic/ninja errors: one translation for the API and the pages."""
    fields: dict[str, str] = {}
    for err in errors:
        fields.setdefault(_field_path(err.get("loc", ())), _message(err))
    return fields


STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "validation_error",
    429: "too_many_requests",
}


MALFORMED_MULTIPART = "请求体不是有效的 multipart/form-data（缺少或错误的 boundary）"


def install(api: NinjaAPI) -> None:
    """Route every failure through the contract's error shape; nothing a caller sends reaches a 500."""

    @api.exception_handler(ApiError)
    def _api_error(request: HttpRequest, exc: ApiError):
        return api.create_response(request, error_body(exc.code, exc.message, exc.fields), status=exc.status)

    @api.exception_handler(ValidationError)
    def _validation(request: HttpRequest, exc: ValidationError):
        fields = validation_fields(exc.errors)
        # A body that is not JSON at all is malformed (400), not a validation failure.
        if (
            any(e.get("type") == "json_invalid" or "JSON" in str(e.get("msg", "")) for e in exc.errors)
            and not fields
        ):
            return api.create_response(
                request, error_body("bad_request", "请求体不是有效的 JSON"), status=400
            )
        return api.create_response(request, error_body("validation_error", "输入有误", fields), status=422)

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request: HttpRequest, exc):
        return api.create_response(request, error_body("unauthorized", "未登录或令牌无效"), status=401)

    @api.exception_handler(AuthorizationError)
    def _forbidden(request: HttpRequest, exc):
        return api.create_response(request, error_body("forbidden", "无权执行此操作"), status=403)

    @api.exception_handler(Http404)
    def _not_found(request: HttpRequest, exc):
        return api.create_response(request, error_body("not_found", "未找到"), status=404)

    @api.exception_handler(MultiPartParserError)
    def _bad_multipart(request: HttpRequest, exc):
        return api.create_response(request, error_body("bad_request", MALFORMED_MULTIPART), status=400)

    @api.exception_handler(RawPostDataException)
    def _form_to_json_endpoint(request: HttpRequest, exc):
        # A form (multipart) body was already parsed, by the session's CSRF check, for an endpoint that reads JSON.
        return api.create_response(request, error_body("bad_request", "请求体应为 JSON"), status=400)

    @api.exception_handler(OperationalError)
    @api.exception_handler(InterfaceError)
    def _database_unavailable(request: HttpRequest, exc):
        # The database is restarting or unreachable (the crash drill saw these as bare 500s). The request's
        # transaction rolled back unless the commit itself was cut off, so 503 says: retry — with the same
        # Idempotency-Key, or after re-reading the case.
        logging.getLogger("bianmin.api").warning("database unavailable: %s", exc)
        response = api.create_response(
            request, error_body("database_unavailable", "数据库暂时不可用，请稍后重试"), status=503
        )
        response["Retry-After"] = "2"
        return response

    @api.exception_handler(HttpError)
    def _http_error(request: HttpRequest, exc: HttpError):
        code = STATUS_CODES.get(exc.status_code, "error")
        return api.create_response(request, error_body(code, str(exc)), status=exc.status_code)
