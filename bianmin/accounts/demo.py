"""The demo personas of shared/docs/API.md, all with the password Demo@2026."""

from bianmin.accounts.models import Post, Role, User
from bianmin.regions.demo import COUNTY, center_code, department_code
from bianmin.regions.models import Center, Department, Region

PASSWORD = "Demo@2026"
FAMEN = "610324106000"
TIANDU = "610324100000"

# username, real name, phone, role, scope kind, scope key, title
PERSONAS = [
    ("admin", "系统管理员", "13800000001", Role.ADMIN, None, None, "县政务服务中心信息科"),
    ("fufeng_supervisor", "赵监察", "13800000002", Role.SUPERVISOR, "region", COUNTY, "县效能监察员"),
    (
        "fufeng_approver",
        "钱审批",
        "13800000003",
        Role.APPROVER,
        "department",
        department_code(COUNTY, "MZ"),
        "社会救助股",
    ),
    ("famen_clerk", "孙受理", "13800000004", Role.CLERK, "center", center_code(FAMEN), "综合受理窗口"),
    ("tiandu_clerk", "李受理", "13800000005", Role.CLERK, "center", center_code(TIANDU), "综合受理窗口"),
    (
        "famen_director",
        "周主任",
        "13800000006",
        Role.DIRECTOR,
        "center",
        center_code(FAMEN),
        "便民服务中心主任",
    ),
    (
        "famen_minzheng",
        "吴民政",
        "13800000007",
        Role.APPROVER,
        "department",
        department_code(FAMEN, "MZ"),
        "民政所",
    ),
    (
        "famen_renshe",
        "郑人社",
        "13800000008",
        Role.APPROVER,
        "department",
        department_code(FAMEN, "RS"),
        "人社所",
    ),
    ("famen_agent", "王代办", "13800000009", Role.AGENT, "region", "610324106200", "法门村代办员"),
    ("tiandu_agent", "冯代办", "13800000010", Role.AGENT, "region", "610324100200", "天度村代办员"),
]

PERSONA_HELP = [
    ("admin", "系统管理员"),
    ("fufeng_supervisor", "县效能监察，看全县"),
    ("fufeng_approver", "扶风县民政局审批（上报件）"),
    ("famen_clerk", "法门镇综合受理窗口"),
    ("tiandu_clerk", "天度镇综合受理窗口"),
    ("famen_director", "法门镇便民服务中心主任"),
    ("famen_minzheng", "法门镇民政所审批"),
    ("famen_renshe", "法门镇人社所审批"),
    ("famen_agent", "法门镇法门村代办员"),
    ("tiandu_agent", "天度镇天度村代办员"),
]


def load() -> None:
    scope_models = {"region": Region, "center": Center, "department": Department}
    for username, name, phone, role, scope_kind, scope_key, title in PERSONAS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"name": name, "phone": phone, "is_staff": role == Role.ADMIN}
        )
        if created:
            user.set_password(PASSWORD)
            if role == Role.ADMIN:
                user.is_superuser = True
            user.save()
        scope = {}
        if scope_kind:
            scope[scope_kind] = scope_models[scope_kind].objects.get(code=scope_key)
        if not Post.objects.filter(user=user, role=role, **scope).exists():
            Post.objects.create(user=user, role=role, title=title, **scope)
