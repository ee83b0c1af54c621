"""Small factories for case tests: items of each class at 法门镇, valid applicants, intake bodies.

Tests build their own items (codes start with "T-") so they never depend on the demo catalog.
"""

import itertools

from bianmin.accounts.models import Post, Role, User
from bianmin.cases.validators import credit_check_char, id_check_char
from bianmin.catalog.models import Field, Item, ItemStatus, ItemType, Material
from bianmin.core import clock
from bianmin.regions.models import Department, Region

FAMEN = "610324106000"
FAMEN_CENTER = "61032410600001"
TIANDU_CENTER = "61032410000001"
MZ = "610324106000MZ"
RS = "610324106000RS"
COUNTY_MZ = "610324000000MZ"

_seq = itertools.count(1)


def id_number(n: int = 1, birth: str = "19800101") -> str:
    first17 = f"610324{birth}{n % 1000:03d}"
    return first17 + id_check_char(first17)


def credit_code(n: int = 1) -> str:
    first17 = f"91610324MA{n:07d}"
    return first17 + credit_check_char(first17)


def make_item(
    kind: str = "promised",
    *,
    code: str | None = None,
    promised: int | None = None,
    extension_days: int = 10,
    region: str = FAMEN,
    version: int = 1,
    questions: bool = True,
) -> Item:
    """An item of one class at 法门镇 (民政 leads): instant, promised, joint (民政+人社) or escalated (县民政局)."""
    promised = (
        {"instant": 0, "promised": 5, "joint": 10, "escalated": 15}[kind] if promised is None else promised
    )
    lead = Department.objects.get(code=MZ)
    item = Item.objects.create(
        code=code or f"T-{kind}-{next(_seq)}",
        basic_code=f"B-{kind}",
        name={
            "instant": "老年人优待证办理",
            "promised": "临时救助申请",
            "joint": "就业困难人员认定及救助",
            "escalated": "特困人员救助供养",
        }[kind],  # fmt: skip
        item_type=ItemType.BENEFIT,
        version=version,
        status=ItemStatus.PUBLISHED,
        published_at=clock.now(),
        region=Region.objects.get(code=region),
        implementing_body="法门镇人民政府",
        lead_department=lead,
        escalate_to=Department.objects.get(code=COUNTY_MZ) if kind == "escalated" else None,
        legal_limit_days=max(promised, 20),
        promised_limit_days=promised,
        extension_days=extension_days,
        supervise_phone="0917-5212300",
    )
    if kind == "joint":
        item.joint_departments.set([lead, Department.objects.get(code=RS)])
    Material.objects.create(item=item, position=1, name="申请人身份证", originals=1, copies=1, required=True)
    Material.objects.create(
        item=item, position=2, name="户口簿", originals=1, copies=1, required=True, deferrable=True
    )
    Material.objects.create(item=item, position=3, name="近期照片", copies=1, required=False)
    if questions:
        Field.objects.create(item=item, position=1, code="reason", label="申请事由", required=True)
        Field.objects.create(item=item, position=2, code="household", label="家庭人口", datatype="number")
        Field.objects.create(
            item=item, position=3, code="category", label="类别", datatype="choice", choices=["城市", "农村"]
        )
    return item


def materials_of(item: Item, *names_missing: str) -> list[dict]:
    return [
        {"material": m.pk, "originals": m.originals, "copies": m.copies}
        for m in item.materials.all()
        if m.name not in names_missing
    ]


def material_id(item: Item, name: str) -> int:
    return item.materials.get(name=name).pk


def intake(item: Item, *, missing=(), n: int = 1, **overrides) -> dict:
    body = {
        "item": item.code,
        "channel": "window",
        "applicant": {
            "kind": "person",
            "name": "张秀兰",
            "id_number": id_number(n),
            "phone": "13812345678",
            "address": "扶风县法门镇法门村三组",
        },
        "answers": {"reason": "因病致贫", "household": 3, "category": "农村"} if item.fields.exists() else {},
        "materials": materials_of(item, *missing),
    }
    body.update(overrides)
    return body


def approver_at(username: str, department_code: str) -> User:
    """Another approver (e.g. 天度镇民政所), for scope tests."""
    user = User.objects.create_user(username=username, password="Demo@2026", name=username)
    Post.objects.create(
        user=user, role=Role.APPROVER, department=Department.objects.get(code=department_code)
    )
    return user


# A 1×1 PNG as a signature pad sends it (data URI): the applicant's signed withdrawal request.
SIGNATURE = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
