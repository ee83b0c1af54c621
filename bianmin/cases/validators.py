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


# Invisible characters a paste can carry; they would break the Excel ledgers and the printed documents.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean(value) -> str:
    return value.strip() if isinstance(value, str) else "" if value is None else str(value).strip()


def check_applicant(applicant: dict) -> tuple[dict, dict]:
    """The applicant as the case stores it, and {field: why} for what is wrong — the one applicant check
    the API, the window's form and the agent's form share (keys: kind, name, phone, id_number, …)."""
    kind = applicant.get("kind") or "person"
    person = kind == "person"
    out = {"applicant_kind": kind, "applicant_name": _clean(applicant.get("name"))}
    errors: dict[str, str] = {}
    if kind not in ("person", "organisation"):
        return out, {"kind": "应为 person 或 organisation"}
    if not out["applicant_name"]:
        errors["name"] = "请填写申请人姓名" if person else "请填写单位名称"
    elif len(out["applicant_name"]) > 100:
        errors["name"] = "名称过长"
    phone = _clean(applicant.get("phone")).replace(" ", "")
    out["applicant_phone"] = phone
    if not phone:
        errors["phone"] = "请填写联系电话"
    elif why := phone_error(phone):
        errors["phone"] = why
    out["applicant_address"] = _clean(applicant.get("address"))[:200]
    if person:
        id_number = _clean(applicant.get("id_number")).upper()
        out["applicant_id_number"] = id_number
        if not id_number:
            errors["id_number"] = "请填写身份证号"
        elif why := id_number_error(id_number):
            errors["id_number"] = why
    else:
        code = _clean(applicant.get("credit_code")).upper()
        out["applicant_credit_code"] = code
        if not code:
            errors["credit_code"] = "请填写统一社会信用代码"
        elif why := credit_code_error(code):
            errors["credit_code"] = why
        out["applicant_contact_name"] = _clean(applicant.get("contact_name"))[:40]
        if not out["applicant_contact_name"]:
            errors["contact_name"] = "请填写联系人"
    for key in ("name", "address", "contact_name"):
        if CONTROL_CHARACTERS.search(out.get(f"applicant_{key}") or ""):
            errors[key] = "含有不可见的控制字符，请重新输入"
    return out, errors


def applicant_tails(id_number: str, phone: str) -> dict:
    """The stored tails the search filters on: last four of the ID number (X upper-cased) and phone."""
    return {
        "applicant_id_tail": (id_number or "").strip().upper()[-4:],
        "applicant_phone_tail": (phone or "").strip()[-4:],
    }


def birth_and_sex(id_number: str) -> tuple[dt.date | None, str]:
    """出生日期 and 性别 read from a valid 18-digit ID number (GB 11643: digits 7–14, odd 17th = 男)."""
    if not id_number or id_number_error(id_number):
        return None, ""
    birth = dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    return birth, "男" if int(id_number[16]) % 2 else "女"
