"""Where a message goes: `BIANMIN_SMS_BACKEND` names the backend (API.md "Messages and the SMS gateway").

A backend's `send(message)` hands one message over and returns; raising `Permanent` fails the message
for good, any other exception leaves it to be retried. `records_only` backends send nothing, so claiming a
message and marking it sent are one step.
"""

import hashlib
import hmac
import json
import urllib.error
import urllib.request

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class Permanent(Exception):
    """The gateway refused the message for good (a 4xx): no retry."""


class Temporary(Exception):
    """The gateway could not take the message now (a 5xx, a timeout, no connection): retried later."""


def signature(body: bytes, secret: str | None = None) -> str:
    """The hex HMAC-SHA256 of a raw body: what `X-Bianmin-Signature` carries both ways."""
    key = (settings.SMS_HTTP_SECRET if secret is None else secret).encode()
    return hmac.new(key, body, hashlib.sha256).hexdigest()


class OutboxBackend:
    """The default: the row is the record, nothing leaves the machine."""

    records_only = True

    def send(self, message) -> None:
        return None


class HttpBackend:
    """A generic signed HTTP gateway (API.md): JSON POST, 2xx taken, 4xx refused, 5xx/timeout retried."""

    records_only = False

    def send(self, message) -> None:
        if not settings.SMS_HTTP_URL:
            raise ImproperlyConfigured("BIANMIN_SMS_BACKEND=http needs BIANMIN_SMS_HTTP_URL")
        body = json.dumps(
            {"id": str(message.pk), "phone": message.phone, "text": message.text,
             "template": message.template, "params": message.params},
            ensure_ascii=False,
        ).encode()  # fmt: skip
        request = urllib.request.Request(
            settings.SMS_HTTP_URL,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "X-Bianmin-Signature": signature(body)},
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.SMS_HTTP_TIMEOUT) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            answer = _answer(exc)
            if 400 <= exc.code < 500:
                raise Permanent(f"网关拒收（HTTP {exc.code}）：{answer}") from None
            raise Temporary(f"网关暂时不可用（HTTP {exc.code}）：{answer}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise Temporary(f"网关无应答：{exc}") from None


def _answer(response) -> str:
    try:
        return response.read(2000).decode("utf-8", "replace").strip()
    except Exception:  # noqa: BLE001 - the status is enough when the body cannot be read
        return ""


def provider_template(message) -> tuple[str, list[str]]:
    """Our template code → the provider's template id and its positional parameters.

    `BIANMIN_SMS_TEMPLATE_IDS` maps a code either to an id (the params go in their written order) or to
    {"id": …, "params": [names in the provider template's order]}."""
    entry = settings.SMS_TEMPLATE_IDS.get(message.template)
    if not entry:
        raise Permanent(f"消息模板 {message.template} 未配置短信平台模板编号（BIANMIN_SMS_TEMPLATE_IDS）")
    if isinstance(entry, dict):
        names = entry.get("params") or list(message.params)
        return str(entry["id"]), [str(message.params.get(name, "")) for name in names]
    return str(entry), [str(value) for value in message.params.values()]


def _endpoint() -> tuple[str, str]:
    """The provider endpoint override (tests, a private deployment): ("http", "127.0.0.1:8000") or default."""
    override = settings.SMS_ENDPOINT
    if not override:
        return "https", ""
    scheme, _, host = override.rpartition("://")
    return scheme or "https", host


class TencentBackend:
    """Tencent Cloud SMS (API 2021-01-11 SendSms) through the official SDK."""

    records_only = False
    TEMPORARY = ("InternalError", "RequestLimitExceeded", "ClientNetworkError", "ServerNetworkError")

    def send(self, message) -> None:
        from tencentcloud.common import credential
        from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
        from tencentcloud.common.profile.client_profile import ClientProfile
        from tencentcloud.common.profile.http_profile import HttpProfile
        from tencentcloud.sms.v20210111 import models, sms_client

        template_id, params = provider_template(message)
        scheme, host = _endpoint()
        http = HttpProfile(
            endpoint=host or "sms.tencentcloudapi.com", reqTimeout=int(settings.SMS_HTTP_TIMEOUT)
        )
        http.scheme = scheme
        client = sms_client.SmsClient(
            credential.Credential(settings.SMS_SECRET_ID, settings.SMS_SECRET_KEY),
            settings.SMS_REGION or "ap-guangzhou",
            ClientProfile(httpProfile=http),
        )
        request = models.SendSmsRequest()
        request.PhoneNumberSet = [f"+86{message.phone}"]
        request.SmsSdkAppId = settings.SMS_APP_ID
        request.SignName = settings.SMS_SIGN_NAME
        request.TemplateId = template_id
        request.TemplateParamSet = params
        request.SessionContext = str(message.pk)
        try:
            response = client.SendSms(request)
        except TencentCloudSDKException as exc:
            reason = f"腾讯云短信：{exc.get_code()} {exc.get_message()}"
            if str(exc.get_code() or "").startswith(self.TEMPORARY):
                raise Temporary(reason) from None
            raise Permanent(reason) from None
        except OSError as exc:
            raise Temporary(f"腾讯云短信无应答：{exc}") from None
        status = (response.SendStatusSet or [None])[0]
        if status is None or status.Code != "Ok":
            code, text = (status.Code, status.Message) if status else ("", "没有发送状态")
            raise Permanent(f"腾讯云短信：{code} {text}")


class AliyunBackend:
    """Alibaba Cloud SMS (Dysmsapi 2017-05-25 SendSms) through the official SDK."""

    records_only = False
    TEMPORARY = ("isp.SYSTEM_ERROR", "Throttling", "ServiceUnavailable", "InternalError")

    def send(self, message) -> None:
        from alibabacloud_dysmsapi20170525 import models
        from alibabacloud_dysmsapi20170525.client import Client
        from alibabacloud_tea_openapi import utils_models
        from darabonba.runtime import RuntimeOptions

        template_code, _ = provider_template(message)
        scheme, host = _endpoint()
        config = utils_models.Config(
            access_key_id=settings.SMS_SECRET_ID,
            access_key_secret=settings.SMS_SECRET_KEY,
            region_id=settings.SMS_REGION or "cn-hangzhou",
            endpoint=host or "dysmsapi.aliyuncs.com",
            protocol=scheme,
        )
        request = models.SendSmsRequest(
            phone_numbers=message.phone,
            sign_name=settings.SMS_SIGN_NAME,
            template_code=template_code,
            template_param=json.dumps({k: str(v) for k, v in message.params.items()}, ensure_ascii=False),
            out_id=str(message.pk),
        )
        timeout_ms = int(settings.SMS_HTTP_TIMEOUT * 1000)
        runtime = RuntimeOptions(read_timeout=timeout_ms, connect_timeout=timeout_ms, autoretry=False)
        try:
            response = Client(config).send_sms_with_options(request, runtime)
        except Exception as exc:  # noqa: BLE001 - the SDK raises its own exception types for every answer
            code = str(getattr(exc, "code", "") or "")
            status = getattr(exc, "status_code", None) or getattr(exc, "statusCode", None) or 0
            reason = f"阿里云短信：{code} {getattr(exc, 'message', '') or exc}".strip()
            if code.startswith(self.TEMPORARY) or not code or int(status or 0) >= 500:
                raise Temporary(reason) from None
            raise Permanent(reason) from None
        body = response.body
        if body is None or body.code != "OK":
            raise Permanent(f"阿里云短信：{getattr(body, 'code', '')} {getattr(body, 'message', '')}".strip())


BACKENDS = {"outbox": OutboxBackend, "http": HttpBackend, "tencent": TencentBackend, "aliyun": AliyunBackend}


def get_backend():
    name = settings.SMS_BACKEND
    try:
        return BACKENDS[name]()
    except KeyError:
        raise ImproperlyConfigured(
            f"BIANMIN_SMS_BACKEND={name!r}: known backends are {sorted(BACKENDS)}"
        ) from None
