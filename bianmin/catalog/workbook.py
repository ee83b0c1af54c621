"""Excel import and export of the catalog in the layout docs/catalog-workbook.md documents.

Three sheets — 事项, 申请材料, 表单字段 — each with a header row of Chinese column names (order free on
import). Import checks every row first and writes nothing unless every row is right; the report lists
(sheet, row, column, reason) for each problem, so an office can fix the file and try again.
"""

import io
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from bianmin.catalog import services
from bianmin.catalog.models import FieldType, Item, ItemStatus, ItemType
from bianmin.core.errors import ApiError, Invalid
from bianmin.core.excel import safe_cell, unescape_cell
from bianmin.regions.models import Department, Level, Region

ITEMS_SHEET, MATERIALS_SHEET, FIELDS_SHEET = "事项", "申请材料", "表单字段"
LIST_SEP = "；"
YES, NO = "是", "否"

# (column header, model attribute, kind). Kinds: str, text, int, bool, code (FK by code), codes (M2M),
# date, datetime, choice:<enum name>.
ITEM_COLUMNS = [
    ("实施编码", "code", "str"),
    ("版本", "version", "int"),
    ("状态", "status", "status"),
    ("基本编码", "basic_code", "str"),
    ("事项名称", "name", "str"),
    ("简称", "short_name", "opt"),
    ("事项类型", "item_type", "item_type"),
    ("实施区划代码", "region", "region"),
    ("实施主体", "implementing_body", "str"),
    ("实施主体性质", "body_nature", "opt"),
    ("行使层级", "level", "level"),
    ("牵头部门代码", "lead_department", "department"),
    ("共同实施部门代码", "joint_departments", "departments"),
    ("上报决定部门代码", "escalate_to", "department?"),
    ("县级下放事项", "delegated", "bool"),
    ("承接日期", "taken_on", "date?"),
    ("人生事件", "life_events", "opt"),
    ("设定依据", "legal_basis", "opt"),
    ("受理条件", "conditions", "opt"),
    ("办理流程", "process", "opt"),
    ("法定办结时限", "legal_limit_days", "int"),
    ("承诺办结时限", "promised_limit_days", "int"),
    ("法定可延长", "extension_days", "int"),
    ("是否收费", "fee", "bool"),
    ("收费标准", "fee_standard", "opt"),
    ("收费依据", "fee_basis", "opt"),
    ("可网上办理", "online", "bool"),
    ("可全程代办", "proxy", "bool"),
    ("支持预约", "appointment", "bool"),
    ("告知承诺制", "promise_approval", "bool"),
    ("到办事现场次数", "max_visits", "int"),
    ("办理地点", "place", "opt"),
    ("办理时间", "hours", "opt"),
    ("咨询电话", "consult_phone", "opt"),
    ("监督投诉电话", "supervise_phone", "opt"),
    ("常见问题", "faq", "opt"),
    ("发布时间", "published_at", "datetime?"),
]
MATERIAL_COLUMNS = [
    ("实施编码", "code", "str"),
    ("版本", "version", "int"),
    ("序号", "position", "int"),
    ("材料名称", "name", "str"),
    ("出具单位", "issuer", "opt"),
    ("原件份数", "originals", "int"),
    ("复印件份数", "copies", "int"),
    ("必备", "required", "bool"),
    ("可容缺", "deferrable", "bool"),
    ("材料要求", "standard", "opt"),
]
FIELD_COLUMNS = [
    ("实施编码", "code", "str"),
    ("版本", "version", "int"),
    ("序号", "position", "int"),
    ("字段代码", "field_code", "slug"),
    ("问题", "label", "str"),
    ("类型", "datatype", "datatype"),
    ("必填", "required", "bool"),
    ("选项", "choices", "list"),
    ("说明", "help_text", "opt"),
]
SHEETS = [(ITEMS_SHEET, ITEM_COLUMNS), (MATERIALS_SHEET, MATERIAL_COLUMNS), (FIELDS_SHEET, FIELD_COLUMNS)]
MAX_ROWS = 20_000


# --- export -----------------------------------------------------------------------------------------


