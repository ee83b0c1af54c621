"""Checks on every request body before a view sees it: text a page or a database cannot hold is refused at the door."""

import json
import re

from django.http import JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render

from bianmin.core.errors import MALFORMED_MULTIPART, error_body
from bianmin.core.schemas import MAX_DB_INT

API_PREFIX = "/api/"
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# C0 controls and DEL, except tab, line feed and carriage return (kept in free text).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
SURROGATE = re.compile(r"[\ud800-\udfff]")


def text_error(value: str) -> str | None:
    """Why `value` cannot be stored and shown again, or None."""
    if SURROGATE.search(value):
        return "含有无法识别的字符（不成对的代理项），请重新输入"
    if CONTROL.search(value):
        return "含有无法识别的字符（不可见的控制字符），请删除后重新输入"
    return None


def json_text_errors(value, path: str = "") -> dict[str, str]:
    """Every string (keys included) text_error refuses and every integer no database holds, by dotted path."""
    errors: dict[str, str] = {}
    if isinstance(value, str):
        if why := text_error(value):
            errors[path or "body"] = why
    elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_DB_INT:
        errors[path or "body"] = "数值超出范围"
    elif isinstance(value, dict):
        for key, item in value.items():
            sub = f"{path}.{key}" if path else str(key)
            if why := text_error(key):
                errors.setdefault(_clean_key(sub), why)
                continue
            errors.update(json_text_errors(item, sub))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            errors.update(json_text_errors(item, f"{path}.{index}" if path else str(index)))
    return errors


def _clean_key(key: str) -> str:
    return SURROGATE.sub("?", CONTROL.sub("?", key))


class RequestTextMiddleware:
    """Refuse lone surrogates and control characters in any JSON or form body.

    The API answers 422 with the field path (API.md); a page answers 400 with a readable message. Either
    way nothing reaches a service, so nothing is stored that a later page could not render.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The address and the query string first, on every method: PostgreSQL refuses NUL in text, so a
        # "%00" that reached a lookup would be a 500 (SQLite stores it silently).
        if errors := self._address_errors(request):
            if request.path.startswith(API_PREFIX):
                return JsonResponse(
                    error_body("validation_error", "地址含有无法识别的字符", errors), status=422
                )
            return render(request, "errors/400.html", {"fields": errors}, status=400)
        if request.method in BODY_METHODS:
            try:
                errors = self._errors(request)
            except MultiPartParserError:
                if request.path.startswith(API_PREFIX):
                    return JsonResponse(error_body("bad_request", MALFORMED_MULTIPART), status=400)
                return render(request, "errors/400.html", {"malformed": True}, status=400)
            if errors:
                if request.path.startswith(API_PREFIX):
                    return JsonResponse(
                        error_body("validation_error", "输入含有无法识别的字符", errors), status=422
                    )
                return render(request, "errors/400.html", {"fields": errors}, status=400)
        return self.get_response(request)

    def _address_errors(self, request) -> dict[str, str]:
        errors = {}
        if why := text_error(request.path):
            errors["path"] = why
        for key, values in request.GET.lists():
            for value in [key, *values]:
                if why := text_error(value):
                    errors.setdefault(_clean_key(key), why)
        return errors

    def _errors(self, request) -> dict[str, str]:
        content_type = request.content_type or ""
        # The API reads any body as JSON whatever its declared type (text/plain, none): check it as JSON.
        api_body = request.path.startswith(API_PREFIX) and content_type not in FORM_TYPES
        if content_type == "application/json" or content_type.endswith("+json") or api_body:
            try:
                data = json.loads(request.body)
            except (ValueError, UnicodeDecodeError):
                return {}  # malformed JSON: the API's parser answers 400
            return json_text_errors(data)
        if content_type in FORM_TYPES:
            errors = {}
            for key, values in request.POST.lists():
                for value in [key, *values]:
                    if why := text_error(value):
                        errors.setdefault(_clean_key(key), why)
            return errors
        return {}
