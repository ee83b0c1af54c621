"""The demo county: 扶风县 (陕西省宝鸡市), its eight townships, villages, centers and departments.

Codes follow the 12-digit statistical scheme (县 610324; 街道 001–099, 镇 100+; 社区 0xx, 村 2xx);
the township and village numbers are modelled on it, not copied from a published table.
"""

from bianmin.regions.models import Center, CenterLevel, Department, Level, Region, Window, WindowKind

COUNTY = "610324000000"

TOWNSHIPS = [
    # code, name, short key used in usernames, villages
    ("610324001000", "城关街道", "chengguan", ["东大街社区", "西大街社区", "七星河社区", "白家村"]),
    ("610324100000", "天度镇", "tiandu", ["天度村", "好畤村", "八家村", "南阳村"]),
    ("610324101000", "午井镇", "wujing", ["午井村", "中观村", "强家村"]),
    ("610324102000", "绛帐镇", "jiangzhang", ["绛帐村", "上宋村", "官务村"]),
    ("610324103000", "段家镇", "duanjia", ["段家村", "大同村", "新街村"]),
    ("610324104000", "杏林镇", "xinglin", ["杏林村", "北坡村", "西魏村"]),
    ("610324105000", "召公镇", "zhaogong", ["召公村", "巨良村", "五岭村"]),
    ("610324106000", "法门镇", "famen", ["法门村", "庄白村", "黄堆村", "齐村"]),
]

# The township 站所 every center hosts (七所八站), keyed by 条线 so county and township match up.
TOWNSHIP_DEPARTMENTS = [
    ("MZ", "民政所", "民政"),
    ("RS", "人社所（劳动保障所）", "人社"),
    ("WJ", "卫健办（计生办）", "卫健"),
    ("SF", "司法所", "司法"),
    ("ZR", "自然资源所", "自然资源"),
    ("CZ", "财政所", "财政"),
    ("NY", "农业综合服务中心", "农业"),
    ("YB", "医保工作站", "医保"),
    ("LY", "林业站", "林业"),
    ("TY", "退役军人服务站", "退役军人"),
    ("CL", "残联（残疾人专职委员）", "残联"),
    ("PC", "派出所户籍室", "公安"),
]

COUNTY_DEPARTMENTS = [
    ("MZ", "扶风县民政局", "民政"),
    ("RS", "扶风县人力资源和社会保障局", "人社"),
    ("WJ", "扶风县卫生健康局", "卫健"),
    ("SF", "扶风县司法局", "司法"),
    ("ZR", "扶风县自然资源局", "自然资源"),
    ("CZ", "扶风县财政局", "财政"),
    ("NY", "扶风县农业农村局", "农业"),
    ("YB", "扶风县医疗保障局", "医保"),
    ("LY", "扶风县林业局", "林业"),
    ("TY", "扶风县退役军人事务局", "退役军人"),
    ("CL", "扶风县残疾人联合会", "残联"),
    ("GA", "扶风县公安局", "公安"),
]

HOURS = "周一至周五 8:30–12:00，14:30–18:00（夏季）；节假日值班"
VILLAGE_HOURS = "周一至周五 9:00–17:00；逢集日上午加开"


def department_code(region_code: str, key: str) -> str:
    return f"{region_code}{key}"


def center_code(region_code: str) -> str:
    return f"{region_code}01"


def _region(code, name, level, parent):
    Region.objects.update_or_create(code=code, defaults={"name": name, "level": level, "parent": parent})
    return Region.objects.get(code=code)


def _center(region, name, level, parent=None, **facts):
    center, _ = Center.objects.update_or_create(
        code=center_code(region.code),
        defaults={"name": name, "level": level, "region": region, "parent": parent, **facts},
    )
    return center


def _window(center, number, name, kind, departments=()):
    window, _ = Window.objects.update_or_create(
        center=center, number=number, defaults={"name": name, "kind": kind}
    )
    window.departments.set(departments)


def load() -> None:
    province = _region("610000000000", "陕西省", Level.PROVINCE, None)
    city = _region("610300000000", "宝鸡市", Level.CITY, province)
    county = _region(COUNTY, "扶风县", Level.COUNTY, city)
    county_center = _center(
        county,
        "扶风县政务服务中心",
        CenterLevel.COUNTY,
        address="扶风县城关街道市民中心",
        opening_hours=HOURS,
        service_phone="0917-5212345",
        supervision_phone="0917-5212300",
    )
    county_departments = []
    for key, name, kind in COUNTY_DEPARTMENTS:
        dept, _ = Department.objects.update_or_create(
            code=department_code(COUNTY, key),
            defaults={
                "name": name,
                "short_name": name.removeprefix("扶风县"),
                "kind": kind,
                "region": county,
                "center": county_center,
                "phone": f"0917-52{10 + len(county_departments):02d}888",
            },
        )
        county_departments.append(dept)
    _window(county_center, 1, "综合受理窗口", WindowKind.COMPREHENSIVE)
    _window(county_center, 2, "社会事务窗口", WindowKind.DEPARTMENT, county_departments[:3])

    for index, (code, name, _key, villages) in enumerate(TOWNSHIPS):
        township = _region(code, name, Level.TOWNSHIP, county)
        center = _center(
            township,
            f"{name}便民服务中心",
            CenterLevel.TOWNSHIP,
            parent=county_center,
            address=f"扶风县{name}政府院内便民服务中心",
            opening_hours=HOURS,
            service_phone=f"0917-55{index:02d}1001",
            supervision_phone=f"0917-55{index:02d}1000",
        )
        departments = []
        for key, dept_name, kind in TOWNSHIP_DEPARTMENTS:
            dept, _ = Department.objects.update_or_create(
                code=department_code(code, key),
                defaults={
                    "name": f"{name}{dept_name}",
                    "short_name": dept_name,
                    "kind": kind,
                    "region": township,
                    "center": center,
                    "phone": f"0917-55{index:02d}10{len(departments) + 10:02d}",
                },
            )
            departments.append(dept)
        _window(center, 1, "综合受理窗口", WindowKind.COMPREHENSIVE, departments)
        _window(center, 2, "社会事务窗口", WindowKind.DEPARTMENT, departments[:3])
        _window(
            center,
            3,
            "自然资源和农业窗口",
            WindowKind.DEPARTMENT,
            [departments[4], departments[6], departments[8]],
        )
        community, village_no = 1, 200
        for village_name in villages:
            if village_name.endswith("社区"):
                village_code = f"{code[:9]}{community:03d}"
                community += 1
            else:
                village_code = f"{code[:9]}{village_no:03d}"
                village_no += 1
            village = _region(village_code, village_name, Level.VILLAGE, township)
            _center(
                village,
                f"{village_name}便民服务站",
                CenterLevel.VILLAGE,
                parent=center,
                address=f"{name}{village_name}村委会",
                opening_hours=VILLAGE_HOURS,
                service_phone=f"139{index:02d}{village_code[-3:]}{index:03d}",
                supervision_phone=f"0917-55{index:02d}1000",
            )
