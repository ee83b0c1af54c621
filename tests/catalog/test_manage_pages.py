"""Catalog management pages: administrators only; create a draft with materials, publish, version."""

from bianmin.catalog.models import Item, ItemStatus

FAMEN = "610324106000"


def _form(**overrides):
    from bianmin.regions.models import Department

    data = {
        "code": "NEW001-610324106000",
        "basic_code": "NEW001",
        "name": "农村危房改造补助申请",
        "short_name": "危房改造",
        "item_type": "05",
        "region": FAMEN,
        "implementing_body": "扶风县法门镇人民政府",
        "body_nature": "法定机关",
        "level": "5",
        "lead_department": Department.objects.get(code=f"{FAMEN}ZR").pk,
        "legal_limit_days": "20",
        "promised_limit_days": "15",
        "extension_days": "0",
        "max_visits": "1",
        "proxy": "on",
        "materials-TOTAL_FORMS": "2",
        "materials-INITIAL_FORMS": "0",
        "materials-0-name": "申请人居民身份证",
        "materials-0-originals": "1",
        "materials-0-copies": "1",
        "materials-0-required": "on",
        "materials-1-name": "",
        "materials-1-originals": "1",
        "materials-1-copies": "0",
        "questions-TOTAL_FORMS": "1",
        "questions-INITIAL_FORMS": "0",
        "questions-0-code": "area",
        "questions-0-label": "房屋面积（平方米）",
        "questions-0-datatype": "number",
        "questions-0-required": "on",
    }
    data.update(overrides)
    return data


def test_only_administrators_reach_the_management_pages(client, demo):
    assert client.get("/manage/catalog/").status_code == 302  # to login
    client.login(username="famen_clerk", password="Demo@2026")
    assert client.get("/manage/catalog/").status_code == 403
    assert client.post("/manage/catalog/new/", _form()).status_code == 403
    assert not Item.objects.filter(code="NEW001-610324106000").exists()


def test_a_clerk_gets_the_chinese_403_page_not_a_bare_forbidden(client, demo):
    client.login(username="famen_clerk", password="Demo@2026")
    response = client.get("/manage/catalog/")
    page = response.content.decode()
    assert response.status_code == 403
    assert "无权访问" in page and "只有系统管理员" in page and "返回工作台" in page
    assert "403 Forbidden" not in page and '<html lang="zh-Hans">' in page


def test_admin_creates_a_draft_with_materials_and_questions_then_publishes_it(client, demo):
    client.login(username="admin", password="Demo@2026")
    response = client.post("/manage/catalog/new/", _form())
    assert response.status_code == 302, response.content.decode()[:2000]
    item = Item.objects.get(code="NEW001-610324106000")
    assert item.status == ItemStatus.DRAFT
    assert [m.name for m in item.materials.all()] == ["申请人居民身份证"]
    assert [f.code for f in item.fields.all()] == ["area"]
    assert client.post(f"/manage/catalog/{item.pk}/publish/").status_code == 302
    item.refresh_from_db()
    assert item.status == ItemStatus.PUBLISHED
    assert client.get(f"/guide/{item.code}/").status_code == 200


def test_the_form_shows_chinese_field_errors_and_saves_nothing(client, demo):
    client.login(username="admin", password="Demo@2026")
    response = client.post("/manage/catalog/new/", _form(promised_limit_days="30", extension_days="-2"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "承诺时限（30 个工作日）不能超过法定时限（20 个工作日）" in page
    assert "不能为负数" in page
    assert not Item.objects.filter(code="NEW001-610324106000").exists()


def test_new_version_and_withdraw_from_the_detail_page(client, demo):
    client.login(username="admin", password="Demo@2026")
    item = Item.objects.published().get(code=f"MZ05004-{FAMEN}")
    assert "以此为底稿创建新版本" in client.get(f"/manage/catalog/{item.pk}/").content.decode()
    client.post(f"/manage/catalog/{item.pk}/new-version/")
    draft = Item.objects.get(code=item.code, version=2)
    assert "编辑草稿" in client.get(f"/manage/catalog/{draft.pk}/").content.decode()
    client.post(f"/manage/catalog/{item.pk}/withdraw/")
    item.refresh_from_db()
    assert item.status == ItemStatus.WITHDRAWN


def test_list_filters_and_export_download(client, demo):
    client.login(username="admin", password="Demo@2026")
    page = client.get(
        "/manage/catalog/", {"region": FAMEN, "q": "dbsq", "status": "published"}
    ).content.decode()
    assert "最低生活保障（低保）申请" in page
    response = client.get("/manage/catalog/export.xlsx")
    assert response.status_code == 200 and response.content[:2] == b"PK"


def test_workbench_links_the_catalog_for_admins(client, demo):
    client.login(username="admin", password="Demo@2026")
    assert "/manage/catalog/" in client.get("/workbench/").content.decode()


def test_a_code_that_cannot_sit_in_a_url_and_absurd_limits_are_field_errors(client, demo):
    client.login(username="admin", password="Demo@2026")
    response = client.post(
        "/manage/catalog/new/",
        _form(code="SLASH/1", legal_limit_days="99999999999999999999", max_visits="1000"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "实施编码只能包含英文字母、数字、- 和 _" in page
    assert "不能超过 365" in page and "不能超过 99" in page
    assert not Item.objects.filter(code="SLASH/1").exists()


def test_django_admin_shows_items_but_cannot_change_them(client, demo):
    client.login(username="admin", password="Demo@2026")
    item = Item.objects.get(code="MZ05004-610324106000", status=ItemStatus.PUBLISHED)
    assert client.get(f"/admin/catalog/item/{item.pk}/change/").status_code == 200
    response = client.post(
        f"/admin/catalog/item/{item.pk}/change/", {"name": "改名", "promised_limit_days": 0}
    )
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.name != "改名" and item.promised_limit_days > 0
