"""Forms for the catalog management pages: the item, its materials and its questions (formsets)."""

from django import forms

from bianmin.catalog.models import FieldType, Item
from bianmin.catalog.services import EDITABLE
from bianmin.regions.models import Department, Level, Region


class ItemForm(forms.ModelForm):
    joint_departments = forms.ModelMultipleChoiceField(
        label="共同实施部门（联办，含牵头部门）",
        queryset=Department.objects.select_related("region").order_by("code"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    class Meta:
        model = Item
        fields = EDITABLE
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in ("legal_basis", "conditions", "process", "faq")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.filter(level__in=[Level.COUNTY, Level.TOWNSHIP])
        departments = Department.objects.select_related("region").order_by("code")
        self.fields["lead_department"].queryset = departments
        self.fields["escalate_to"].queryset = departments.filter(region__level=Level.COUNTY)
        for name in ("legal_limit_days", "promised_limit_days", "extension_days", "max_visits"):
            # Let negative numbers reach the service so the message is the catalog's own wording.
            self.fields[name].min_value = None
            self.fields[name].validators = []
            self.fields[name].widget.attrs.pop("min", None)
        if self.instance.pk:
            self.fields["code"].disabled = True
            self.initial["joint_departments"] = list(self.instance.joint_departments.all())

    def _post_clean(self):
        # Model validation (clean(), check constraints) is the service's job: it reports in one voice.
        pass


class MaterialForm(forms.Form):
    name = forms.CharField(label="材料名称", max_length=200)
    issuer = forms.CharField(label="出具单位", max_length=100, required=False)
    originals = forms.IntegerField(label="原件", min_value=0, max_value=99, initial=1)
    copies = forms.IntegerField(label="复印件", min_value=0, max_value=99, initial=0)
    required = forms.BooleanField(label="必备", required=False, initial=True)
    deferrable = forms.BooleanField(label="可容缺", required=False)
    standard = forms.CharField(label="材料要求", max_length=300, required=False)

    def has_changed(self):
        # A spare row counts as filled only once it has a name; its pre-ticked boxes alone mean nothing.
        return (
            bool(self.data.get(self.add_prefix("name"), "").strip())
            or super().has_changed()
            and bool(self.initial)
        )


class QuestionForm(forms.Form):
    code = forms.SlugField(label="字段代码", max_length=40)
    label = forms.CharField(label="问题", max_length=200)
    datatype = forms.ChoiceField(label="类型", choices=FieldType.choices)
    required = forms.BooleanField(label="必填", required=False)
    choices = forms.CharField(label="选项（用；分隔）", max_length=500, required=False)
    help_text = forms.CharField(label="说明", max_length=200, required=False)

    def has_changed(self):
        filled = any(self.data.get(self.add_prefix(n), "").strip() for n in ("code", "label", "choices"))
        return filled or super().has_changed() and bool(self.initial)

    def clean_choices(self):
        text = self.cleaned_data["choices"].replace(";", "；")
        return [c.strip() for c in text.split("；") if c.strip()]

    def clean(self):
        data = super().clean()
        if data.get("datatype") in (FieldType.CHOICE, FieldType.MULTI_CHOICE) and not data.get("choices"):
            self.add_error("choices", "单选、多选题请填写选项")
        return data


MaterialFormSet = forms.formset_factory(MaterialForm, extra=2, can_delete=True)
QuestionFormSet = forms.formset_factory(QuestionForm, extra=1, can_delete=True)


def rows_of(formset) -> list[dict]:
    """The filled, not-deleted rows of a valid formset as dicts the services take."""
    return [
        {k: v for k, v in form.cleaned_data.items() if k != "DELETE"}
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


class ImportForm(forms.Form):
    file = forms.FileField(label="Excel 工作簿（.xlsx）")
