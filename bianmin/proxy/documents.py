"""The handover sheet (代办交接单) of a whole bundle: A4 HTML and PDF, with a QR code that opens the
handover's page, so the clerk scans the sheet the agent brings and receives case by case."""

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from bianmin.core import clock
from bianmin.proxy.services import data_uri, papers_text


def handover_url(handover, request=None) -> str:
    path = reverse("proxy:handover", args=[handover.pk])
    base = getattr(settings, "PUBLIC_BASE_URL", "")
    if base:
        return base.rstrip("/") + path
    return request.build_absolute_uri(path) if request is not None else path


def qr_data_uri(url: str) -> str:
    return segno.make(url, error="m").png_data_uri(scale=4, border=2)


def signature_uris(handover) -> dict:
    """The two ends' finger signatures as data URIs (the sheet and the page embed them; no media URL)."""
    uris = {}
    for end in ("from", "to"):
        field = getattr(handover, f"{end}_signature")
        if field:
            with field.open("rb") as f:
                uris[f"{end}_signature"] = data_uri(f.read())
    return uris


def render_sheet(handover, request=None) -> str:
    url = handover_url(handover, request)
    entries = [{"entry": e, "papers": papers_text(e.papers)} for e in handover.entries.all()]
    return render_to_string(
        "proxy/handover_sheet.html",
        {
            "h": handover,
            "entries": entries,
            "qr": qr_data_uri(url),
            "url": url,
            "printed_on": f"{clock.today():%Y年%m月%d日}",
            **signature_uris(handover),
        },
    )


def render_sheet_pdf(handover, request=None) -> bytes:
    from weasyprint import HTML

    return HTML(string=render_sheet(handover, request), base_url=str(settings.BASE_DIR)).write_pdf()
