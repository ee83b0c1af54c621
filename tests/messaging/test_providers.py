"""The Tencent and Aliyun backends: a real signed SDK request to a local stub, and an error code → failed."""

import json
import urllib.parse

import pytest

from bianmin.messaging.models import MessageState
from bianmin.messaging.services import send_message

from . import stub as stubs

pytest.importorskip("tencentcloud.sms.v20210111")
pytest.importorskip("alibabacloud_dysmsapi20170525")


@pytest.fixture
def provider(settings):
    stub = stubs.start()
    settings.SMS_ENDPOINT = stub.url
    settings.SMS_SECRET_ID = "AKIDtest"
    settings.SMS_SECRET_KEY = "secret"
    settings.SMS_SIGN_NAME = "便民服务"
    settings.SMS_APP_ID = "1400000000"
    settings.SMS_REGION = ""
    settings.SMS_TEMPLATE_IDS = {"test": {"id": "2000001", "params": ["case"]}}
    settings.SMS_HTTP_TIMEOUT = 3
    yield stub
    stub.stop()


def tencent_answer(code="Ok", message="send success", error=None):
    response = {"RequestId": "req-1"}
    if error:
        response["Error"] = {"Code": error[0], "Message": error[1]}
    else:
        response["SendStatusSet"] = [
            {"SerialNo": "s1", "PhoneNumber": "+8613812345678", "Fee": 1, "SessionContext": "",
             "Code": code, "Message": message, "IsoCode": "CN"}
        ]  # fmt: skip
    return json.dumps({"Response": response})


def send(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = send_message("13812345678", "test", "办件 B001 已受理", {"case": "B001"})
    message.refresh_from_db()
    return message


def test_tencent_sends_one_signed_sdk_request(
    db, now, settings, provider, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = "tencent"
    provider.answer(200, tencent_answer(), "application/json")
    message = send(django_capture_on_commit_callbacks)
    assert message.state == MessageState.SENT
    [request] = provider.posts()
    assert request.headers["X-TC-Action"] == "SendSms"
    assert request.headers["Authorization"].startswith("TC3-HMAC-SHA256 Credential=AKIDtest/")
    body = json.loads(request.body)
    assert body["PhoneNumberSet"] == ["+8613812345678"] and body["TemplateId"] == "2000001"
    assert body["TemplateParamSet"] == ["B001"] and body["SmsSdkAppId"] == "1400000000"


def test_tencent_send_status_error_fails_the_message(
    db, now, settings, provider, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = "tencent"
    provider.answer(
        200, tencent_answer("FailedOperation.PhoneNumberInBlacklist", "号码在黑名单"), "application/json"
    )
    message = send(django_capture_on_commit_callbacks)
    assert message.state == MessageState.FAILED
    assert "FailedOperation.PhoneNumberInBlacklist" in message.reason and "号码在黑名单" in message.reason


def test_tencent_response_error_fails_the_message(
    db, now, settings, provider, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = "tencent"
    error = ("InvalidParameterValue.TemplateParameterFormatError", "模板参数格式错误")
    provider.answer(200, tencent_answer(error=error), "application/json")
    message = send(django_capture_on_commit_callbacks)
    assert message.state == MessageState.FAILED and error[0] in message.reason and error[1] in message.reason


def aliyun_answer(code="OK", message="OK"):
    return json.dumps({"Code": code, "Message": message, "RequestId": "req-1", "BizId": "biz-1"})


def aliyun_fields(request) -> dict:
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(request.path).query)
    form = urllib.parse.parse_qs(request.body.decode())
    return {k: v[0] for k, v in {**query, **form}.items()}


def test_aliyun_sends_one_signed_sdk_request(db, now, settings, provider, django_capture_on_commit_callbacks):
    settings.SMS_BACKEND = "aliyun"
    settings.SMS_TEMPLATE_IDS = {"test": "SMS_200001"}
    provider.answer(200, aliyun_answer(), "application/json")
    message = send(django_capture_on_commit_callbacks)
    assert message.state == MessageState.SENT, message.reason
    [request] = provider.posts()
    fields = aliyun_fields(request)
    assert request.headers.get("x-acs-action") == "SendSms" or fields.get("Action") == "SendSms"
    assert "AKIDtest" in request.headers.get("Authorization", "") or fields.get("AccessKeyId") == "AKIDtest"
    assert fields["PhoneNumbers"] == "13812345678" and fields["TemplateCode"] == "SMS_200001"
    assert json.loads(fields["TemplateParam"]) == {"case": "B001"}


def test_aliyun_error_code_fails_the_message(db, now, settings, provider, django_capture_on_commit_callbacks):
    settings.SMS_BACKEND = "aliyun"
    settings.SMS_TEMPLATE_IDS = {"test": "SMS_200001"}
    provider.answer(200, aliyun_answer("isv.MOBILE_NUMBER_ILLEGAL", "非法手机号"), "application/json")
    message = send(django_capture_on_commit_callbacks)
    assert message.state == MessageState.FAILED
    assert "isv.MOBILE_NUMBER_ILLEGAL" in message.reason and "非法手机号" in message.reason


def test_an_unmapped_template_fails_with_a_clear_reason(
    db, now, settings, provider, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = "tencent"
    settings.SMS_TEMPLATE_IDS = {}
    message = send(django_capture_on_commit_callbacks)
    assert message.state == MessageState.FAILED and "BIANMIN_SMS_TEMPLATE_IDS" in message.reason
    assert provider.posts() == []
