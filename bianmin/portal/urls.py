"""The citizens' front door: the public home page and the large-text (适老化) switch."""

from django.urls import path

from bianmin.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("display/large-text/", views.large_text, name="large_text"),
]
