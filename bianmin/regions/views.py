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

    # 好差评 tag lists (bianmin.ratings), text separated by 、; blank keeps the county's list.
    rating_tags_good = forms.CharField(
        label="好评标签", required=False, max_length=300, help_text="用顿号分隔，例如：服务效率、服务态度",
        error_messages={"max_length": "不能超过300个字"},
    )  # fmt: skip
    rating_tags_bad = forms.CharField(
        label="差评标签", required=False, max_length=300, help_text="用顿号分隔，例如：多次跑腿、态度差",
        error_messages={"max_length": "不能超过300个字"},
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # One optional field per county parameter (regions.services.COUNTY_SECTIONS); blank keeps the value.
        for name, (label, low, high, unit) in services.county_fields().items():
            self.fields[name] = forms.IntegerField(
                label=f"{label}（{unit.removeprefix('个')}）",
                min_value=low,
                max_value=high,
                required=False,
                help_text=f"可填 {low}–{high} {unit}",
                error_messages={
                    "invalid": "请填写整数",
                    "min_value": f"{label}应为 {low}–{high} {unit}",
                    "max_value": f"{label}应为 {low}–{high} {unit}",
                },
            )

    def sections(self):
        out = [(title, [self[name] for name in fields]) for title, fields in services.COUNTY_SECTIONS.items()]
        # The 好差评 section also holds its two tag lists (text fields).
        return [
            (title, fields + [self[n] for n in services.RATING_TAG_FIELDS] if title == "好差评" else fields)
            for title, fields in out
        ]


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
    initial.update({name: getattr(current, name) for name in services.county_fields()})
    initial.update({name: getattr(current, name) for name in services.RATING_TAG_FIELDS})
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
