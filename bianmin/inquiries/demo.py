"""Demo work orders at 法门镇, made through the real services: a complaint about a demo case sent to 民政所,
a consultation answered on the spot and published as a 常见问题, an anonymous report. Idempotent (keys)."""

from bianmin.accounts.models import User
from bianmin.cases.models import Case
from bianmin.catalog.models import Item
from bianmin.inquiries import services
from bianmin.inquiries.models import State

FAMEN_CENTER = "61032410600001"
MZ = "610324106000MZ"


def load() -> None:
    clerk = User.objects.filter(username="famen_clerk").first()
    if clerk is None:
        return
    case = Case.objects.filter(center__code=FAMEN_CENTER).order_by("pk").first()
    complaint, created = services.register_order(
        clerk, kind="complaint", content="低保申请交了两周还没有消息，想问问卡在哪一步。",
        person={"name": "王秀英", "phone": "13912345678"}, case=case.number if case else None,
        idempotency_key="demo-inquiry-complaint",
    )  # fmt: skip
    if created:
        services.act(clerk, complaint.number, "dispatch", {"department": MZ})
    item = Item.objects.published().filter(name__contains="临时救助").order_by("-region_id").first()
    consult, created = services.register_order(
        clerk, kind="consult", content="临时救助需要带哪些材料？", person={"phone": "13700001111"},
        item=item.code if item else None, idempotency_key="demo-inquiry-consult",
    )  # fmt: skip
    if created and consult.state == State.REGISTERED:
        services.act(
            clerk,
            consult.number,
            "answer",
            {"text": "带身份证、户口簿和家庭困难情况说明，到中心综合窗口提交。"},
        )
        services.act(clerk, consult.number, "publish", {"question": "临时救助需要带哪些材料？"})
    services.register_order(
        clerk, kind="report", content="有人冒领村里的养老补贴。", anonymous=True,
        idempotency_key="demo-inquiry-report",
    )  # fmt: skip
