"""People, their posts (role + scope), API tokens and the login-failure log used for throttling."""

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models

from bianmin.regions.models import Center, Department, Level, Region


class User(AbstractUser):
    """A staff member or a citizen account; citizens hold no posts."""

    name = models.CharField("姓名", max_length=40, blank=True)
    phone = models.CharField("手机号", max_length=20, blank=True)
    # Shown to citizens beside the name (window rating pad, hall screen, 六公开): a work photo, no other data.
    photo = models.ImageField("工作照", upload_to="staff-photos/", blank=True)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self):
        return self.name or self.username

    @property
    def display_name(self) -> str:
        return self.name or self.username


class Role(models.TextChoices):
    ADMIN = "admin", "系统管理员"
    SUPERVISOR = "supervisor", "效能监察"
    APPROVER = "approver", "审批人员"
    DIRECTOR = "director", "中心负责人"
    CLERK = "clerk", "综窗受理员"
    AGENT = "agent", "村级代办员"


# Which scope field each role needs: the one place that says what a post's scope is.
ROLE_SCOPE = {
    Role.ADMIN: None,
    Role.SUPERVISOR: "region",
    Role.APPROVER: "department",
    Role.DIRECTOR: "center",
    Role.CLERK: "center",
    Role.AGENT: "region",
}


class Post(models.Model):
    """A role held by a user, with its scope: region subtree, center, department or village."""

    user = models.ForeignKey(User, verbose_name="人员", on_delete=models.CASCADE, related_name="posts")
    role = models.CharField("角色", max_length=16, choices=Role.choices, db_index=True)
    region = models.ForeignKey(
        Region,
        verbose_name="区划（监察范围/代办村）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="posts",
    )
    center = models.ForeignKey(
        Center, verbose_name="中心", null=True, blank=True, on_delete=models.PROTECT, related_name="posts"
    )
    department = models.ForeignKey(
        Department, verbose_name="部门", null=True, blank=True, on_delete=models.PROTECT, related_name="posts"
    )
    title = models.CharField("职务", max_length=40, blank=True)
    is_active = models.BooleanField("在岗", default=True)

    class Meta:
        verbose_name = "岗位"
        verbose_name_plural = "岗位"
        indexes = [models.Index(fields=["user", "is_active"])]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.scope_label}"

    @property
    def scope_label(self) -> str:
        target = {"region": self.region, "center": self.center, "department": self.department}.get(
            ROLE_SCOPE.get(self.role) or ""
        )
        return str(target) if target else "全系统"

    def clean(self):
        needed = ROLE_SCOPE.get(self.role)
        given = {"region": self.region_id, "center": self.center_id, "department": self.department_id}
        if needed and not given[needed]:
            raise ValidationError({needed: "该角色必须指定此范围"})
        extra = [k for k, v in given.items() if v and k != needed]
        if extra:
            raise ValidationError({extra[0]: "该角色不使用此范围"})
        if self.role == Role.AGENT and self.region and self.region.level != Level.VILLAGE:
            raise ValidationError({"region": "代办员的范围必须是一个村（社区）"})


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token; only its SHA-256 is stored, so a database leak does not leak tokens."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField("前缀", max_length=12)
    created_at = models.DateTimeField("创建时间")
    expires_at = models.DateTimeField("到期时间", db_index=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"

    def __str__(self):
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def new_raw() -> str:
        return "bm_" + secrets.token_urlsafe(32)


class LoginFailure(models.Model):
    """One failed login; recent rows for a username or address throttle further attempts (never a lock)."""

    username = models.CharField(max_length=150, db_index=True)
    address = models.CharField(max_length=64, db_index=True, blank=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "登录失败记录"
        verbose_name_plural = "登录失败记录"

    def __str__(self):
        return f"{self.username} @ {self.address or '-'} {self.at:%Y-%m-%d %H:%M}"
