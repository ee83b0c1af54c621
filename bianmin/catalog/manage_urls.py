"""Catalog management pages (administrators)."""

from django.urls import path

from bianmin.catalog import manage_views as views

app_name = "catalog_manage"
urlpatterns = [
    path("", views.item_list, name="list"),
    path("new/", views.item_create, name="create"),
    path("export.xlsx", views.catalog_export, name="export"),
    path("import/", views.catalog_import, name="import"),
    path("delegations/", views.delegations, name="delegations"),
    path("<int:pk>/", views.item_detail, name="detail"),
    path("<int:pk>/publish/", views.item_publish, name="publish"),
    path("<int:pk>/withdraw/", views.item_withdraw, name="withdraw"),
    path("<int:pk>/new-version/", views.item_new_version, name="new_version"),
]
