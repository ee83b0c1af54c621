"""Service errors that reach a page become its error pages, in one place (the API has its own handlers).

A view catches only what it shows beside the form being filled in (PAGE_ERRORS: errors onto fields or a
message); a NotFound, a Forbidden or anything else a service refuses falls through to here.
"""

from django.shortcuts import render

from bianmin.core.errors import ApiError, Forbidden, NotFound


def render_error(request, exc: ApiError | None, status: int):
    """The styled Chinese error page for `status`, carrying the service's message when there is one."""
    message = exc.message if exc is not None else ""
    template = {404: "errors/404.html", 403: "errors/403.html"}.get(status, "errors/refused.html")
    return render(request, template, {"message": message, "status": status}, status=status)


class ServiceErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, NotFound):
            # Like Http404: the page does not say whether the thing exists out of reach or not at all.
            return render_error(request, None, 404)
        if isinstance(exception, Forbidden):
            return render_error(request, exception, 403)
        if isinstance(exception, ApiError):
            return render_error(request, exception, exception.status)
        return None
