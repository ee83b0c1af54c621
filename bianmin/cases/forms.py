"""Staff forms for cases: the intake form built from an item's questions and checklist, and one small form
per action on the case page.

The intake form is shared: the window uses it with the window/phone/mobile channels and the decision
buttons; the village agent's registration (proxy app) uses it with the proxy channel alone. A form only
shapes input for the services; the services remain the judge, and `add_service_errors` puts what they
refuse back on the right field in Chinese.
"""

import datetime as dt
import functools
import re
import typing
import uuid
from decimal import Decimal

from django import forms

from bianmin.cases.actions import registry
from bianmin.cases.actions.delivery import DELIVERY_METHODS
from bianmin.cases.actions.files import SCAN
from bianmin.cases.models import ApplicantKind, Case, Channel, MaterialStatus, Outcome, SuspensionKind
from bianmin.cases.validators import check_applicant
from bianmin.catalog.models import CaseClass, FieldType, Item
from bianmin.core.errors import ApiError

WINDOW_CHANNELS = (Channel.WINDOW, Channel.PHONE, Channel.MOBILE)
DEFAULT_SUPPLEMENT_REASON = "未提交该材料，请补交"
REQUIRED = "此项必填"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class ScanField(forms.FileField):
    """Any number of scans for one material, each judged by `rule` (the same check the API makes)."""

    default_label = "扫描件"
    accept = "image/jpeg,image/png,application/pdf"
    rule = SCAN

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": self.accept}))
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", self.default_label)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        for upload in files:
            if upload.size > self.rule.max_bytes:
                raise forms.ValidationError(f"“{upload.name}”：{self.rule.too_large}")
            _, why = self.rule.problem(upload.read(self.rule.max_bytes + 1))
            upload.seek(0)
            if why:
                raise forms.ValidationError(f"“{upload.name}”：{why}")
        return files


def _choice_pairs(choices) -> list[tuple[str, str]]:
    pairs = []
    for choice in choices or []:
        if isinstance(choice, dict):
            value = str(choice.get("value", choice.get("code", choice.get("label", ""))))
            pairs.append((value, str(choice.get("label", value))))
        else:
            pairs.append((str(choice), str(choice)))
    return pairs


def _question_field(question) -> forms.Field:
    """One form field for one of the item's questions (Item.fields), typed as the question says."""
    common = {"label": question.label, "required": question.required, "help_text": question.help_text}
    if question.datatype == FieldType.NUMBER:
        return forms.DecimalField(max_digits=17, decimal_places=2, **common)
    if question.datatype == FieldType.DATE:
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if question.datatype == FieldType.CHOICE:
        return forms.ChoiceField(choices=[("", "请选择")] + _choice_pairs(question.choices), **common)
    if question.datatype == FieldType.MULTI_CHOICE:
        return forms.MultipleChoiceField(
            choices=_choice_pairs(question.choices), widget=forms.CheckboxSelectMultiple, **common
        )
    return forms.CharField(max_length=1000, **common)


