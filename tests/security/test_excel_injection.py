"""Text that Excel would read as a formula (= + - @, tab, CR) is written as plain text in every export."""

import io

from openpyxl import load_workbook
from proxy.factories import make_item, proxy_intake

from bianmin.catalog.workbook import export_catalog
from bianmin.core.excel import safe_cell, unescape_cell

EVIL = '=HYPERLINK("http://evil.example/x","点此")'


def _cells(data: bytes, sheet: str):
    book = load_workbook(io.BytesIO(data))
    return [cell for row in book[sheet].iter_rows() for cell in row]


def test_a_formula_in_an_applicant_name_is_text_in_the_agents_register(api, now):
    agent = api("famen_agent")
    body = proxy_intake(make_item("promised"))
    body["applicant"]["name"] = EVIL
    assert agent.post("cases", body).status_code == 201
    data = agent.get("proxy/register.xlsx?from=2026-03-01&to=2026-03-31").content
    cells = [c for c in _cells(data, "代办登记台账") if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert len(cells) == 1
    assert cells[0].data_type != "f" and cells[0].value.endswith(EVIL)


def test_a_formula_in_an_item_name_is_text_in_the_catalog_workbook(demo):
    item = make_item("promised")
    item.name = "+cmd|' /C calc'!A0"
    item.save(update_fields=["name"])
    cells = [c for c in _cells(export_catalog(), "事项") if c.value and "calc" in str(c.value)]
    assert len(cells) == 1
    assert cells[0].data_type != "f" and cells[0].value.endswith(item.name)


def test_safe_cell_escapes_only_what_a_spreadsheet_would_evaluate():
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"):
        assert safe_cell(text).startswith("'") and unescape_cell(safe_cell(text)) == text
    for value in ("张秀兰", "", 3, -3, None, "a=b"):
        assert safe_cell(value) == value and unescape_cell(value) == value


def test_formula_like_catalog_text_survives_an_export_import_round_trip(demo):
    from bianmin.accounts.models import User
    from bianmin.catalog.models import Field, Item, Material
    from bianmin.catalog.workbook import import_catalog

    item = make_item("promised")
    item.name, item.conditions = "=低保申请", "-年满60周岁\n+户籍在本镇"
    item.save(update_fields=["name", "conditions"])
    data = export_catalog(Item.objects.filter(pk=item.pk))
    code = item.code
    Material.objects.filter(item__code=code).delete()
    Field.objects.filter(item__code=code).delete()
    Item.objects.filter(code=code).delete()
    report = import_catalog(User.objects.get(username="admin"), data)
    assert report.ok, report.problems[:5]
    again = Item.objects.get(code=code)
    assert (again.name, again.conditions) == ("=低保申请", "-年满60周岁\n+户籍在本镇")
