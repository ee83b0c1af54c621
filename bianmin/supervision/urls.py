"""Supervision pages (电子监察)."""

from django.urls import path

from bianmin.supervision import views

app_name = "supervision"
urlpatterns = [
    path("", views.desk, name="desk"),
    path("mine/", views.mine, name="mine"),
    path("orders/", views.order_list, name="orders"),
    path("orders/new/", views.order_new, name="order_new"),
    path("orders/<str:number>/", views.order_page, name="order"),
    path("orders/<str:number>/answer/", views.order_answer, name="answer"),
    path("orders/<str:number>/accept/", views.order_accept, name="accept"),
    path("orders/<str:number>/return/", views.order_return, name="return"),
    path("orders/<str:number>/notice/", views.order_notice, name="notice"),
    path("orders/<str:number>/files/<str:token>/", views.answer_file, name="file"),
    path("cards/", views.card_list, name="cards"),
    path("cards/<int:pk>/", views.card_page, name="card"),
    path("cards/<int:pk>/appeal/", views.card_appeal, name="appeal"),
    path("cards/<int:pk>/decide/", views.card_decide, name="decide"),
    path("warnings/", views.warning_list, name="warnings"),
    path("ledger/", views.ledger_page, name="ledger"),
    path("ledger/orders.xlsx", views.ledger_orders_xlsx, name="ledger_orders"),
    path("ledger/cards.xlsx", views.ledger_cards_xlsx, name="ledger_cards"),
]