def _answer_value(value):
    """A cleaned answer as the services and JSON expect it."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


class IntakeForm(forms.Form):
    """收件表单 for one item: applicant, the item's questions, its material checklist, and the channel.

    `channels` limits the channel choice (a single channel becomes a hidden field); `decisions` adds the
    window's decision inputs (容缺 materials and date, the refusal reason, supplement reasons).
    Field names: q_<question code>; m<material id>_received / _originals / _copies / _scans / _reason.
    """

    # Under the checklist's heading: what may be uploaded (a subclass taking phone photos says so).
    scan_hint = "勾选已收到的材料，核对原件、复印件份数；可上传扫描件（JPG、PNG 或 PDF，每个不超过 20 MB）。"
    scan_field = ScanField

    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)
    channel = forms.ChoiceField(label="收件渠道", widget=forms.RadioSelect)
    applicant_kind = forms.ChoiceField(
        label="申请人类型",
        choices=ApplicantKind.choices,
        initial=ApplicantKind.PERSON,
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label="申请人姓名/单位名称", max_length=100, required=False)
    id_number = forms.CharField(
        label="身份证号", max_length=18, required=False, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    credit_code = forms.CharField(label="统一社会信用代码", max_length=18, required=False)
    contact_name = forms.CharField(label="联系人", max_length=40, required=False)
    phone = forms.CharField(
        label="联系电话", max_length=20, required=False, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    address = forms.CharField(label="住址", max_length=200, required=False)

    def __init__(self, item: Item, *args, channels=WINDOW_CHANNELS, decisions: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.item = item
        self.questions = list(item.fields.all())
        self.materials = list(item.materials.all())
        self.decisions = decisions
        # Required by kind (person or organisation), so checked in clean(); marked for the eye here.
        for name in ("name", "id_number", "credit_code", "contact_name", "phone"):
            self.fields[name].marked_required = True
        self.fields["channel"].choices = [(c, Channel(c).label) for c in channels]
        self.fields["channel"].initial = channels[0]
        if len(channels) == 1:
            self.fields["channel"].widget = forms.HiddenInput()
        if not self.is_bound:
            self.fields["idempotency_key"].initial = uuid.uuid4().hex
        for question in self.questions:
            self.fields[f"q_{question.code}"] = _question_field(question)
        for m in self.materials:
            self.fields[f"m{m.pk}_received"] = forms.BooleanField(label="已收", required=False)
            self.fields[f"m{m.pk}_originals"] = forms.IntegerField(
                label="原件", min_value=0, max_value=99, initial=m.originals, required=False
            )
            self.fields[f"m{m.pk}_copies"] = forms.IntegerField(
                label="复印件", min_value=0, max_value=99, initial=m.copies, required=False
            )
            self.fields[f"m{m.pk}_scans"] = self.scan_field()
            if decisions:
                self.fields[f"m{m.pk}_reason"] = forms.CharField(
                    label="补正原因",
                    max_length=300,
                    required=False,
                    widget=forms.TextInput(
                        attrs={"placeholder": "需补正时填写；未勾选的必备材料默认“未提交”"}
                    ),
                )
        if decisions:
            # The window checks the ID against this center's earlier cases (a warning, never a block).
            from django.urls import reverse

            self.fields["id_number"].widget.attrs.update(
                {
                    "hx-get": reverse("cases:intake_id_check"),
                    "hx-trigger": "input changed delay:400ms, change",
                    "hx-target": "#id-check",
                    "hx-include": "[name=name]",
                }
            )
            deferrable = [(m.pk, m.name) for m in self.materials if m.deferrable]
            self.fields["deferred"] = forms.TypedMultipleChoiceField(
                label="容缺后补的材料", choices=deferrable, coerce=int, required=False,
                widget=forms.CheckboxSelectMultiple,
            )  # fmt: skip
            self.fields["promise_date"] = forms.DateField(
                label="承诺补齐日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
            )
            if item.case_class == CaseClass.INSTANT:
                self.fields["result"] = forms.CharField(
                    label="办理结果说明",
                    max_length=2000,
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 2, "placeholder": "如：已出具证明"}),
                    help_text="即办件可当场受理并办结，申请人当场领取结果。",
                )
            self.fields["refuse_reason"] = forms.CharField(
                label="不予受理理由",
                max_length=2000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    # --- what the template iterates -----------------------------------------------------------------
    def question_fields(self):
        return [self[f"q_{q.code}"] for q in self.questions]

    def material_rows(self):
        """One row per material of the checklist with its bound fields, for the template."""
        rows = []
        for m in self.materials:
            rows.append(
                {
                    "material": m,
                    "received": self[f"m{m.pk}_received"],
                    "originals": self[f"m{m.pk}_originals"],
                    "copies": self[f"m{m.pk}_copies"],
                    "scans": self[f"m{m.pk}_scans"],
                    "reason": self[f"m{m.pk}_reason"] if self.decisions else None,
                }
            )
        return rows

    # --- checks the page can make before the services -----------------------------------------------
    def clean(self):
        data = super().clean()
        kind = data.get("applicant_kind") or ApplicantKind.PERSON
        applicant = {
            key: data.get(key)
            for key in ("name", "phone", "id_number", "credit_code", "contact_name", "address")
        }
        clean, errors = check_applicant({**applicant, "kind": kind})
        for key, why in errors.items():
            self.add_error(key if key in self.fields else None, why)
        data["phone"] = clean["applicant_phone"]
        data["id_number"] = clean.get("applicant_id_number", "")
        data["credit_code"] = clean.get("applicant_credit_code", "")
        for m in self.materials:
            if data.get(f"m{m.pk}_scans") and not data.get(f"m{m.pk}_received"):
                label = self.fields[f"m{m.pk}_scans"].label
                self.add_error(f"m{m.pk}_received", f"附了{label}，请勾选“已收”")
        return data

    # --- what the services take ---------------------------------------------------------------------
    def receive_kwargs(self) -> dict:
        """Keyword arguments for services.receive_case (and intake_case)."""
        data = self.cleaned_data
        kind = data.get("applicant_kind") or ApplicantKind.PERSON
        applicant = {"kind": kind, "name": data["name"].strip(), "phone": data["phone"]}
        if kind == ApplicantKind.PERSON:
            applicant.update(id_number=data["id_number"], address=data.get("address", "").strip())
        else:
            applicant.update(
                credit_code=data["credit_code"],
                contact_name=data["contact_name"].strip(),
                address=data.get("address", "").strip(),
            )
        answers = {}
        for q in self.questions:
            value = data.get(f"q_{q.code}")
            if value not in (None, "", []):
                answers[q.code] = _answer_value(value)
        materials = [
            {
                "material": m.pk,
                "originals": data.get(f"m{m.pk}_originals") or 0,
                "copies": data.get(f"m{m.pk}_copies") or 0,
            }
            for m in self.materials
            if data.get(f"m{m.pk}_received")
        ]
        return {
            "item": self.item.code,
            "channel": data["channel"],
            "applicant": applicant,
            "answers": answers,
            "materials": materials,
            "idempotency_key": data.get("idempotency_key") or None,
        }

    def scans(self) -> list[tuple[int, object]]:
        return [(m.pk, f) for m in self.materials for f in self.cleaned_data.get(f"m{m.pk}_scans") or []]

    def missing(self) -> list[dict]:
        """一次性告知: every material with a reason, and every unticked required one (default reason)."""
        out = []
        for m in self.materials:
            reason = (self.cleaned_data.get(f"m{m.pk}_reason") or "").strip()
            if not reason and m.required and not self.cleaned_data.get(f"m{m.pk}_received"):
                reason = DEFAULT_SUPPLEMENT_REASON
            if reason:
                out.append({"material": m.pk, "reason": reason})
        return out

    def decision_kwargs(self, decision: str) -> dict:
        data = self.cleaned_data
        return {
            "decision": decision,
            "deferred": data.get("deferred") or [],
            "promise_date": data.get("promise_date"),
            "missing": self.missing() if decision == "request_supplement" else None,
            "reason": data.get("refuse_reason") or "",
            "result": data.get("result") or "",
        }

    def add_service_errors(self, exc: ApiError, *, missing: list[dict] | None = None) -> None:
        """Put a service's 422 fields back on the form's fields (Chinese messages from the services)."""
        ticked = (
            [m["material"] for m in self.receive_kwargs()["materials"]]
            if hasattr(self, "cleaned_data")
            else []
        )
        for key, why in (exc.fields or {}).items():
            self.add_error(self._field_for(key, ticked, missing or []), why)
        if not exc.fields:
            self.add_error(None, exc.message)

    def _field_for(self, key: str, ticked: list[int], missing: list[dict]) -> str | None:
        head, _, rest = key.partition(".")
        if head == "applicant":
            return (
                {"kind": "applicant_kind"}.get(rest, rest) if rest in self.fields or rest == "kind" else None
            )
        if head == "answers" and f"q_{rest}" in self.fields:
            return f"q_{rest}"
        if head == "scans" and f"m{rest}_scans" in self.fields:
            return f"m{rest}_scans"
        if head in ("materials", "missing"):
            index, _, _ = rest.partition(".")
            source = [e["material"] for e in missing] if head == "missing" else ticked
            if index.isascii() and index.isdigit() and int(index) < len(source):
                pk = source[int(index)]
                name = f"m{pk}_reason" if head == "missing" else f"m{pk}_received"
                return name if name in self.fields else None
            return None
        if key == "reason":
            return "refuse_reason" if "refuse_reason" in self.fields else None
        if key in ("deferred", "promise_date", "channel", "result") and key in self.fields:
            return key
        return None


# --- the case page's action forms ------------------------------------------------------------------


class ActionForm(forms.Form):
    """Base of the case page's action forms: the version travels as a hidden field (stale → 409)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, case: Case, *args, **kwargs):
        kwargs.setdefault("initial", {})["version"] = case.version
        super().__init__(*args, **kwargs)
        self.case = case

    def kwargs(self) -> dict:
        return {}

    # A service field this form shows under another name (request_file → the scan's file field).
    field_map: dict[str, str] = {}

    def add_service_errors(self, exc: ApiError) -> None:
        for key, why in (exc.fields or {}).items():
            key = self.field_map.get(key, key)
            self.add_error(key if key in self.fields else None, why)
        if not exc.fields:
            self.add_error(None, exc.message)


