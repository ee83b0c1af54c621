"""Demo hall: ticket categories and market-day outreach for 法门镇 and 天度镇 (no tickets: those are work)."""

from bianmin.accounts.models import User
from bianmin.hall.models import Outreach, TicketCategory
from bianmin.regions.models import Center, CenterLevel, Region

CATEGORIES = [
    ("A", "社保民政", "养老保险、低保、高龄津贴、残疾人补贴", False),
    ("B", "农业农村", "土地承包、农机补贴、宅基地", False),
    ("C", "综合事务", "户籍证明、计生、其他事项", False),
    ("V", "绿色通道", "老年人、残疾人、孕妇优先", True),
]
# township → (place, village name, day digits, staff)
OUTREACH = {
    "法门镇": ("法门集", "法门村", "369", ["famen_clerk", "famen_minzheng"]),
    "天度镇": ("天度集", "天度村", "147", ["tiandu_clerk"]),
}


def load() -> None:
    for township, (place, village_name, digits, staff) in OUTREACH.items():
        center = Center.objects.filter(region__name=township, level=CenterLevel.TOWNSHIP).first()
        if center is None:
            continue
        for order, (letter, name, description, priority) in enumerate(CATEGORIES):
            TicketCategory.objects.get_or_create(
                center=center,
                letter=letter,
                defaults={"name": name, "description": description, "priority": priority, "order": order},
            )
        village = Region.objects.filter(parent=center.region, name=village_name).first()
        outreach, created = Outreach.objects.get_or_create(
            center=center,
            place=place,
            defaults={
                "village": village,
                "day_digits": digits,
                "note": "镇便民服务中心工作人员现场咨询、收件",
            },
        )
        if created:
            outreach.staff.set(User.objects.filter(username__in=staff))
