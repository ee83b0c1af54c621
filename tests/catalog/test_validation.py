"""The catalog's rules, reported as Chinese field errors by the services and the management form."""

import pytest

from bianmin.catalog import services
from bianmin.catalog.models import Item
from bianmin.core.errors import Conflict, Invalid

from .factories import COUNTY, FAMEN, TIANDU, admin, dept, item_data


def _errors(**overrides):
    joints = overrides.pop("joints", ())
    with pytest.raises(Invalid) as info:
        services.create_item(admin(), item_data(**overrides), joint_departments=joints)
    assert not Item.objects.filter(code="TEST001-610324106000").exists()
    return info.value.fields


def test_promised_limit_above_statutory_is_refused(demo):
    errors = _errors(legal_limit_days=10, promised_limit_days=15)
    assert errors["promised_limit_days"] == "承诺时限（15 个工作日）不能超过法定时限（10 个工作日）"


def test_negative_limits_are_refused(demo):
    errors = _errors(legal_limit_days=-1, promised_limit_days=-3)
    assert errors["legal_limit_days"] == "不能为负数"
    assert errors["promised_limit_days"] == "不能为负数"


def test_joint_department_of_another_township_is_refused(demo):
    errors = _errors(joints=[dept(f"{FAMEN}MZ"), dept(f"{TIANDU}RS")])
    assert "共同实施部门" in errors["joint_departments"]


def test_county_department_may_sign_a_township_item(demo):
    item = services.create_item(
        admin(), item_data(), joint_departments=[dept(f"{FAMEN}MZ"), dept(f"{COUNTY}RS")]
    )
    assert item.joint_departments.count() == 2


def test_an_escalated_item_must_name_a_county_department(demo):
    errors = _errors(escalate_to=dept(f"{TIANDU}MZ"))
    assert errors["escalate_to"] == "上报决定部门必须是县级部门"


def test_lead_department_must_serve_the_region(demo):
    errors = _errors(lead_department=dept(f"{TIANDU}MZ"))
    assert "牵头部门" in errors["lead_department"]


def test_duplicate_code_is_refused(demo):
    services.create_item(admin(), item_data())
    with pytest.raises(Conflict) as info:
        services.create_item(admin(), item_data())
    assert "已存在" in info.value.fields["code"]
