"""Print the demo personas and how to sign in; `make run` shows this before the server starts."""

from django.core.management.base import BaseCommand

from bianmin.accounts.demo import PASSWORD, PERSONA_HELP
from bianmin.accounts.models import User


class Command(BaseCommand):
    help = "列出演示账号（用户名、角色、范围）和登录方式"

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="服务地址")

    def handle(self, *args, url, **options):
        # Read roles and scopes from the database, so the list shows what load_demo really built.
        users = {
            u.username: u
            for u in User.objects.filter(username__in=[name for name, _ in PERSONA_HELP]).prefetch_related(
                "posts__region", "posts__center", "posts__department"
            )
        }
        width = max(len(name) for name, _ in PERSONA_HELP)
        self.stdout.write("演示账号：")
        for username, who in PERSONA_HELP:
            user = users.get(username)
            if user is None:
                self.stdout.write(f"  {username:<{width}}  （未加载，请先运行 load_demo）")
                continue
            posts = [p for p in user.posts.all() if p.is_active]
            role_scope = "；".join(f"{p.get_role_display()} · {p.scope_label}" for p in posts) or who
            self.stdout.write(f"  {username:<{width}}  {role_scope}  — {who}")
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"打开 {url} ，密码均为 {PASSWORD}"))
        self.stdout.write(f"Open {url} , password {PASSWORD} for every persona. Ctrl-C 停止服务。")
