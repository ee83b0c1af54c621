from django.urls import path

from bianmin.ratings import views

app_name = "ratings"
urlpatterns = [
    path("track/<str:number>/rate/", views.track_rate, name="track_rate"),
    path("r/<str:token>/", views.sms_rate, name="sms"),
    path("pad/", views.pad, name="pad"),
    path("pad/current/", views.pad_current, name="pad_current"),
    path("pad/rate/", views.pad_rate, name="pad_rate"),
    path("ratings/", views.queue, name="queue"),
    path("ratings/rect/<int:pk>/", views.rectification, name="rectification"),
    path("ratings/record/", views.record, name="record"),
    path("ratings/ledger.xlsx", views.ledger_xlsx, name="ledger"),
    path("board/", views.board_index, name="board_index"),
    path("board/<str:code>/", views.board, name="board"),
]
