from django.urls import path

from bianmin.workbench import views

app_name = "workbench"
urlpatterns = [
    path("", views.index, name="index"),
    path("workbench/", views.home, name="home"),
]
