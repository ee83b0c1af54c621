"""The signed-in home page (工作台) for every role, and the friendly error pages."""

from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import FileResponse
from django.shortcuts import render

from bianmin.accounts.scope import scope_of
from bianmin.cases.queues import counts_for
from bianmin.core.middleware import render_error
from bianmin.workbench.areas import areas_for


def _failed_messages(user) -> int:
    from bianmin.messaging.views import failed_count

    return failed_count(user)


def _supervision_orders(user) -> int:
    from bianmin.supervision.selectors import queue_for

    return queue_for(user).count()


COUNTERS = {"failed_messages": _failed_messages, "supervision_orders": _supervision_orders}


def _shown(area, counts) -> bool:
    """A card is a link or nothing: a feature not built yet has no card, a queue not theirs neither."""
    return area.queue in counts if area.queue else bool(area.url_name)


@login_required
def home(request):
    scope = scope_of(request.user)
    posts = request.user.posts.filter(is_active=True).select_related("region", "center", "department__center")
    roles = set(scope.roles) | ({"admin"} if scope.is_admin else set())
    # One COUNT per queue the user works from; an area whose queue is not theirs is left out.
    counts = {queue.key: n for queue, n in counts_for(request.user)}
    listed = areas_for(roles)
    for name in {a.counter for _, role_areas in listed for a in role_areas if a.counter}:
        counts[name] = COUNTERS[name](request.user)  # one COUNT each, once even if two roles show it
    areas = [
        (
            label,
            [(area, counts.get(area.queue or area.counter)) for area in role_areas if _shown(area, counts)],
        )
        for label, role_areas in listed
    ]
    return render(
        request,
        "workbench/home.html",
        {"posts": posts, "areas": areas, "is_citizen": not scope.is_staff_member},
    )


def favicon(request):
    """/favicon.ico for browsers and bookmarks that ask the root; pages link the static file."""
    path = finders.find("favicon.ico")
    response = FileResponse(open(path, "rb"), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response


def not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def forbidden(request, exception=None):
    # Django's PermissionDenied lands here; the project's Forbidden goes through bianmin.core.middleware.
    return render_error(request, None, 403)


def server_error(request):
    return render(request, "errors/500.html", status=500)
