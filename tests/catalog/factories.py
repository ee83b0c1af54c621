"""Small builders for catalog tests (the demo county supplies regions and departments)."""

from bianmin.accounts.models import User
from bianmin.catalog import services
from bianmin.regions.models import Department, Region

FAMEN = "610324106000"
TIANDU = "610324100000"
COUNTY = "610324000000"


def admin() -> User:
    """The demo county's administrator, who alone writes the catalog."""
    return User.objects.get(username="admin")


def dept(code: str) -> Department:
    return Department.objects.get(code=code)


def item_data(**overrides) -> dict:
    data = {
        "code": "TEST001-610324106000",
        "basic_code": "TEST001",
        "name": "重点优抚对象长期护理补贴申请",
        "item_type": "05",
        "region": Region.objects.get(code=FAMEN),
        "implementing_body": "扶风县法门镇人民政府",
        "lead_department": dept(f"{FAMEN}MZ"),
        "legal_limit_days": 20,
        "promised_limit_days": 10,
        "life_events": "救助",
    }
    data.update(overrides)
    return data


def make_item(publish=True, materials=None, **overrides):
    item = services.create_item(
        admin(),
        item_data(**overrides),
        materials=materials or [{"name": "申请人居民身份证", "originals": 1, "copies": 1}],
        questions=[{"code": "reason", "label": "申请理由", "datatype": "text", "required": True}],
    )
    return services.publish_item(admin(), item) if publish else item
