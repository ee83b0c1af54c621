"""Excel export/import: an exact round trip, and an all-or-nothing import with a row-by-row report."""

import io

from openpyxl import load_workbook

from bianmin.catalog import services
from bianmin.catalog.models import Field, Item, Material
from bianmin.catalog.workbook import export_catalog, import_catalog

from .factories import admin, make_item


def _sheets(data: bytes) -> dict:
    book = load_workbook(io.BytesIO(data))
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets}


def _snapshot():
    def rows(model, *exclude):
        return sorted(
            tuple(sorted((k, str(v)) for k, v in r.items() if k not in exclude))
            for r in model.objects.values()
        )

    items = rows(Item, "id", "created_at", "updated_at", "region_id", "lead_department_id", "escalate_to_id")
    joints = sorted(
        (i.code, i.version, d.code)
        for i in Item.objects.prefetch_related("joint_departments")
        for d in i.joint_departments.all()
    )
    return items, rows(Material, "id", "item_id"), rows(Field, "id", "item_id"), joints


def _wipe():
    Material.objects.all().delete()
    Field.objects.all().delete()
    Item.objects.all().delete()


def test_export_then_import_into_an_empty_catalog_reproduces_it(demo):
    # Include history: a superseded version, a draft and a withdrawn item.
    v1 = make_item()
    services.publish_item(admin(), services.new_version(admin(), v1))
    services.new_version(admin(), Item.objects.published().get(code=v1.code))
    services.withdraw_item(admin(), Item.objects.published().get(code="GA07001-610324106000"))
    before = _snapshot()
    data = export_catalog()
    _wipe()

    report = import_catalog(admin(), data)

    assert report.ok, report.problems[:5]
    after = _snapshot()
    assert after == before, [_diff(x, y) for x, y in zip(after, before, strict=True)]
    assert _sheets(export_catalog()) == _sheets(data)


def test_a_broken_row_is_reported_with_its_row_number_and_nothing_is_imported(demo):
    data = export_catalog(Item.objects.filter(region_id="610324106000"))
    _wipe()
    book = load_workbook(io.BytesIO(data))
    sheet = book["事项"]
    header = [c.value for c in sheet[1]]
    sheet.cell(row=5, column=header.index("承诺办结时限") + 1, value=999)
    sheet.cell(row=7, column=header.index("牵头部门代码") + 1, value="NOPE")
    book["申请材料"].cell(row=3, column=6, value="两份")
    out = io.BytesIO()
    book.save(out)

    report = import_catalog(admin(), out.getvalue())

    found = {(p.sheet, p.row, p.column) for p in report.problems}
    assert ("事项", 5, "承诺办结时限") in found
    assert ("事项", 7, "牵头部门代码") in found
    assert ("申请材料", 3, "原件份数") in found
    assert Item.objects.count() == 0 and Material.objects.count() == 0


def test_importing_an_existing_version_again_is_refused_and_changes_nothing(demo):
    data = export_catalog(Item.objects.filter(code="MZ05004-610324106000"))
    before = _snapshot()
    report = import_catalog(admin(), data)
    assert not report.ok and "已存在" in report.problems[0].reason
    assert _snapshot() == before


def test_a_file_that_is_not_a_workbook_gets_a_clear_report(demo):
    report = import_catalog(admin(), b"%PDF-1.4 not a spreadsheet")
    assert not report.ok and "不是有效的 Excel" in report.problems[0].reason


def test_missing_sheets_and_columns_are_reported(demo):
    data = export_catalog(Item.objects.filter(code="MZ05004-610324106000"))
    book = load_workbook(io.BytesIO(data))
    book["事项"].delete_cols(5)  # 事项名称
    del book["表单字段"]
    out = io.BytesIO()
    book.save(out)
    report = import_catalog(admin(), out.getvalue())
    reasons = {(p.sheet, p.column, p.reason) for p in report.problems}
    assert ("事项", "事项名称", "缺少此列") in reasons
    assert any(p.sheet == "表单字段" and "缺少工作表" in p.reason for p in report.problems)


def test_import_page_shows_the_report_and_imports_nothing(demo, client):
    client.login(username="admin", password="Demo@2026")
    data = export_catalog(Item.objects.filter(code="MZ05004-610324106000"))
    response = client.post("/manage/catalog/import/", {"file": io.BytesIO(b"hello")})
    assert response.status_code == 200 or response.status_code == 422
    upload = io.BytesIO(data)
    upload.name = "catalog.xlsx"
    response = client.post("/manage/catalog/import/", {"file": upload})
    assert response.status_code == 422
    assert "未导入任何数据" in response.content.decode()


def _diff(a, b):
    for x, y in zip(a, b, strict=False):
        if x != y:
            return set(x) ^ set(y)


def test_an_infinite_version_number_is_a_row_problem_not_a_crash(demo):
    data = export_catalog(Item.objects.filter(code="MZ05004-610324106000"))
    book = load_workbook(io.BytesIO(data))
    sheet = book["事项"]
    header = [c.value for c in sheet[1]]
    sheet.cell(row=2, column=header.index("版本") + 1, value="inf")
    out = io.BytesIO()
    book.save(out)
    before = _snapshot()
    report = import_catalog(admin(), out.getvalue())
    assert ("事项", 2, "版本") in {(p.sheet, p.row, p.column) for p in report.problems}
    assert _snapshot() == before


def test_a_workbook_with_a_damaged_sheet_gets_a_clear_report(demo):
    import zipfile

    data = export_catalog(Item.objects.filter(code="MZ05004-610324106000"))
    damaged = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(damaged, "w") as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = content[: len(content) // 2]
            dst.writestr(info, content)
    report = import_catalog(admin(), damaged.getvalue())
    assert not report.ok and "不是有效的 Excel" in report.problems[0].reason


def test_only_an_administrator_imports(demo):
    import pytest

    from bianmin.accounts.models import User
    from bianmin.core.errors import Forbidden

    data = export_catalog(Item.objects.filter(code="MZ05004-610324106000"))
    before = Item.objects.count()
    with pytest.raises(Forbidden):
        import_catalog(User.objects.get(username="famen_clerk"), data)
    assert Item.objects.count() == before