def _cell(value):
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, datetime):
        # Microseconds only when present, so hand-typed times stay readable and a round trip stays exact.
        return timezone.localtime(value).isoformat(sep=" ", timespec="auto").rsplit("+", 1)[0]
    if isinstance(value, date):
        return value.isoformat()
    return value


def export_catalog(items=None) -> bytes:
    """Every version of `items` (default: the whole catalog) as an .xlsx workbook."""
    items = (items if items is not None else Item.objects.all()).order_by("code", "version")
    items = items.select_related("lead_department", "escalate_to").prefetch_related(
        "joint_departments", "materials", "fields"
    )
    book = Workbook()
    sheet = book.active
    sheet.title = ITEMS_SHEET
    materials = book.create_sheet(MATERIALS_SHEET)
    questions = book.create_sheet(FIELDS_SHEET)
    sheet.append([c for c, _a, _k in ITEM_COLUMNS])
    materials.append([c for c, _a, _k in MATERIAL_COLUMNS])
    questions.append([c for c, _a, _k in FIELD_COLUMNS])
    for item in items:
        row = []
        for _c, attr, _k in ITEM_COLUMNS:
            if attr in ("lead_department", "escalate_to"):
                dept = getattr(item, attr)
                row.append(dept.code if dept else "")
            elif attr == "joint_departments":
                row.append(LIST_SEP.join(sorted(d.code for d in item.joint_departments.all())))
            elif attr == "region":
                row.append(item.region_id)
            else:
                value = getattr(item, attr)
                row.append("" if value is None else _cell(value))
        sheet.append([safe_cell(v) for v in row])
        for m in sorted(item.materials.all(), key=lambda m: (m.position, m.pk)):
            materials.append(
                [
                    safe_cell(v)
                    for v in [item.code, item.version, m.position, m.name, m.issuer, m.originals, m.copies]
                    + [_cell(m.required), _cell(m.deferrable), m.standard]
                ]
            )
        for f in sorted(item.fields.all(), key=lambda f: (f.position, f.pk)):
            questions.append(
                [
                    safe_cell(v)
                    for v in [
                        item.code,
                        item.version,
                        f.position,
                        f.code,
                        f.label,
                        f.datatype,
                        _cell(f.required),
                    ]
                    + [LIST_SEP.join(f.choices), f.help_text]
                ]
            )
    for ws in book.worksheets:
        ws.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- import -----------------------------------------------------------------------------------------


@dataclass
class Problem:
    sheet: str
    row: int | None
    column: str
    reason: str

    def __str__(self):
        where = (
            f"{self.sheet}"
            + (f" 第 {self.row} 行" if self.row else "")
            + (f"“{self.column}”列" if self.column else "")
        )
        return f"{where}：{self.reason}"


@dataclass
class ImportReport:
    problems: list[Problem] = field(default_factory=list)
    items: int = 0
    materials: int = 0
    fields: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


