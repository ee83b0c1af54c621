"""Top-level URL map: public pages, staff pages, the admin and the API."""

from django.contrib import admin
from django.urls import include, path

from bianmin.api import api
from bianmin.workbench.views import favicon

admin.site.site_header = "便民服务系统管理"
admin.site.site_title = "便民服务系统管理"
admin.site.index_title = "管理首页"

urlpatterns = [
    path("favicon.ico", favicon),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("bianmin.portal.urls")),
    path("accounts/", include("bianmin.accounts.urls")),
    path("calendar/", include("bianmin.calendar.urls")),
    path("manage/catalog/", include("bianmin.catalog.manage_urls")),
    path("manage/county/", include("bianmin.regions.manage_urls")),
    path("", include("bianmin.catalog.urls")),
    path("", include("bianmin.cases.urls")),
    path("proxy/", include("bianmin.proxy.urls")),
    path("supervision/", include("bianmin.supervision.urls")),
    path("stats/", include("bianmin.stats.urls")),
    path("", include("bianmin.messaging.urls")),
    path("", include("bianmin.inquiries.urls")),
    path("", include("bianmin.devices.urls")),
    path("", include("bianmin.ratings.urls")),
    path("", include("bianmin.hall.urls")),
    path("", include("bianmin.duty.urls")),
    path("", include("bianmin.workbench.urls")),
]

handler403 = "bianmin.workbench.views.forbidden"
handler404 = "bianmin.workbench.views.not_found"
handler500 = "bianmin.workbench.views.server_error"
