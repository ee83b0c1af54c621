"""Puts the signed-in user's scope in every template, so the layout can show who and where they are."""

from bianmin.accounts.scope import scope_of


def scope(request):
    user = getattr(request, "user", None)
    return {"scope": scope_of(user)} if user is not None else {}