class _RowError(Exception):
    def __init__(self, column, reason):
        self.column, self.reason = column, reason


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _parse(value, kind: str, column: str, lookups: dict):
    text = _text(value)
    optional = kind.endswith("?")
    kind = kind.rstrip("?")
    if kind == "opt":
        return text
    if kind == "departments" and not text:
        return []
    if kind == "list":
        return [p.strip() for p in text.replace(";", LIST_SEP).split(LIST_SEP) if p.strip()]
    if not text:
        if optional:
            return None
        if kind == "bool":
            raise _RowError(column, "请填写“是”或“否”")
        raise _RowError(column, "不能为空")
    if kind in ("str", "slug"):
        if kind == "slug" and not all(c.isascii() and (c.isalnum() or c in "-_") for c in text):
            raise _RowError(column, "只能包含英文字母、数字、- 和 _")
        return text
    if kind == "int":
        try:
            number = int(float(text)) if isinstance(value, float) else int(text)
        except (TypeError, ValueError, OverflowError):
            raise _RowError(column, f"“{text[:20]}”不是整数") from None
        if number < 0:
            raise _RowError(column, "不能为负数")
        if number > 32767:
            raise _RowError(column, "数值过大")
        return number
    if kind == "bool":
        if text in (YES, "TRUE", "True", "1"):
            return True
        if text in (NO, "FALSE", "False", "0"):
            return False
        raise _RowError(column, f"“{text[:20]}”应为“是”或“否”")
    if kind == "date":
        if isinstance(value, datetime):
            return value.date()
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            raise _RowError(column, "日期格式应为 YYYY-MM-DD") from None
    if kind == "datetime":
        try:
            moment = value if isinstance(value, datetime) else datetime.fromisoformat(text)
        except ValueError:
            raise _RowError(column, "时间格式应为 YYYY-MM-DD HH:MM:SS") from None
        return timezone.make_aware(moment) if timezone.is_naive(moment) else moment
    choices = {
        "status": ItemStatus.values,
        "item_type": ItemType.values,
        "datatype": FieldType.values,
        "level": [str(v) for v in Level.values],
    }
    if kind in choices:
        text = text.zfill(2) if kind == "item_type" else text
        if text not in choices[kind]:
            raise _RowError(column, f"“{text[:20]}”不是有效取值（可用：{'、'.join(choices[kind])}）")
        return int(text) if kind == "level" else text
    if kind == "region":
        region = lookups["regions"].get(text)
        if region is None:
            raise _RowError(column, f"区划代码 {text[:20]} 不存在")
        return region
    if kind == "department":
        dept = lookups["departments"].get(text)
        if dept is None:
            raise _RowError(column, f"部门代码 {text[:30]} 不存在")
        return dept
    if kind == "departments":
        found = []
        for code in (p.strip() for p in text.replace(";", LIST_SEP).split(LIST_SEP) if p.strip()):
            dept = lookups["departments"].get(code)
            if dept is None:
                raise _RowError(column, f"部门代码 {code[:30]} 不存在")
            found.append(dept)
        return found
    raise AssertionError(kind)


def _read_sheet(book, name, columns, report):
    """The sheet's rows as (row number, {attr: raw value}); None when the sheet or a column is missing."""
    if name not in book.sheetnames:
        report.problems.append(Problem(name, None, "", f"缺少工作表“{name}”"))
        return None
    ws = book[name]
    rows = ws.iter_rows(values_only=True)
    header = [_text(h) for h in next(rows, ())]
    index = {h: i for i, h in enumerate(header) if h}
    missing = [c for c, _a, _k in columns if c not in index]
    for column in missing:
        report.problems.append(Problem(name, 1, column, "缺少此列"))
    if missing:
        return None
    out = []
    for number, values in enumerate(rows, start=2):
        if number > MAX_ROWS:
            report.problems.append(Problem(name, number, "", f"超过 {MAX_ROWS} 行，请分批导入"))
            break
        if values is None or all(v is None or _text(v) == "" for v in values):
            continue
        out.append(
            (
                number,
                {
                    c: unescape_cell(values[index[c]]) if index[c] < len(values) else None
                    for c, _a, _k in columns
                },
            )
        )
    return out


