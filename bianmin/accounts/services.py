"""Writes for accounts: signing in (with throttling), issuing and revoking API tokens."""

import datetime as dt

from django.conf import settings
from django.contrib.auth import authenticate
from django.db.models import Q

from bianmin.accounts.models import ApiToken, LoginFailure, User, hash_token
from bianmin.core import clock
from bianmin.core.errors import ApiError, TooMany


class BadCredentials(ApiError):
    status = 401
    code = "invalid_credentials"


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "")[:64]


def _window_start() -> dt.datetime:
    return clock.now() - dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)


def is_throttled(username: str, address: str) -> bool:
    """Too many recent failures for this username or from this address. The window slides, so it lifts."""
    recent = LoginFailure.objects.filter(at__gte=_window_start())
    by_name = recent.filter(username=username.lower()).count()
    by_address = recent.filter(address=address).count() if address else 0
    limit = settings.LOGIN_FAILURE_LIMIT
    # An address gets more room: a township hall shares one public address among many clerks.
    return by_name >= limit or by_address >= limit * 4


def sign_in(request, username: str, password: str) -> User:
    """Check credentials with throttling; raises TooMany (429) or BadCredentials (401)."""
    address = client_address(request)
    if is_throttled(username, address):
        raise TooMany("登录失败次数过多，请稍后再试")
    user = authenticate(request, username=username, password=password)
    if user is None:
        LoginFailure.objects.create(username=username.lower()[:150], address=address, at=clock.now())
        raise BadCredentials("用户名或密码错误")
    LoginFailure.objects.filter(Q(username=username.lower())).delete()
    return user


def issue_token(user: User) -> str:
    """A new bearer token; the raw value is returned once and only its hash is kept."""
    raw = ApiToken.new_raw()
    now = clock.now()
    ApiToken.objects.create(
        user=user,
        key_hash=hash_token(raw),
        prefix=raw[:10],
        created_at=now,
        expires_at=now + dt.timedelta(days=settings.API_TOKEN_DAYS),
    )
    return raw


def revoke_token(raw: str) -> bool:
    return bool(
        ApiToken.objects.filter(key_hash=hash_token(raw), revoked_at=None).update(revoked_at=clock.now())
    )


def user_for_token(raw: str) -> User | None:
    now = clock.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), revoked_at=None, expires_at__gt=now, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
