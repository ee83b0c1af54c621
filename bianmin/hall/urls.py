from django.urls import path

from bianmin.hall import views

app_name = "hall"
urlpatterns = [
    path("hall/kiosk/", views.kiosk, name="kiosk"),
    path("hall/kiosk/tickets/<int:pk>/", views.kiosk_ticket, name="kiosk_ticket"),
    path("hall/screen/", views.screen, name="screen"),
    path("hall/screen/board/", views.screen_board, name="screen_board"),
    path("hall/book/<str:code>/", views.book, name="book"),
    path("hall/book/<str:code>/done/", views.booked, name="booked"),
    path("hall/outreach/", views.outreach_days, name="outreach"),
    path("workbench/hall/", views.caller, name="caller"),
    path("manage/hall/", views.manage, name="manage"),
]