def import_catalog(user, upload) -> ImportReport:
    """Read a workbook (a file object or bytes) and add its items as `user`; all or nothing.

    Every row is checked first and the report lists every problem; only a clean file is written, one
    version at a time through services.import_item, in one transaction.
    """
    services.require_admin(user)
    report = ImportReport()
    try:
        data = upload if isinstance(upload, bytes) else upload.read()
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        # Read-only mode parses a sheet only when it is read, so a damaged sheet fails here, not at load.
        sheets = {name: _read_sheet(book, name, columns, report) for name, columns in SHEETS}
    except Exception:  # noqa: BLE001 - any unreadable file gets the same clear answer
        report.problems.append(
            Problem("文件", None, "", "不是有效的 Excel 工作簿（.xlsx），请使用导出的模板")
        )
        return report
    if report.problems:
        return report

    lookups = {
        "regions": {r.code: r for r in Region.objects.select_related("parent__parent")},
        "departments": {d.code: d for d in Department.objects.select_related("region")},
    }
    existing = set(Item.objects.values_list("code", "version"))
    published_existing = set(Item.objects.published().values_list("code", flat=True))
    items: dict[tuple[str, int], tuple[dict, list]] = {}
    published_in_file: dict[str, int] = {}

    for number, raw in sheets[ITEMS_SHEET]:
        values, bad = {}, False
        for column, attr, kind in ITEM_COLUMNS:
            try:
                values[attr] = _parse(raw[column], kind, column, lookups)
            except _RowError as e:
                report.problems.append(Problem(ITEMS_SHEET, number, e.column, e.reason))
                bad = True
        if bad:
            continue
        key = (values["code"], values["version"])
        if key in existing or key in items:
            report.problems.append(
                Problem(ITEMS_SHEET, number, "版本", f"事项 {key[0]} 第 {key[1]} 版已存在")
            )
            continue
        if values["status"] == ItemStatus.PUBLISHED:
            if values["code"] in published_existing or values["code"] in published_in_file:
                report.problems.append(Problem(ITEMS_SHEET, number, "状态", "同一事项只能有一个已发布版本"))
                continue
            published_in_file[values["code"]] = number
        joints = values.pop("joint_departments")
        try:
            services.validate_item(Item(**values), joints)
        except Invalid as e:
            labels = {attr: column for column, attr, _k in ITEM_COLUMNS}
            for attr, message in e.fields.items():
                report.problems.append(Problem(ITEMS_SHEET, number, labels.get(attr, attr), message))
            continue
        items[key] = (values, joints)

    children: dict[str, list] = {MATERIALS_SHEET: [], FIELDS_SHEET: []}
    # Rows of items that failed are already reported; their materials and questions are not errors too.
    file_keys = {key for key, _n in _keys_of_rows(sheets[ITEMS_SHEET])}
    for sheet_name, columns in ((MATERIALS_SHEET, MATERIAL_COLUMNS), (FIELDS_SHEET, FIELD_COLUMNS)):
        seen_codes = set()
        for number, raw in sheets[sheet_name]:
            values, bad = {}, False
            for column, attr, kind in columns:
                try:
                    values[attr] = _parse(raw[column], kind, column, lookups)
                except _RowError as e:
                    report.problems.append(Problem(sheet_name, number, e.column, e.reason))
                    bad = True
            if bad:
                continue
            key = (values.pop("code"), values.pop("version"))
            if key not in file_keys:
                report.problems.append(
                    Problem(sheet_name, number, "实施编码", f"“事项”表中没有 {key[0]} 第 {key[1]} 版")
                )
                continue
            if sheet_name == FIELDS_SHEET:
                if (key, values["field_code"]) in seen_codes:
                    report.problems.append(Problem(sheet_name, number, "字段代码", "同一事项的字段代码重复"))
                    continue
                seen_codes.add((key, values["field_code"]))
                values["code"] = values.pop("field_code")
            children[sheet_name].append((key, values))

    if not report.problems:
        with_materials = {key for key, _v in children[MATERIALS_SHEET]}
        for (code, version), (values, _j) in items.items():
            if values["status"] == ItemStatus.PUBLISHED and (code, version) not in with_materials:
                report.problems.append(
                    Problem(ITEMS_SHEET, None, "", f"已发布事项 {code} 第 {version} 版没有申请材料")
                )
    if report.problems:
        return report

    materials: dict[tuple, list[dict]] = {key: [] for key in items}
    questions: dict[tuple, list[dict]] = {key: [] for key in items}
    for key, values in children[MATERIALS_SHEET]:
        if key in materials:
            materials[key].append(values)
    for key, values in children[FIELDS_SHEET]:
        if key in questions:
            questions[key].append(values)
    try:
        with transaction.atomic():
            for key, (values, joints) in items.items():
                services.import_item(
                    user,
                    {k: v for k, v in values.items() if k not in services.RECORDED},
                    recorded={k: v for k, v in values.items() if k in services.RECORDED},
                    joint_departments=joints,
                    materials=materials[key],
                    questions=questions[key],
                )
    except ApiError as e:
        # Checked above, so only a concurrent change gets here; nothing of the file was written.
        reasons = "；".join(e.fields.values()) or e.message
        report.problems.append(Problem(ITEMS_SHEET, None, "", f"{reasons}（未导入任何内容，请重试）"))
        return report
    report.items = len(items)
    report.materials = len(children[MATERIALS_SHEET])
    report.fields = len(children[FIELDS_SHEET])
    return report


def _keys_of_rows(rows):
    for number, raw in rows:
        yield (_text(raw["实施编码"]), _safe_int(raw["版本"])), number


def _safe_int(value):
    try:
        return int(float(_text(value)))
    except (ValueError, OverflowError):
        return None
