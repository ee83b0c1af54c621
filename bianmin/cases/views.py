"""Pages: the public tracking page behind the QR code, and the printable A4 documents for staff."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.csp import csp_override

from bianmin.accounts.services import client_address
from bianmin.cases.documents import KINDS, render_html, render_pdf
from bianmin.cases.selectors import cases_visible_to
from bianmin.cases.services import reveal_applicant
from bianmin.cases.tracking import find_tracked, timeline
from bianmin.core.errors import NotFound, TooMany


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
    return render(request, "cases/track.html", {**context, "case": case, "events": timeline(case)})


def _document(request, number: str, kind: str):
    case = cases_visible_to(request.user).filter(number=number).first()
    document = (
        case and kind in KINDS and case.documents.filter(kind=kind).order_by("-created_at", "-id").first()
    )
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
