"""The director's hall forms: the rules, the ticket categories and the outreach days."""

import re

from django import forms

from bianmin.hall.models import HallSettings, Outreach, TicketCategory


class SettingsForm(forms.ModelForm):
    class Meta:
        model = HallSettings
        fields = [
            "morning_start", "morning_end", "afternoon_start", "afternoon_end", "slot_minutes", "slot_quota",
            "horizon_min", "horizon_max", "cancel_hours", "no_show_limit", "no_show_days", "bar_days",
            "remind_when_left",
        ]  # fmt: skip

    def clean(self):
        data = super().clean()
        for name in ("slot_minutes", "slot_quota", "horizon_max", "no_show_days", "bar_days"):
            value = data.get(name)
            if value is not None and not 1 <= value <= 365:
                self.add_error(name, "应为 1–365")
        for name in ("horizon_min", "cancel_hours", "no_show_limit", "remind_when_left"):
            value = data.get(name)
            if value is not None and value > 99:
                self.add_error(name, "不能超过 99")
        if data.get("horizon_min") is not None and data.get("horizon_max") is not None:
            if data["horizon_min"] > data["horizon_max"]:
                self.add_error("horizon_min", "最早提前天数不能大于最远提前天数")
        for start, end in (("morning_start", "morning_end"), ("afternoon_start", "afternoon_end")):
            if data.get(start) and data.get(end) and data[start] >= data[end]:
                self.add_error(end, "结束时间应晚于开始时间")
        return data


class CategoryForm(forms.ModelForm):
    class Meta:
        model = TicketCategory
        fields = ["letter", "name", "description", "priority", "order", "active"]

    def __init__(self, *args, center=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.center = center

    def clean_letter(self):
        letter = (self.cleaned_data.get("letter") or "").upper()
        if not re.fullmatch(r"[A-Z]", letter):
            raise forms.ValidationError("请填写一个英文字母")
        clash = TicketCategory.objects.filter(center=self.center, letter=letter).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("本中心已有这个字母的类别")
        return letter

    def clean_order(self):
        order = self.cleaned_data.get("order") or 0
        if order > 999:
            raise forms.ValidationError("不能超过 999")
        return order


class OutreachForm(forms.ModelForm):
    class Meta:
        model = Outreach
        fields = [
            "place",
            "village",
            "day_digits",
            "start_time",
            "end_time",
            "staff",
            "items",
            "note",
            "active",
        ]

    def __init__(self, *args, staff=None, items=None, villages=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff
        self.fields["items"].queryset = items
        self.fields["village"].queryset = villages
        self.fields["items"].widget = forms.CheckboxSelectMultiple()
        self.fields["items"].widget.choices = self.fields["items"].choices
        self.fields["staff"].widget = forms.CheckboxSelectMultiple()
        self.fields["staff"].widget.choices = self.fields["staff"].choices

    def clean_day_digits(self):
        digits = "".join(sorted(set(re.sub(r"\D", "", self.cleaned_data.get("day_digits") or ""))))
        if not digits:
            raise forms.ValidationError("请填写逢几赶集，如 369（逢三、六、九）")
        return digits

    def clean(self):
        data = super().clean()
        if data.get("start_time") and data.get("end_time") and data["start_time"] >= data["end_time"]:
            self.add_error("end_time", "结束时间应晚于开始时间")
        return data
