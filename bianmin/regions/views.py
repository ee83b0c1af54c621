"""The administrator's county settings pages (本县参数): the list of counties and one county's form."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render

from bianmin.accounts.decorators import admin_required
from bianmin.accounts.scope import scope_of
from bianmin.cases.clock import yellow_threshold
from bianmin.core.errors import PAGE_ERRORS
from bianmin.regions import services
from bianmin.regions.models import CountySettings, Level


class CountySettingsForm(forms.Form):
    low, high = services.YELLOW_THRESHOLD_RANGE
    yellow_threshold_days = forms.IntegerField(
        label="黄灯预警阈值（工作日）",
        min_value=low,
        max_value=high,
        help_text=f"办结期限前剩余工作日不多于此数时亮黄灯，可填 {low}–{high}。",
        error_messages={
            "required": "请填写黄灯预警阈值",
            "invalid": "请填写整数",
            "min_value": f"不能小于 {low}",
            "max_value": f"不能大于 {high}",
        },
    )

    reply_days = forms.IntegerField(label="督办回告期限（工作日）", required=False)
    red_card_period_days = forms.IntegerField(label="再次黄牌转红牌期间（天）", required=False)
    step_due_days = forms.IntegerField(label="联办环节时限（工作日，0=同办结期限）", required=False)
    appeal_days = forms.IntegerField(label="红黄牌申诉期限（工作日）", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (_label, low, high, unit) in services.SUPERVISION_FIELDS.items():
            field = self.fields[name]
            field.min_value, field.max_value = low, high
            field.widget.attrs.update(min=low, max=high)
            field.help_text = f"{low}–{high} {unit}"
            field.error_messages.update(invalid="请填写整数")

    def clean(self):
        cleaned = super().clean()
        for name, (label, low, high, unit) in services.SUPERVISION_FIELDS.items():
            value = cleaned.get(name)
            if value is not None and not low <= value <= high:
                self.add_error(name, f"{label}应为 {low}–{high} {unit}")
        return cleaned

    @property
    def supervision_fields(self):
        return [self[name] for name in services.SUPERVISION_FIELDS]


@admin_required
def county_list(request):
    counties = scope_of(request.user).regions().filter(level=Level.COUNTY).order_by("code")
    own = dict(CountySettings.objects.values_list("county_id", "yellow_threshold_days"))
    rows = [{"county": c, "yellow": yellow_threshold(c.code), "own": c.code in own} for c in counties]
    return render(request, "regions/county_list.html", {"rows": rows})


@admin_required
def county_settings(request, code: str):
    current = services.county_settings(code)
    saved = not current._state.adding  # a county that never edited its settings shows the defaults
    effective = current.yellow_threshold_days if saved else yellow_threshold(code)
    initial = {"yellow_threshold_days": effective}
    initial.update({name: getattr(current, name) for name in services.SUPERVISION_FIELDS})
    form = CountySettingsForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.update_county_settings(request.user, code, **form.cleaned_data)
            except PAGE_ERRORS as exc:
                for name, message in exc.fields.items():
                    form.add_error(name if name in form.fields else None, message)
            else:
                messages.success(request, f"已保存{current.county.name}的参数。")
                return redirect("county_settings:edit", code=code)
        status = 422
    return render(
        request,
        "regions/county_settings.html",
        {"form": form, "settings": current, "saved": saved},
        status=status,
    )
