"""Demo ratings: a few rated 法门镇 cases, one 差评 already verified and being rectified (idempotent)."""

from bianmin.accounts.models import User
from bianmin.cases.models import Case, State
from bianmin.ratings import services
from bianmin.ratings.models import Rating


def load() -> None:
    if Rating.objects.exists():
        return
    famen = Case.objects.filter(center__region__name="法门镇").order_by("received_at", "pk")
    accepted = list(famen.filter(accepted_at__isnull=False)[:4])
    for n, case in enumerate(accepted):
        services.rate(case, stage="intake", level=(1, 2, 1, 3)[n % 4], channel=("tablet", "qr", "tablet", "mobile")[n % 4],
                      tags=["服务态度"] if n % 2 == 0 else [], comment="窗口工作人员很耐心" if n == 0 else "")  # fmt: skip
    delivered = famen.filter(state=State.DELIVERED).first()
    if delivered is None:
        return
    rating = services.rate(
        delivered, stage="completion", level=5, channel="sms", tags=["多次跑腿", "态度差"],
        comment="来回跑了三趟才领到结果，工作人员说话不耐烦",
    )  # fmt: skip
    director = User.objects.get(username="famen_director")
    rect = rating.rectification
    services.perform_step(
        director, rect.pk, "verify",
        {"reached": "phone", "verification": "已电话联系群众，情况属实：领取通知未一次告知需带原件"},
    )  # fmt: skip
    services.perform_step(
        director, rect.pk, "start", {"plan": "对窗口人员进行服务规范培训；领取通知书注明需携带的原件"}
    )
