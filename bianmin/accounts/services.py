"""Writes for accounts: signing in (with throttling), issuing and revoking API tokens."""

import datetime as dt

from django.conf import settings
from django.contrib.auth import authenticate
from django.db.models import Q

from bianmin.accounts.models import ApiToken, LoginFailure, User, hash_token
from bianmin.core import clock
from bianmin.core.errors import ApiError, TooMany
from bianmin.core.throttle import wait_seconds, wait_text


class BadCredentials(ApiError):
    status = 401
    code = "invalid_credentials"


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "")[:64]


def _window_start() -> dt.datetime:
    return clock.now() - dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)


def throttle_wait(username: str, address: str) -> int:
    """Seconds until this login may be tried again (0: now). The window slides, so a throttle always lifts.

    Counted per (address, username) — the usual case of one person mistyping — and per username across
    addresses (a distributed guess, with more room), plus a ceiling per address: a township hall's clerks
    share one public address, so random usernames from there must not lock out the colleague next door.
    """
    recent = LoginFailure.objects.filter(at__gte=_window_start())
    window = dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    limit, name = settings.LOGIN_FAILURE_LIMIT, username.lower()
    checks = [(recent.filter(username=name), limit * 4)]
    if address:
        checks.append((recent.filter(username=name, address=address), limit))
        checks.append((recent.filter(address=address), settings.LOGIN_ADDRESS_CEILING))
    else:
        checks.append((recent.filter(username=name), limit))
    return max(wait_seconds(failures, ceiling, window) for failures, ceiling in checks)


def sign_in(request, username: str, password: str) -> User:
    """Check credentials with throttling; raises TooMany (429) or BadCredentials (401)."""
    address = client_address(request)
    if wait := throttle_wait(username, address):
        raise TooMany(f"登录失败次数过多，{wait_text(wait)}")
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
