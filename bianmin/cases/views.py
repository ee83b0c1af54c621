"""Pages: the public tracking page behind the QR code, and the printable A4 documents for staff."""

import re
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csp import csp_override

from bianmin.accounts.services import client_address
from bianmin.cases.documents import render_html, render_pdf
from bianmin.cases.selectors import document_for
from bianmin.cases.services import reveal_applicant
from bianmin.cases.tracking import collect_by_agent, find_tracked, steps, time_left, timeline
from bianmin.core.errors import NotFound, TooMany

# What a printed number can look like (FM-20260302-0001); anything else cannot be a case, nor sit in a URL.
NUMBER_SHAPE = re.compile(r"[A-Z0-9][A-Z0-9-]{0,39}")


def track_lookup(request):
    """/track/: the number + query code form for a villager without the QR code; sends them to the page."""
    number = request.GET.get("number", "").strip().upper()[:41]  # 41: too long stays too long
    code = request.GET.get("code", "").strip()[:12]
    if not number and not code:
        return render(request, "cases/track.html", {"number": "", "code": ""})
    if not NUMBER_SHAPE.fullmatch(number) or not code:
        error = "请填写办件编号和查询码。" if not (number and code) else "办件编号或查询码不正确。"
        return render(
            request, "cases/track.html", {"number": number, "code": code, "error": error}, status=400
        )
    return redirect(reverse("cases:track", args=[number]) + "?" + urlencode({"code": code}))


def track(request, number: str):
    """Phone-width progress page; no personal data. Wrong code and unknown number look the same."""
    code = request.GET.get("code", "")[:12]
    context = {"number": number, "code": code}
    if not code:
        return render(request, "cases/track.html", context)
    try:
        case = find_tracked(number[:40], code, client_address(request))
    except TooMany as exc:
        return render(request, "cases/track.html", {**context, "error": f"{exc.message}。"}, status=429)
    except NotFound:
        return render(
            request, "cases/track.html", {**context, "error": "办件编号或查询码不正确。"}, status=404
        )
    return render(
        request,
        "cases/track.html",
        {
            **context,
            "case": case,
            "events": timeline(case),
            "steps": steps(case),
            "time_left": time_left(case),
            "by_agent": collect_by_agent(case),
        },
    )


def _document(request, number: str, kind: str):
    document = document_for(request.user, number, kind)
    if not document:
        raise Http404
    return document


def _reveal(request, number: str) -> bool:
    """?reveal=1 prints the full ID number, and the reading goes on the timeline (as in the API)."""
    if request.GET.get("reveal") not in ("1", "true"):
        return False
    reveal_applicant(request.user, number)
    return True


@login_required
@csp_override(settings.SECURE_CSP_PRINTABLE)
def document_page(request, number: str, kind: str):
    document = _document(request, number, kind)
    return HttpResponse(render_html(document, request, reveal=_reveal(request, number)))


@login_required
def document_pdf(request, number: str, kind: str):
    document = _document(request, number, kind)
    response = HttpResponse(
        render_pdf(document, request, reveal=_reveal(request, number)), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="{number}-{kind}.pdf"'
    return response
