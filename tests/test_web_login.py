"""Web sign-in (session): Chinese form errors, throttling, each role's home page, sign-out."""

import pytest
from django.test import Client

from bianmin.accounts.demo import PASSWORD


def login(client, username, password=PASSWORD, **extra):
    return client.post("/accounts/login/", {"username": username, "password": password, **extra})


def test_the_workbench_sends_a_visitor_to_the_login_page(db):
    response = Client().get("/workbench/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/workbench/"


def test_login_page_is_in_chinese(db):
    html = Client().get("/accounts/login/").content.decode()
    assert '<html lang="zh-Hans">' in html
    assert "用户名" in html and "密码" in html and "登录" in html


def test_wrong_password_shows_a_chinese_error_with_401(demo, now):
    response = login(Client(), "famen_clerk", "wrong")

    assert response.status_code == 401
    assert "用户名或密码错误" in response.content.decode()
    assert "_auth_user_id" not in response.wsgi_request.session


def test_empty_form_shows_required_fields_in_chinese(demo, now):
    response = Client().post("/accounts/login/", {})
    assert response.status_code == 400
    assert "这个字段是必填项" in response.content.decode()


def test_an_absurdly_long_username_is_a_form_error_not_a_500(demo, now):
    assert login(Client(), "x" * 10_000, "y").status_code == 400


def test_repeated_wrong_passwords_are_throttled_on_the_web_too(demo, now, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    client = Client()
    for _ in range(3):
        login(client, "famen_clerk", "wrong")

    response = login(client, "famen_clerk")

    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()


def test_clerk_lands_on_the_home_page_showing_name_and_center(demo, now):
    client = Client()
    response = login(client, "famen_clerk")
    assert response.status_code == 302 and response["Location"] == "/workbench/"

    html = client.get("/workbench/").content.decode()

    assert "孙受理" in html
    assert "综窗受理员" in html
    assert "法门镇便民服务中心" in html
    assert "收件受理" in html
    assert "天度镇" not in html


@pytest.mark.parametrize(
    "username,shown",
    [
        ("fufeng_supervisor", ["赵监察", "效能监察", "扶风县", "代办台账"]),
        ("fufeng_approver", ["钱审批", "审批人员", "扶风县民政局"]),
        ("famen_director", ["周主任", "中心负责人", "法门镇便民服务中心"]),
        ("famen_minzheng", ["吴民政", "法门镇民政所", "本部门待办"]),
        ("famen_agent", ["王代办", "村级代办员", "法门村", "代办登记"]),
        ("tiandu_clerk", ["李受理", "天度镇便民服务中心"]),
        ("admin", ["系统管理员", "系统管理"]),
    ],
)
def test_each_role_sees_who_and_where_they_are(demo, now, username, shown):
    client = Client()
    login(client, username)
    html = client.get("/workbench/").content.decode()
    for text in shown:
        assert text in html, text


def test_login_honours_a_safe_next_and_ignores_an_outside_one(demo, now):
    client = Client()
    response = login(client, "admin", next="/admin/")
    assert response["Location"] == "/admin/"

    other = Client()
    response = login(other, "famen_clerk", next="https://evil.example.com/")
    assert response["Location"] == "/workbench/"


def test_logout_ends_the_session(demo, now):
    client = Client()
    login(client, "famen_clerk")

    response = client.post("/accounts/logout/")

    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    after = client.get("/workbench/")
    assert after.status_code == 302 and after["Location"].startswith("/accounts/login/")


def test_logout_by_get_is_refused(demo, now):
    client = Client()
    login(client, "famen_clerk")
    assert client.get("/accounts/logout/").status_code == 405
    assert client.get("/workbench/").status_code == 200


def test_home_page_needs_a_login(db):
    response = Client().get("/workbench/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/workbench/"


def test_an_unknown_page_is_a_chinese_404(db):
    response = Client().get("/no/such/page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_admin_is_in_chinese(demo, now):
    client = Client()
    login(client, "admin")
    html = client.get("/admin/").content.decode()
    assert "便民服务系统管理" in html
