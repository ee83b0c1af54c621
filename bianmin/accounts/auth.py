"""API authentication: a bearer token, or the browser's session (with CSRF) for our own pages."""

from ninja.security import HttpBearer, SessionAuth

from bianmin.accounts.services import user_for_token


class TokenAuth(HttpBearer):
    openapi_description = "POST /api/v1/auth/token 取得令牌，然后发送 Authorization: Bearer <token>"

    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class StaffSession(SessionAuth):
    """The browser's session, CSRF-checked. A request that carries an Authorization header is an API client
    and is judged by its token alone: a bad token answers 401, never "CSRF check Failed" (403), and a
    session cookie beside it signs nothing in. Without a session cookie there is no session to check."""

    def __call__(self, request):
        if "Authorization" in request.headers or self.param_name not in request.COOKIES:
            return None
        return super().__call__(request)

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        return user or None


# Protected endpoints accept either; public endpoints pass auth=None.
staff_auth = [TokenAuth(), StaffSession()]
