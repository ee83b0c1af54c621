from django.urls import path

from bianmin.calendar import views

app_name = "calendar"
urlpatterns = [
    path("", views.index, name="index"),
    path("add-year/", views.add_year_view, name="add_year"),
    path("<int:year>/", views.year_view, name="year"),
    path("<int:year>/confirm/", views.confirm_view, name="confirm"),
    path("<int:year>/days/<str:day>/", views.day_view, name="day"),
]
