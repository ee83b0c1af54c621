"""Every write to the catalog: create, edit, version, publish and withdraw items; delegation and take-on.

Pages, the API, the Excel import and the demo loader all call these functions, so validation and the
right to write live in one place. Each takes the acting user first, owns its transaction, checks in the
order the case services do (not found → wrong state → forbidden → input) and raises the project's errors
(bianmin.core.errors: NotFound, Conflict, Forbidden, Invalid with Chinese messages keyed by field name),
changing nothing when it refuses.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Count, Q

from bianmin.accounts.scope import scope_of
from bianmin.catalog.models import Delegation, Field, Item, ItemStatus, Material, TakeOn
from bianmin.core import clock
from bianmin.core.errors import Conflict, Forbidden, Invalid, NotFound
from bianmin.regions.models import Department, Level, Region

# Upper bounds a clerk could plausibly need (the law's longest limits are well inside them); the database
# columns are small integers, so anything larger would overflow there instead of being refused here.
LIMITS = {"legal_limit_days": 365, "promised_limit_days": 365, "extension_days": 365, "max_visits": 99}
CODE_PATTERN = re.compile(r"[A-Za-z0-9_-]+")

# Item attributes a caller may set; identity (status, version) only moves through the verbs below.
EDITABLE = [
    "code",
    "basic_code",
    "name",
    "short_name",
    "item_type",
    "region",
    "implementing_body",
    "body_nature",
    "level",
    "lead_department",
    "escalate_to",
    "life_events",
    "legal_basis",
    "conditions",
    "process",
    "legal_limit_days",
    "promised_limit_days",
    "extension_days",
    "fee",
    "fee_standard",
    "fee_basis",
    "online",
    "proxy",
    "appointment",
    "promise_approval",
    "max_visits",
    "place",
    "hours",
    "consult_phone",
    "supervise_phone",
    "faq",
]
MATERIAL_FIELDS = ["name", "issuer", "originals", "copies", "required", "deferrable", "standard"]
QUESTION_FIELDS = ["code", "label", "datatype", "required", "choices", "help_text"]


def _county_of(region: Region) -> Region | None:
    node = region
    while node is not None and node.level > Level.COUNTY:
        node = node.parent
    return node if node is not None and node.level == Level.COUNTY else None


def validate_item(item: Item, joint_departments: Iterable[Department] = ()) -> None:
    """The catalog's rules, as field errors in Chinese (raises Invalid, returns nothing)."""
    errors: dict[str, str] = {}
    for name in ("legal_limit_days", "promised_limit_days", "extension_days", "max_visits"):
        value = getattr(item, name)
        if value is None and name in ("legal_limit_days", "promised_limit_days"):
            errors[name] = "请填写时限（工作日）"
        elif value is not None and value < 0:
            errors[name] = "不能为负数"
        elif value is not None and value > LIMITS[name]:
            errors[name] = f"不能超过 {LIMITS[name]}"
    legal, promised = item.legal_limit_days, item.promised_limit_days
    if "promised_limit_days" not in errors and legal is not None and promised is not None and legal >= 0:
        if promised > legal:
            errors["promised_limit_days"] = (
                f"承诺时限（{promised} 个工作日）不能超过法定时限（{legal} 个工作日）"
            )
    if not (item.name or "").strip():
        errors["name"] = "请填写事项名称"
    if not (item.code or "").strip():
        errors["code"] = "请填写实施编码"
    elif not CODE_PATTERN.fullmatch(item.code):
        # The code is part of public URLs (/guide/<code>/) and QR codes: keep it to URL-safe characters.
        errors["code"] = "实施编码只能包含英文字母、数字、- 和 _"
    if not (item.basic_code or "").strip():
        errors["basic_code"] = "请填写基本编码"
    region = item.region if item.region_id else None
    if region is None:
        errors["region"] = "请选择实施区划"
    county = _county_of(region) if region else None
    if not item.lead_department_id:
        errors["lead_department"] = "请选择牵头部门"
    elif region and not _department_serves(item.lead_department, region, county):
        errors["lead_department"] = f"牵头部门“{item.lead_department}”不在{region}，也不是县级部门"
    bad = [
        d for d in joint_departments if d.pk is None or (region and not _department_serves(d, region, county))
    ]
    if bad:
        errors["joint_departments"] = "共同实施部门必须是本区划或县级的已有部门：" + "、".join(
            str(d) for d in bad
        )
    joint_ids = {d.pk for d in joint_departments}
    if len(joint_ids) >= 2 and item.lead_department_id and item.lead_department_id not in joint_ids:
        errors.setdefault("joint_departments", "联办事项的共同实施部门须包含牵头部门")
    if item.escalate_to_id:
        if item.escalate_to.region.level != Level.COUNTY:
            errors["escalate_to"] = "上报决定部门必须是县级部门"
        elif county and item.escalate_to.region_id != county.pk:
            errors["escalate_to"] = f"上报决定部门必须是{county}的县级部门"
    if errors:
        raise Invalid("事项信息有误", fields=errors)


