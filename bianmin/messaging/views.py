"""Staff pages of messaging: the templates (administrator), the message log (supervisors, directors) and
one's own notices (站内消息, every staff member)."""

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from bianmin.accounts.decorators import admin_required
from bianmin.accounts.scope import scope_of
from bianmin.cases.selectors import cases_visible_to
from bianmin.cases.validators import mask_phone
from bianmin.core import clock
from bianmin.core.errors import PAGE_ERRORS, Forbidden
from bianmin.messaging import templates
from bianmin.messaging.models import Message, MessageState, MessageTemplate, Notice
from bianmin.regions.models import Level

# --- templates (administrator) -----------------------------------------------------------------------


class TemplateForm(forms.ModelForm):
    class Meta:
        model = MessageTemplate
        fields = ["code", "county", "text", "urgent", "active"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"] = forms.ChoiceField(
            label="模板代码", choices=[(c, f"{c} · {s[0]}") for c, s in templates.SHIPPED.items()]
        )
        self.fields["county"].queryset = scope.regions().filter(level=Level.COUNTY).order_by("code")
        self.fields["county"].empty_label = "默认（各县通用）"
        self.fields["county"].required = False
        self.fields["text"].error_messages["required"] = "请填写模板内容"
        if self.instance.pk:  # which template a row is stays; only its text and flags change
            self.fields["code"].disabled = self.fields["county"].disabled = True
        allowed = templates.PLACEHOLDERS.get(self.instance.code or self.initial.get("code"), ())
        if allowed:
            self.fields["text"].help_text = "可用占位符：" + "、".join(f"{{{p}}}" for p in sorted(allowed))

    def clean(self):
        data = super().clean()
        code, text = data.get("code"), data.get("text")
        if code and text:
            try:
                templates.check(code, text)
            except PAGE_ERRORS as exc:
                for name, message in exc.fields.items():
                    self.add_error(name if name in self.fields else None, message)
        if code and not self.instance.pk:
            twin = MessageTemplate.objects.filter(code=code, county=data.get("county"))
            if twin.exists():
                self.add_error(None, "此县（区）已有该代码的模板，请直接修改")
        return data

    def save(self, commit=True):
        template = super().save(commit=False)
        name, audience, _, _, _ = templates.SHIPPED[template.code]
        template.name = template.name or name
        template.audience = audience
        template.channel = "in_app" if audience == "staff" else "sms"
        if commit:
            template.save()
        return template


@admin_required
def template_list(request):
    rows = MessageTemplate.objects.select_related("county").order_by("code", "county_id")
    return render(request, "messaging/template_list.html", {"rows": rows})


@admin_required
def template_edit(request, pk: int | None = None):
    scope = scope_of(request.user)
    instance = get_object_or_404(MessageTemplate, pk=pk) if pk else None
    initial = {}
    if instance is None:
        code = request.GET.get("code", "")
        if code in templates.SHIPPED:
            initial = {"code": code, "text": templates.SHIPPED[code][4]}
    form = TemplateForm(request.POST or None, instance=instance, initial=initial, scope=scope)
    if request.method == "POST":
        if form.is_valid():
            saved = form.save()
            messages.success(request, f"已保存消息模板“{saved.name}”。")
            return redirect("messaging:templates")
        return render(
            request, "messaging/template_edit.html", {"form": form, "template": instance}, status=422
        )
    return render(request, "messaging/template_edit.html", {"form": form, "template": instance})


# --- the message log (supervisors, directors, administrators) ----------------------------------------

LOG_ROLES = ("supervisor", "director")
SECRET_TEMPLATES = {"mandate_code"}
LOG_ONLY = "消息记录只有中心负责人、效能监察人员和系统管理员可以查看。"


def messages_visible_to(user):
    scope = scope_of(user)
    if scope.is_admin:
        return Message.objects.all()
    if not scope.has_role(*LOG_ROLES):
        return Message.objects.none()
    return Message.objects.filter(case__in=cases_visible_to(user).values("pk"))


class LogFilter(forms.Form):
    state = forms.ChoiceField(label="状态", required=False, choices=[("", "全部")] + MessageState.choices)
    template = forms.ChoiceField(
        label="模板", required=False,
        choices=[("", "全部")] + [(c, s[0]) for c, s in templates.SHIPPED.items()],
    )  # fmt: skip
    since = forms.DateField(label="自", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label="至", required=False, widget=forms.DateInput(attrs={"type": "date"}))


@admin_required(roles=LOG_ROLES, message=LOG_ONLY)
def message_log(request):
    rows = messages_visible_to(request.user).select_related("case").order_by("-created_at", "-id")
    form = LogFilter(request.GET or None)
    if form.is_valid():
        f = form.cleaned_data
        if f["state"]:
            rows = rows.filter(state=f["state"])
        if f["template"]:
            rows = rows.filter(Q(template=f["template"]) | Q(params__template=f["template"]))
        if f["since"]:
            rows = rows.filter(created_at__gte=_day_start(f["since"]))
        if f["until"]:
            rows = rows.filter(created_at__lt=_day_start(f["until"] + dt.timedelta(days=1)))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    for message in page:
        message.masked_phone = mask_phone(message.phone)
        if (
            message.template in SECRET_TEMPLATES
        ):  # the villager tells the agent this code: nobody reads it here
            message.text = "（含验证码，内容不显示）"
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "messaging/message_log.html", {"form": form, "page": page, "query": query.urlencode()}
    )


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=clock.SHANGHAI)


@require_POST
@admin_required(roles=LOG_ROLES, message=LOG_ONLY)
def message_retry(request, pk: int):
    from bianmin.messaging.services import enqueue

    message = get_object_or_404(messages_visible_to(request.user), pk=pk)
    if message.state != MessageState.FAILED:
        raise Forbidden("只有发送失败的消息可以重发。")
    Message.objects.filter(pk=pk, state=MessageState.FAILED).update(
        state=MessageState.QUEUED, reason="", sent_at=None
    )
    enqueue(pk)
    messages.success(request, "已重新排队发送。")
    return redirect("messaging:log")


def failed_count(user) -> int:
    """Failed messages the user sees (the director's workbench counter); one COUNT."""
    return messages_visible_to(user).filter(state=MessageState.FAILED).count()


# --- notices (站内消息) ---------------------------------------------------------------------------------


@login_required
def notice_list(request):
    if not scope_of(request.user).is_staff_member:
        raise Http404
    rows = Notice.objects.filter(recipient=request.user).order_by("-created_at", "-id")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "messaging/notice_list.html", {"page": page})


@require_POST
@login_required
def notice_read(request, pk: int):
    notice = get_object_or_404(Notice, pk=pk, recipient=request.user)
    if notice.read_at is None:
        Notice.objects.filter(pk=notice.pk).update(read_at=clock.now())
    if notice.link and notice.link.startswith("/"):
        return redirect(notice.link)
    return redirect("messaging:notices")


@require_POST
@login_required
def notice_read_all(request):
    Notice.objects.filter(recipient=request.user, read_at__isnull=True).update(read_at=clock.now())
    messages.success(request, "已全部标为已读。")
    return redirect("messaging:notices")
