"""The one guard for administrator pages (catalog, calendar, county settings): sign in, then be an admin."""

from functools import wraps

from django.contrib.auth.decorators import login_required

from bianmin.accounts.scope import scope_of
from bianmin.core.errors import Forbidden

ADMIN_ONLY = "此页面只有系统管理员可以查看和修改。如需帮助，请联系县政务服务中心信息科。"


def admin_required(view=None, *, roles: tuple[str, ...] = (), message: str = ADMIN_ONLY):
    """Signed-out visitors go to the login page; signed-in users who are neither an administrator nor one of
    `roles` get the 403 page (bianmin.core.middleware) with `message`.

    Use bare (``@admin_required``) or with arguments (``@admin_required(roles=("supervisor",))``).
    """
    if view is None:
        return lambda v: admin_required(v, roles=roles, message=message)

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not scope_of(request.user).has_role(*roles):
            raise Forbidden(message)
        return view(request, *args, **kwargs)

    return wrapper