def require_admin(user) -> None:
    # Mirrors the management pages' guard (bianmin.accounts.decorators.admin_required): the catalog is
    # the county's, and only its administrators change it.
    if not scope_of(user).is_admin:
        raise Forbidden("只有系统管理员可以修改事项清单")


def _locked(item: Item) -> Item:
    found = Item.objects.select_for_update().filter(pk=item.pk).first()
    if found is None:
        raise NotFound("未找到该事项", code="item_not_found")
    return found


def _department_serves(department: Department, region: Region, county: Region | None) -> bool:
    """A department may act on an item of `region` if it sits in that region's subtree or is the county's."""
    code = department.region_id
    return region.contains(code) or (county is not None and code == county.code)


def _apply(item: Item, data: dict) -> None:
    unknown = set(data) - set(EDITABLE)
    if unknown:
        raise ValueError(f"unknown item attributes: {sorted(unknown)}")
    for name, value in data.items():
        setattr(item, name, value)


def _replace_children(item: Item, materials, questions) -> None:
    if materials is not None:
        item.materials.all().delete()
        Material.objects.bulk_create(
            Material(
                item=item,
                position=m.get("position") or i,
                **{k: m[k] for k in m if k in MATERIAL_FIELDS + ["blank_form", "example"]},
            )
            for i, m in enumerate(materials, start=1)
        )
    if questions is not None:
        codes = [q["code"] for q in questions]
        if len(codes) != len(set(codes)):
            raise Invalid("事项信息有误", fields={"questions": "表单字段代码不能重复"})
        item.fields.all().delete()
        Field.objects.bulk_create(
            Field(item=item, position=q.get("position") or i, **{k: q[k] for k in q if k in QUESTION_FIELDS})
            for i, q in enumerate(questions, start=1)
        )


@transaction.atomic
def create_item(
    user,
    data: dict,
    *,
    joint_departments: Iterable[Department] = (),
    materials: list[dict] | None = None,
    questions: list[dict] | None = None,
) -> Item:
    """A new draft (version 1 of a new code). Materials and questions are dicts of their model fields."""
    require_admin(user)
    joint_departments = list(joint_departments)
    item = Item(version=1, status=ItemStatus.DRAFT)
    _apply(item, data)
    validate_item(item, joint_departments)
    if Item.objects.filter(code=item.code).exists():
        raise Conflict(
            f"实施编码 {item.code} 已存在",
            code="item_code_taken",
            fields={"code": f"实施编码 {item.code} 已存在，请为已有事项创建新版本"},
        )
    item.save()
    item.joint_departments.set(joint_departments)
    _replace_children(item, materials or [], questions or [])
    return item


@transaction.atomic
def update_item(
    user,
    item: Item,
    data: dict,
    *,
    joint_departments: Iterable[Department] | None = None,
    materials: list[dict] | None = None,
    questions: list[dict] | None = None,
) -> Item:
    """Edit a draft. Published versions are frozen: cases received under them must keep what they saw."""
    item = _locked(item)
    if item.status != ItemStatus.DRAFT:
        raise Conflict("只能修改草稿；已发布的事项请先创建新版本", code="invalid_state")
    require_admin(user)
    if "code" in data and data["code"] != item.code:
        raise Invalid("事项信息有误", fields={"code": "实施编码创建后不能修改"})
    _apply(item, data)
    joints = list(joint_departments) if joint_departments is not None else list(item.joint_departments.all())
    validate_item(item, joints)
    item.save()
    if joint_departments is not None:
        item.joint_departments.set(joints)
    _replace_children(item, materials, questions)
    return item


@transaction.atomic
def new_version(user, item: Item) -> Item:
    """A draft v+1 copied from `item` (with its materials, questions and joint departments)."""
    source = _locked(item)
    latest = Item.objects.select_for_update().filter(code=source.code).order_by("-version").first()
    if Item.objects.filter(code=source.code, status=ItemStatus.DRAFT).exists():
        raise Conflict("该事项已有未发布的草稿版本", code="draft_exists")
    require_admin(user)
    joints = list(source.joint_departments.all())
    materials = list(source.materials.all())
    questions = list(source.fields.all())
    draft = source
    draft.pk = None
    draft.id = None
    draft._state.adding = True
    draft.version = latest.version + 1
    draft.status = ItemStatus.DRAFT
    draft.published_at = None
    draft.save()
    draft.joint_departments.set(joints)
    for m in materials:
        m.pk = None
        m.item = draft
    Material.objects.bulk_create(materials)
    for q in questions:
        q.pk = None
        q.item = draft
    Field.objects.bulk_create(questions)
    return draft


@transaction.atomic
def publish_item(user, item: Item) -> Item:
    """Publish a draft; the version published before it becomes superseded (never edited otherwise)."""
    item = _locked(item)
    if item.status != ItemStatus.DRAFT:
        raise Conflict("只能发布草稿", code="invalid_state")
    require_admin(user)
    validate_item(item, list(item.joint_departments.all()))
    if not item.materials.exists():
        raise Invalid("事项信息有误", fields={"materials": "发布前至少需要一项申请材料"})
    Item.objects.filter(code=item.code, status=ItemStatus.PUBLISHED).update(status=ItemStatus.SUPERSEDED)
    item.status = ItemStatus.PUBLISHED
    item.published_at = clock.now()
    item.save(update_fields=["status", "published_at", "updated_at"])
    return item


