"""整改通知书 (rectification notice): issued with a red card, rendered from the order as A4 HTML or PDF, with
the county's name and a QR code that opens the order's page."""

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from bianmin.regions.models import Region
from bianmin.supervision.models import Card, CardColor, Order
from bianmin.supervision.sweep import county_of


def order_url(order: Order, request=None) -> str:
    path = reverse("supervision:order", args=[order.number])
    base = getattr(settings, "PUBLIC_BASE_URL", "")
    if base:
        return base.rstrip("/") + path
    return request.build_absolute_uri(path) if request is not None else path


def notice_html(order: Order, request=None) -> str:
    county = Region.objects.filter(code=county_of(order.region_code)).first()
    red = Card.objects.filter(order=order, color=CardColor.RED).order_by("issued_on", "id").first()
    url = order_url(order, request)
    return render_to_string(
        "supervision/notice.html",
        {
            "order": order,
            "card": red,
            "repeat": bool(red and red.warning_id and red.warning.kind == "repeat_card"),
            "county": county.name if county else "",
            "qr": segno.make(url, error="m").png_data_uri(scale=4, border=2),
            "url": url,
        },
    )


def notice_pdf(order: Order, request=None) -> bytes:
    from weasyprint import HTML

    return HTML(string=notice_html(order, request), base_url=str(settings.BASE_DIR)).write_pdf()