def _reason(label: str, required: bool = True, rows: int = 2) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=2000, required=required, widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": REQUIRED},
    )  # fmt: skip


def _date(label: str, required: bool = False) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}))


class AcceptForm(ActionForm):
    deferred = forms.TypedMultipleChoiceField(
        label="容缺后补的材料", coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    promise_date = _date("承诺补齐日期")
    complete = forms.BooleanField(label="受理并办结（即办件，当场出具结果）", required=False, initial=True)
    result = _reason("办理结果说明", required=False)

    def __init__(self, case, *args, **kwargs):
        super().__init__(case, *args, **kwargs)
        if case.item.case_class != CaseClass.INSTANT:
            del self.fields["complete"], self.fields["result"]
        rows = [
            r for r in case.materials.all() if r.status != MaterialStatus.RECEIVED and r.material.deferrable
        ]
        self.fields["deferred"].choices = [(r.material_id, r.material.name) for r in rows]
        if not rows:
            del self.fields["deferred"], self.fields["promise_date"]

    def kwargs(self):
        return {
            "deferred": self.cleaned_data.get("deferred") or [],
            "promise_date": self.cleaned_data.get("promise_date"),
            "complete": bool(self.cleaned_data.get("complete")),
            "result": self.cleaned_data.get("result") or "",
        }


class MaterialListForm(ActionForm):
    """A checkbox per material of the case, with a reason (supplement request) or counts (supplement)."""

    def rows(self):
        return list(self.case.materials.all())

    def material_fields(self):
        return [[self[n] for n in self.fields if n.startswith(f"m{row.material_id}_")] for row in self.rows()]

    def other_fields(self):
        """The form's own fields after the material list (the supplement's due date)."""
        return [f for f in self.visible_fields() if not re.match(r"m\d+_", f.name)]


class RequestSupplementForm(MaterialListForm):
    def __init__(self, case, *args, **kwargs):
        super().__init__(case, *args, **kwargs)
        for row in self.rows():
            lacking = row.status != MaterialStatus.RECEIVED and row.material.required
            self.fields[f"m{row.material_id}_on"] = forms.BooleanField(
                label=row.material.name, required=False, initial=lacking
            )
            self.fields[f"m{row.material_id}_reason"] = forms.CharField(
                label="原因", max_length=300, required=False,
                initial=(row.reason or DEFAULT_SUPPLEMENT_REASON) if lacking else "",
            )  # fmt: skip
        self.fields["due"] = _date("补正期限")
        self.fields["due"].help_text = "不填则为10个工作日后"

    def kwargs(self):
        data, missing = self.cleaned_data, []
        for row in self.rows():
            if data.get(f"m{row.material_id}_on"):
                missing.append(
                    {"material": row.material_id, "reason": data.get(f"m{row.material_id}_reason", "")}
                )
        return {"missing": missing, "due": data.get("due")}

    def add_service_errors(self, exc):
        listed = self.kwargs()["missing"] if hasattr(self, "cleaned_data") else []
        for key, why in (exc.fields or {}).items():
            head, _, rest = key.partition(".")
            index = rest.partition(".")[0]
            if head == "missing" and index.isascii() and index.isdigit() and int(index) < len(listed):
                self.add_error(f"m{listed[int(index)]['material']}_reason", why)
            elif key == "due":
                self.add_error("due", why)
            else:
                self.add_error(None, why)


class SupplementForm(MaterialListForm):
    def rows(self):
        return [r for r in self.case.materials.all() if r.status != MaterialStatus.RECEIVED]

    def __init__(self, case, *args, **kwargs):
        super().__init__(case, *args, **kwargs)
        for row in self.rows():
            m = row.material
            self.fields[f"m{m.pk}_on"] = forms.BooleanField(label=m.name, required=False, initial=True)
            self.fields[f"m{m.pk}_originals"] = forms.IntegerField(
                label="原件", min_value=0, max_value=99, initial=m.originals, required=False
            )
            self.fields[f"m{m.pk}_copies"] = forms.IntegerField(
                label="复印件", min_value=0, max_value=99, initial=m.copies, required=False
            )

    def kwargs(self):
        data = self.cleaned_data
        return {
            "materials": [
                {
                    "material": row.material_id,
                    "originals": data.get(f"m{row.material_id}_originals") or 0,
                    "copies": data.get(f"m{row.material_id}_copies") or 0,
                }
                for row in self.rows()
                if data.get(f"m{row.material_id}_on")
            ]
        }


class SuspendForm(ActionForm):
    kind = forms.ChoiceField(label="特别程序", choices=SuspensionKind.choices)
    reason = _reason("理由")
    expected_end = forms.DateField(
        label="预计结束日期", widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": REQUIRED}, help_text="将写入暂停计时告知书",
    )  # fmt: skip

    def __init__(self, case, *args, **kwargs):
        from bianmin.core import clock

        super().__init__(case, *args, **kwargs)
        tomorrow = clock.today() + dt.timedelta(days=1)
        self.fields["expected_end"].widget.attrs["min"] = tomorrow.isoformat()

    def kwargs(self):
        return {k: self.cleaned_data[k] for k in ("kind", "reason", "expected_end")}


class DaysForm(ActionForm):
    days = forms.IntegerField(
        label="延长工作日", min_value=1, max_value=365, error_messages={"required": REQUIRED}
    )
    reason = _reason("理由")

    def __init__(self, case, *args, **kwargs):
        super().__init__(case, *args, **kwargs)
        self.fields["days"].help_text = f"本事项依法最多可延长 {case.item.extension_days} 个工作日，仅一次"
        requested = getattr(case, "pending_request", None)
        if requested is not None:
            self.fields["days"].help_text = (
                f"{requested.actor_name}申请延长 {requested.data.get('days')} 个工作日。"
                + self.fields["days"].help_text
            )
            if not self.is_bound:
                self.initial.update(days=requested.data.get("days"), reason=requested.note)

    def kwargs(self):
        return {"days": self.cleaned_data["days"], "reason": self.cleaned_data["reason"]}


class CompleteForm(ActionForm):
    outcome = forms.ChoiceField(
        label="办理结果", choices=Outcome.choices, initial=Outcome.APPROVED, widget=forms.RadioSelect
    )
    result = _reason("结果说明", required=False)
    reason = _reason("不予许可理由（不予许可时必填）", required=False)

    def __init__(self, case, *args, **kwargs):
        from bianmin.cases.documents import denial_word

        super().__init__(case, *args, **kwargs)
        word = denial_word(case.item)
        self.fields["outcome"].choices = [(Outcome.APPROVED, "准予"), (Outcome.DENIED, word)]
        self.fields["reason"].label = f"{word}理由（{word}时必填）"

    def kwargs(self):
        return {k: self.cleaned_data[k] for k in ("outcome", "result", "reason")}


class ApproveForm(ActionForm):
    """会签同意: the opinion; the department is the viewer's own pending task (the service picks it)."""

    opinion = _reason("会签意见", required=False)

    def kwargs(self):
        return {"opinion": self.cleaned_data["opinion"]}


class DenyForm(ActionForm):
    reason = _reason("不同意的理由")

    def kwargs(self):
        return {"reason": self.cleaned_data["reason"]}


class WithdrawForm(ActionForm):
    """撤回: the reason, and the applicant's written request scanned (the API also takes a signature)."""

    field_map = {"request_file": "request_scan", "signature": "request_scan"}
    reason = _reason("撤回原因")
    request_scan = ScanField(label="申请人书面撤回申请（扫描件或照片）")

    def __init__(self, case, *args, **kwargs):
        super().__init__(case, *args, **kwargs)
        self.fields["request_scan"].widget = forms.ClearableFileInput(attrs={"accept": ScanField.accept})
        self.fields["request_scan"].help_text = "申请人本人网上撤回的无需上传；窗口代为撤回须留存书面申请。"

    def kwargs(self):
        return {"reason": self.cleaned_data["reason"]}

    def uploads(self, user, number) -> dict:
        """Store the scan first (in the action's transaction), so the action names it as the request."""
        from bianmin.cases.actions.files import attach_scan

        scans = self.cleaned_data.get("request_scan") or []
        if not scans:
            return {}
        attachment = attach_scan(user, number, scans[0])
        self.stored = attachment
        return {"request_file": attachment.pk}


class DeliverForm(ActionForm):
    method = forms.ChoiceField(label="送达方式", choices=list(DELIVERY_METHODS.items()), initial="window")
    receiver = forms.CharField(label="签收人", max_length=100, required=False, help_text="空则为申请人本人")

    def kwargs(self):
        return {"method": self.cleaned_data["method"], "receiver": self.cleaned_data["receiver"]}


def _generic_field(info) -> forms.Field:
    """A page field for one schema field: text as a text area, numbers, dates and choices as such."""
    label = info.title or ""
    annotation = info.annotation
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    base = args[0] if args else annotation
    if typing.get_origin(base) is typing.Literal:
        return forms.ChoiceField(label=label, required=False, choices=[(v, v) for v in typing.get_args(base)])
    if base is int:
        return forms.IntegerField(label=label, required=False)
    if base is dt.date:
        return _date(label)
    limit = next((m.max_length for m in info.metadata if getattr(m, "max_length", None)), None)
    field = forms.CharField(
        label=label, required=False, max_length=limit, widget=forms.Textarea(attrs={"rows": 2})
    )
    # The action checks it (its message, after state and role); the page marks it as required.
    field.marked_required = bool((info.json_schema_extra or {}).get("x-required"))
    return field


@functools.cache
def generic_form(action_name: str) -> type[ActionForm]:
    """The page form of an action that declares no form of its own: its schema's fields, in order.

    It only presents the input; the schema and the action judge it (their errors land on these fields)."""
    schema = registry.REGISTRY[action_name].schema
    fields = {name: _generic_field(info) for name, info in schema.model_fields.items() if name != "version"}

    def kwargs(self):
        return {name: value for name, value in self.cleaned_data.items() if name in fields}

    return type(f"{schema.__name__}Form", (ActionForm,), {**fields, "kwargs": kwargs})


def form_for(action_name: str, case: Case, data=None, files=None) -> ActionForm:
    """The form the case page shows for an action: the one its declaration names, else the generic one."""
    declared = registry.REGISTRY[action_name].form
    form_class = globals()[declared] if declared else generic_form(action_name)
    # Every action form sits on the same page: ids carry the action's name, so each label finds its field.
    form = form_class(case, data, files, auto_id=f"id_{action_name}_%s")
    form.action = action_name
    return form


# --- the center-wide search ------------------------------------------------------------------------


class SearchForm(forms.Form):
    """办件查询: find a walk-in's case without its number — by name, ID or phone tail, item, dates, state."""

    name = forms.CharField(label="申请人姓名", max_length=60, required=False)
    id_tail = forms.RegexField(
        label="身份证号后四位", regex=r"^[0-9]{3}[0-9Xx]$", required=False, max_length=4,
        error_messages={"invalid": "请输入身份证号最后4位"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text", "size": 6}),
    )  # fmt: skip
    phone_tail = forms.RegexField(
        label="电话后四位", regex=r"^[0-9]{4}$", required=False, max_length=4,
        error_messages={"invalid": "请输入电话最后4位数字"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric", "size": 6}),
    )  # fmt: skip
    number = forms.CharField(label="办件编号", max_length=40, required=False)
    item = forms.CharField(label="事项", max_length=60, required=False)
    received_from = _date("收件日期自")
    received_to = _date("至")
    state = forms.ChoiceField(label="状态", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from bianmin.cases.models import State

        self.fields["state"].choices = [("", "全部状态"), *State.choices]

    def filters(self) -> dict:
        """The cleaned input as `filter_cases` keywords (empty when nothing was asked)."""
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        if "item" in data:
            data["item_name"] = data.pop("item")
        return data
