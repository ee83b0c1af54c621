"""The signed-in home page (工作台) for every role, and the friendly error pages."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from bianmin.accounts.scope import scope_of
from bianmin.cases.queues import counts_for
from bianmin.core.middleware import render_error
from bianmin.workbench.areas import areas_for


@login_required
def home(request):
    scope = scope_of(request.user)
    posts = request.user.posts.filter(is_active=True).select_related("region", "center", "department__center")
    roles = set(scope.roles) | ({"admin"} if scope.is_admin else set())
    # One COUNT per queue the user works from; an area whose queue is not theirs is left out.
    counts = {queue.key: n for queue, n in counts_for(request.user)}
    areas = [
        (
            label,
            [(area, counts.get(area.queue)) for area in role_areas if not area.queue or area.queue in counts],
        )
        for label, role_areas in areas_for(roles)
    ]
    return render(
        request,
        "workbench/home.html",
        {"posts": posts, "areas": areas, "is_citizen": not scope.is_staff_member},
    )


def not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def forbidden(request, exception=None):
    # Django's PermissionDenied lands here; the project's Forbidden goes through bianmin.core.middleware.
    return render_error(request, None, 403)


def server_error(request):
    return render(request, "errors/500.html", status=500)
