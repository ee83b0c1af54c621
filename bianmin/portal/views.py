"""Public pages for villagers without an account or a QR code: find an item, track a case, call a center.

Large-text mode (适老化, GB/T 37668) is a cookie, so the server renders the page large from the first
byte (no flash, no inline script); the static script only flips it without a reload.
"""

from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from bianmin.regions.models import Center, CenterLevel

LARGE_TEXT_COOKIE = "bianmin_large_text"
LARGE_TEXT_MAX_AGE = 365 * 24 * 3600


def home(request):
    # Public facts only (六公开: the service phone is public), the county center first, then the townships.
    centers = list(
        Center.objects.filter(is_active=True, level__in=[CenterLevel.COUNTY, CenterLevel.TOWNSHIP])
        .select_related("region")
        .order_by("level", "code")
    )
    return render(request, "portal/home.html", {"centers": centers})


@require_POST
def large_text(request):
    """The no-script path of the 大字模式 button: flip the cookie and go back where the visitor was."""
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=False):
        back = "/"
    response = HttpResponseRedirect(back)
    if request.COOKIES.get(LARGE_TEXT_COOKIE) == "1":
        response.delete_cookie(LARGE_TEXT_COOKIE, samesite="Lax")
    else:
        response.set_cookie(LARGE_TEXT_COOKIE, "1", max_age=LARGE_TEXT_MAX_AGE, samesite="Lax")
    return response
