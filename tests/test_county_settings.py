"""County settings (本县参数): an administrator sets the county's yellow threshold on one page."""

import pytest

from bianmin.accounts.models import User
from bianmin.cases.clock import yellow_threshold
from bianmin.core.errors import Forbidden
from bianmin.regions.models import CountySettings
from bianmin.regions.services import update_county_settings

FUFENG = "610324000000"
URL = f"/manage/county/{FUFENG}/settings/"


@pytest.fixture
def admin_client(client, demo):
    client.login(username="admin", password="Demo@2026")
    return client


def test_admin_sets_the_yellow_threshold_and_the_engine_reads_it(admin_client):
    assert yellow_threshold(FUFENG) == 1
    page = admin_client.get(URL).content.decode()
    assert "扶风县参数" in page and "黄灯预警阈值（工作日）" in page and "系统默认值" in page
    response = admin_client.post(URL, {"yellow_threshold_days": "3"})
    assert response.status_code == 302
    saved = CountySettings.objects.get(county_id=FUFENG)
    assert saved.yellow_threshold_days == 3 and saved.updated_by.username == "admin"
    assert yellow_threshold(FUFENG) == 3
    assert "3 个工作日" in admin_client.get("/manage/county/").content.decode()


@pytest.mark.parametrize("value", ["11", "-1", "三", ""])
def test_out_of_range_values_are_refused_in_chinese(admin_client, value):
    response = admin_client.post(URL, {"yellow_threshold_days": value})
    assert response.status_code == 422
    assert "field-error" in response.content.decode()
    assert not CountySettings.objects.exists()


def test_only_a_county_has_settings(admin_client):
    assert admin_client.get("/manage/county/610324106000/settings/").status_code == 404
    assert admin_client.get("/manage/county/nonsense/settings/").status_code == 404


def test_a_clerk_gets_the_403_page_and_the_service_refuses_them_too(client, demo):
    client.login(username="famen_clerk", password="Demo@2026")
    response = client.get(URL)
    assert response.status_code == 403 and "无权访问" in response.content.decode()
    assert client.post(URL, {"yellow_threshold_days": "3"}).status_code == 403
    with pytest.raises(Forbidden):
        update_county_settings(User.objects.get(username="famen_clerk"), FUFENG, yellow_threshold_days=3)
    assert not CountySettings.objects.exists()


def test_the_admin_workbench_links_the_county_settings(admin_client):
    assert 'href="/manage/county/"' in admin_client.get("/workbench/").content.decode()
