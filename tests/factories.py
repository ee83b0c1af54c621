"""Small factories for tests that need more data than the demo county (growth, scope edge cases).

Plain functions with sensible defaults: a test names only what it cares about.
"""

import itertools

from bianmin.accounts.models import Post, Role, User
from bianmin.regions.models import Center, CenterLevel, Department, Level, Region

_seq = itertools.count(1)


def region(code: str, name: str | None = None, level: int = Level.VILLAGE, parent: Region | None = None):
    return Region.objects.create(code=code, name=name or f"测试区划{code[-3:]}", level=level, parent=parent)


def village(township: Region, number: int | None = None) -> Region:
    """A new village under `township`, numbered from 900 so it never collides with the demo's."""
    number = number if number is not None else 900 + next(_seq) % 100
    code = f"{township.code[:9]}{number:03d}"
    return region(code, f"测试{number}村", Level.VILLAGE, township)


def center(region: Region, parent: Center | None = None, level: str = CenterLevel.VILLAGE, **facts) -> Center:
    n = next(_seq)
    return Center.objects.create(
        code=f"T{region.code}{n:04d}",
        name=facts.pop("name", f"{region.name}测试站{n}"),
        level=level,
        region=region,
        parent=parent,
        **facts,
    )


def department(region: Region, center: Center | None = None, **facts) -> Department:
    n = next(_seq)
    return Department.objects.create(
        code=f"T{region.code}D{n:04d}",
        name=facts.pop("name", f"测试部门{n}"),
        region=region,
        center=center,
        **facts,
    )


def user(username: str | None = None, password: str = "Demo@2026", **fields) -> User:
    username = username or f"user{next(_seq)}"
    person = User(username=username, name=fields.pop("name", f"测试{username}"), **fields)
    person.set_password(password)
    person.save()
    return person


def staff(role: str, username: str | None = None, **scope) -> User:
    """A user holding one active post, e.g. staff(Role.CLERK, center=c)."""
    person = user(username)
    post = Post(user=person, role=role, **scope)
    post.full_clean()
    post.save()
    return person


def clerk(center: Center, username: str | None = None) -> User:
    return staff(Role.CLERK, username, center=center)


def agent(village: Region, username: str | None = None) -> User:
    return staff(Role.AGENT, username, region=village)
