"""Public catalog and guide pages."""

from django.urls import path

from bianmin.catalog import views

app_name = "catalog"
urlpatterns = [
    path("catalog/", views.catalog_home, name="home"),
    path("catalog/<str:code>/", views.catalog_region, name="region"),
    path("guide/<str:code>/", views.guide, name="guide"),
    path("guide/<str:code>/print/", views.guide_print, name="guide_print"),
]
