"""The staff workbench lives at /workbench/; "/" is the citizens' home page (bianmin.portal)."""

from django.urls import path

from bianmin.workbench import views

app_name = "workbench"
urlpatterns = [
    path("workbench/", views.home, name="home"),
    # "index" used to be "/", which sent staff on to the workbench; links that reverse it still land there.
    path("workbench/", views.home, name="index"),
]