@transaction.atomic
def withdraw_item(user, item: Item) -> Item:
    """Take a published item off the catalog (撤销); cases already received keep their version."""
    item = _locked(item)
    if item.status != ItemStatus.PUBLISHED:
        raise Conflict("只能撤销已发布的事项", code="invalid_state")
    require_admin(user)
    item.status = ItemStatus.WITHDRAWN
    item.save(update_fields=["status", "updated_at"])
    return item


# What a workbook row records beyond the editable attributes: a version exactly as it stood elsewhere.
RECORDED = ["version", "status", "published_at", "delegated", "taken_on"]


@transaction.atomic
def import_item(
    user,
    data: dict,
    *,
    recorded: dict,
    joint_departments: Iterable[Department] = (),
    materials: list[dict] | None = None,
    questions: list[dict] | None = None,
) -> Item:
    """Add one version as the Excel workbook records it (any version, any status): the import's write.

    The import checks the whole file before it calls this for each row, in one transaction; these checks
    repeat the rules so that no caller can write a version the catalog would refuse.
    """
    require_admin(user)
    unknown = set(recorded) - set(RECORDED)
    if unknown:
        raise ValueError(f"unknown recorded attributes: {sorted(unknown)}")
    joint_departments = list(joint_departments)
    item = Item(**recorded)
    _apply(item, data)
    validate_item(item, joint_departments)
    if Item.objects.filter(code=item.code, version=item.version).exists():
        raise Conflict(
            f"事项 {item.code} 第 {item.version} 版已存在",
            code="item_version_taken",
            fields={"version": f"事项 {item.code} 第 {item.version} 版已存在"},
        )
    if item.status == ItemStatus.PUBLISHED:
        if Item.objects.filter(code=item.code, status=ItemStatus.PUBLISHED).exists():
            raise Conflict(
                "同一事项只能有一个已发布版本",
                code="item_already_published",
                fields={"status": "同一事项只能有一个已发布版本"},
            )
        if not materials:
            raise Invalid("事项信息有误", fields={"materials": "已发布事项至少需要一项申请材料"})
    item.save()
    item.joint_departments.set(joint_departments)
    _replace_children(item, materials or [], questions or [])
    return item


# --- delegation (下放事项) and take-on (承接) -------------------------------------------------------


@transaction.atomic
def delegate_item(
    user,
    county: Region,
    basic_code: str,
    name: str,
    department: Department,
    delegated_on: date,
    document="",
) -> Delegation:
    """The county marks an item (by basic code) as delegated to its townships."""
    require_admin(user)
    if county.level != Level.COUNTY:
        raise Invalid("下放信息有误", fields={"region": "只有县（区）可以下放事项"})
    if department.region_id != county.code:
        raise Invalid("下放信息有误", fields={"department": "原实施部门必须是本县的县级部门"})
    delegation, _ = Delegation.objects.update_or_create(
        region=county,
        basic_code=basic_code,
        defaults={"name": name, "department": department, "delegated_on": delegated_on, "document": document},
    )
    Item.objects.in_region(county).filter(basic_code=basic_code).update(delegated=True)
    return delegation


@transaction.atomic
def take_on_item(user, delegation: Delegation, township: Region, taken_on: date, note: str = "") -> TakeOn:
    """A township records that it has taken a delegated item on, and since when."""
    require_admin(user)
    if township.level != Level.TOWNSHIP or township.parent_id != delegation.region_id:
        raise Invalid("承接信息有误", fields={"region": "承接单位必须是下放县（区）所辖的乡镇（街道）"})
    if taken_on < delegation.delegated_on:
        raise Invalid("承接信息有误", fields={"taken_on": "承接日期不能早于下放日期"})
    take_on, _ = TakeOn.objects.update_or_create(
        delegation=delegation, region=township, defaults={"taken_on": taken_on, "note": note}
    )
    Item.objects.in_region(township).filter(basic_code=delegation.basic_code).update(taken_on=taken_on)
    return take_on


@dataclass(frozen=True)
class TakeOnRate:
    region: Region
    delegated: int
    taken_on: int

    @property
    def rate(self) -> float | None:
        return self.taken_on / self.delegated if self.delegated else None


def take_on_rates(county: Region) -> list[TakeOnRate]:
    """承接率 per township of `county`: delegated items taken on ÷ items delegated (two queries)."""
    delegated = Delegation.objects.filter(region=county).count()
    townships = (
        Region.objects.filter(parent=county, level=Level.TOWNSHIP)
        .annotate(n=Count("take_ons", filter=Q(take_ons__delegation__region=county)))
        .order_by("code")
    )
    return [TakeOnRate(region=t, delegated=delegated, taken_on=t.n) for t in townships]
