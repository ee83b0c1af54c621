"""Where staff notices (站内消息) come from: one receiver per source, each writing `Notice` rows.

Now: handovers addressed to me — an agent's up-handover notifies the township center's clerks; a return
(down) handover notifies the agent it is for. Written in the handover's transaction (the signal is sent
inside it), so a handover that rolls back leaves no notice.

电子监察 (bianmin.supervision.sweep) calls `notify(...)` itself: yellow lights ("yellow_light"), supervision
orders ("supervision_order"), red cards ("red_card"), answers to review and card appeals.
"""

from django.dispatch import receiver
from django.urls import reverse

from bianmin.accounts.models import Post, Role
from bianmin.core import clock
from bianmin.messaging.models import Notice
from bianmin.messaging.templates import render
from bianmin.proxy.models import Direction
from bianmin.proxy.signals import handover_sent


def notify(users, kind: str, title: str, body: str = "", link: str = "", case=None) -> None:
    now = clock.now()
    Notice.objects.bulk_create(
        Notice(recipient_id=u, kind=kind, title=title, body=body, link=link, case=case, created_at=now)
        for u in users
    )


@receiver(handover_sent, dispatch_uid="messaging.handover_arriving")
def handover_arriving(sender, handover, **kwargs) -> None:
    count = handover.entries.count()
    link = reverse("proxy:handover", args=[handover.pk])
    county = handover.township.region.code[:6] + "000000" if handover.township_id else None
    params = {"center": handover.township.name, "handover": handover.pk, "count": count,
              "agent": handover.agent.display_name if handover.agent_id else ""}  # fmt: skip
    if handover.direction == Direction.UP:
        text, _ = render("handover_arriving", county, params)
        clerks = (
            Post.objects.filter(center_id=handover.to_center_id, role=Role.CLERK, is_active=True)
            .values_list("user_id", flat=True)
            .distinct()
        )
        notify(list(clerks), "handover_arriving", text, link=link)
    elif handover.to_user_id:
        text, _ = render("result_back", county, params)
        notify([handover.to_user_id], "result_back", text, link=link)
