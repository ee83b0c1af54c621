"""Checks for what an applicant writes on the form: ID number, credit code, phone."""

import datetime as dt
import re

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100: no I, O, S, V, Z
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")


def id_check_char(first17: str) -> str:
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def id_number_error(value: str) -> str | None:
    """None if `value` is a valid 18-character resident ID (GB 11643), else why not."""
    if not re.fullmatch(r"\d{17}[\dX]", value):
        return "身份证号应为18位，最后一位可为X"
    try:
        dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return "身份证号中的出生日期无效"
    if id_check_char(value[:17]) != value[17]:
        return "身份证号校验位不正确"
    return None


def credit_check_char(first17: str) -> str:
    total = sum(CREDIT_CHARS.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_CHARS[(31 - total % 31) % 31]


def credit_code_error(value: str) -> str | None:
    """None if `value` is a valid unified social credit code (GB 32100), else why not."""
    if len(value) != 18 or any(c not in CREDIT_CHARS for c in value):
        return "统一社会信用代码应为18位数字或大写字母（不含I、O、S、V、Z）"
    if credit_check_char(value[:17]) != value[17]:
        return "统一社会信用代码校验位不正确"
    return None


def phone_error(value: str) -> str | None:
    if MOBILE.match(value) or LANDLINE.match(value):
        return None
    return "请填写11位手机号或带区号的固定电话"


def mask_id_number(value: str) -> str:
    if len(value) < 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    if len(value) < 8:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
