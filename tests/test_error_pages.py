"""Service errors that reach a page become styled Chinese error pages, in one place (core.middleware)."""

from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from bianmin.workbench.views import forbidden


def test_a_services_forbidden_is_the_403_page_with_its_message(client, demo, now):
    # A clerk cannot hand cases up to the township: create_handover says so, the page shows it.
    client.login(username="famen_clerk", password="Demo@2026")
    response = client.post("/proxy/handovers/new/", {"cases": ["FM-20260302-0001"]})
    page = response.content.decode()
    assert response.status_code == 403
    assert "无权访问" in page and "只有代办员可以向镇中心交件" in page


def test_a_services_not_found_is_the_404_page(client, demo, now):
    client.login(username="admin", password="Demo@2026")
    response = client.post("/calendar/2040/confirm/")
    assert response.status_code == 404 and "页面不存在" in response.content.decode()


def test_django_permission_denied_uses_the_same_403_page(demo):
    request = RequestFactory().get("/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    response = forbidden(request, PermissionDenied())
    assert response.status_code == 403 and "无权访问" in response.content.decode()
