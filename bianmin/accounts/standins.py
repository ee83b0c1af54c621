"""AB岗: whom a user backs up (B岗 for an A holder), and for whom they may act right now.

The one extension point the case engine asks. Apps register a resolver (the duty app, from its
AppConfig.ready) answering two questions:

- `holders_backed_by(user) -> list[User]`: the A holders this user is the B backup of. The backup sees the
  A holder's cases at all times (to know the work they may have to take over), like a reader.
- `away(holders) -> set[int]`: which of these holders are not in post now (signed out, on leave, away).
- `is_backup(user_ref) -> expression`: whether the user (an OuterRef to a user id) backs anyone up, as a
  boolean expression `scope_of` annotates on its one query, so people who back nobody up cost nothing more.

`acting_for(user)` is the holders this user stands in for now: the engine lets the backup act on their
cases with the holder's rights and records each such act as "B岗代办" on the timeline. With the holder in
post the backup's own rights alone count (so an approver's action is refused, 403).
Both answers are cached on the user object for the request, like `scope_of`.
"""

from typing import Protocol

STANDIN_LABEL = "B岗代办"


class Resolver(Protocol):
    def holders_backed_by(self, user) -> list: ...

    def away(self, holders: list) -> set[int]: ...

    def is_backup(self, user_ref): ...


_resolvers: list[Resolver] = []


def register(resolver: Resolver) -> None:
    if not any(type(r) is type(resolver) for r in _resolvers):
        _resolvers.append(resolver)


def backup_expression(user_ref):
    """A boolean expression over `user_ref` (e.g. OuterRef("user")): does that user back anyone up?"""
    expressions = [resolver.is_backup(user_ref) for resolver in _resolvers]
    if not expressions:
        return None
    combined = expressions[0]
    for expression in expressions[1:]:
        combined = combined | expression
    return combined


def holders_backed_by(user) -> list:
    """The A holders this user backs up (B岗), in post or not."""
    from bianmin.accounts.scope import scope_of

    if user is None or not getattr(user, "is_authenticated", False) or not _resolvers:
        return []
    if not scope_of(user).is_backup:
        return []
    cached = getattr(user, "_bianmin_backed", None)
    if cached is None:
        seen, cached = set(), []
        for resolver in _resolvers:
            for holder in resolver.holders_backed_by(user):
                if holder.pk not in seen and holder.pk != user.pk:
                    seen.add(holder.pk)
                    cached.append(holder)
        user._bianmin_backed = cached
    return cached


def acting_for(user) -> list:
    """The A holders this user stands in for now: backed up by them and not in post."""
    holders = holders_backed_by(user)
    if not holders:
        return []
    cached = getattr(user, "_bianmin_acting_for", None)
    if cached is None:
        away: set[int] = set()
        for resolver in _resolvers:
            away |= resolver.away(holders)
        cached = [h for h in holders if h.pk in away]
        user._bianmin_acting_for = cached
    return cached


def forget(user) -> None:
    """Drop the cached answers (after the user's posts or a holder's whereabouts changed in this request)."""
    for name in ("_bianmin_backed", "_bianmin_acting_for"):
        user.__dict__.pop(name, None)
