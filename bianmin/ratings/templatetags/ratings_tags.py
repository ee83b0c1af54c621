"""The rating box on the public tracking page: the form for the stages still open, and a QR code of it."""

from urllib.parse import urlencode

import segno
from django import template
from django.conf import settings
from django.urls import reverse

from bianmin.ratings import services
from bianmin.ratings.models import LEVELS, Rating, Stage

register = template.Library()


@register.inclusion_tag("ratings/partials/track_rating.html", takes_context=True)
def rating_box(context, case, code):
    request = context.get("request")
    query = {"code": code}
    if request is not None and request.GET.get("via") == "qr":
        query["via"] = "qr"
    action = reverse("ratings:track_rate", args=[case.number]) + "?" + urlencode(query)
    # The QR code on the page: a phone scanning it from a screen rates as "qr" too.
    page = reverse("cases:track", args=[case.number]) + "?" + urlencode({"code": code, "via": "qr"})
    base = getattr(settings, "PUBLIC_BASE_URL", "") or (
        request.build_absolute_uri("/")[:-1] if request else ""
    )
    qr = segno.make(base + page + "#rating", error="m").png_data_uri(scale=3, border=2)
    rules = services.county_rules(case.county)
    good, bad = services.tags_of(rules)
    given = list(Rating.objects.filter(case=case).order_by("created_at"))
    return {
        "case": case, "action": action, "qr": qr, "stages": services.open_stages(case),
        "stage_labels": dict(Stage.choices), "levels": list(LEVELS.items()), "good_tags": good,
        "bad_tags": bad, "given": given, "csrf_token": context.get("csrf_token"), "data": {}, "errors": {},
        "messages": context.get("messages"),
    }  # fmt: skip


@register.inclusion_tag("ratings/partials/board_summary.html")
def rating_summary(center):
    """This month's 好差评 figures of a center with a link to its full board (hall screen, 六公开 page)."""
    from bianmin.core import clock
    from bianmin.ratings import figures

    today = clock.today()
    first = today.replace(day=1)
    return {"center": center, "first": first, "today": today,
            "month": figures.center_figures(center.pk, first, today)}  # fmt: skip
