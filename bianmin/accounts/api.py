"""API: tokens (POST /auth/token), the caller's own identity, and scoped staff lists."""

from django.db.models import Prefetch
from ninja import Query, Router, Schema, Status
from pydantic import Field

from bianmin.accounts.auth import staff_auth
from bianmin.accounts.models import Post
from bianmin.accounts.scope import scope_of
from bianmin.accounts.services import issue_token, revoke_token, sign_in
from bianmin.core.errors import NotFound
from bianmin.core.pagination import PageQuery, paginate

router = Router(tags=["auth"])


class Credentials(Schema):
    username: str = Field(..., min_length=1, max_length=150)
    password: str = Field(..., min_length=1, max_length=256)


class PostOut(Schema):
    role: str
    role_label: str
    scope: str
    region: str | None = None
    center: str | None = None
    department: str | None = None


class UserOut(Schema):
    username: str
    name: str
    roles: list[str]


class MeOut(UserOut):
    posts: list[PostOut]


class TokenOut(Schema):
    token: str
    user: UserOut


def _user_out(user) -> dict:
    scope = scope_of(user)
    roles = sorted(scope.roles | ({"admin"} if scope.is_admin else set())) or ["citizen"]
    return {"username": user.username, "name": user.display_name, "roles": roles}


def _post_out(p: Post) -> dict:
    return {
        "role": p.role,
        "role_label": p.get_role_display(),
        "scope": p.scope_label,
        "region": p.region_id,
        "center": p.center.code if p.center else None,
        "department": p.department.code if p.department else None,
    }


@router.post("/token", response=TokenOut, auth=None, summary="用户名和密码换取接口令牌")
def create_token(request, credentials: Credentials):
    user = sign_in(request, credentials.username, credentials.password)
    return {"token": issue_token(user), "user": _user_out(user)}


@router.post("/token/revoke", response={204: None}, auth=staff_auth, summary="吊销当前令牌")
def revoke(request):
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        revoke_token(header[7:].strip())
    return Status(204, None)


@router.get("/me", response=MeOut, auth=staff_auth, summary="当前用户及其岗位范围")
def me(request):
    posts = request.user.posts.filter(is_active=True).select_related("region", "center", "department")
    return {
        **_user_out(request.user),
        "posts": [_post_out(p) for p in posts],
    }


staff_router = Router(tags=["staff"])


class StaffOut(Schema):
    username: str
    name: str
    posts: list[PostOut]


class StaffFilter(PageQuery):
    center: str | None = Field(None, max_length=20)


class StaffPage(Schema):
    count: int
    results: list[StaffOut]


@staff_router.get("/staff", response=StaffPage, auth=staff_auth, summary="本人范围内的工作人员")
def list_staff(request, filters: Query[StaffFilter]):
    """The people the caller's scope reaches (Scope.staff): a supervisor their subtree; a clerk or director
    their center, its departments and the agents of its villages; an approver their departments and the
    centers those sit in, but no agents; an agent only themselves."""
    scope = scope_of(request.user)
    people = scope.staff().order_by("username")
    if filters.center:
        center = scope.centers().filter(code=filters.center).first()
        if center is None:
            raise NotFound("未找到该中心")
        people = people.filter(posts__center=center, posts__is_active=True).distinct()
    count, page = paginate(
        people.prefetch_related(
            Prefetch(
                "posts",
                queryset=Post.objects.filter(is_active=True).select_related("region", "center", "department"),
                to_attr="active_posts",
            )
        ),
        filters,
    )
    return {
        "count": count,
        "results": [
            {
                "username": u.username,
                "name": u.display_name,
                "posts": [_post_out(p) for p in u.active_posts],
            }
            for u in page
        ],
    }
