from django.urls import path

from bianmin.devices import views

app_name = "devices"
urlpatterns = [
    path("manage/devices/", views.device_list, name="list"),
    path("manage/devices/<int:pk>/revoke/", views.device_revoke, name="revoke"),
    path("device/<str:token>/", views.device_open, name="open"),
    path("workbench/seat/", views.seat, name="seat"),
]
