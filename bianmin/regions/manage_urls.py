"""County settings pages (administrators)."""

from django.urls import path

from bianmin.regions import views

app_name = "county_settings"
urlpatterns = [
    path("", views.county_list, name="list"),
    path("<str:code>/settings/", views.county_settings, name="edit"),
]
