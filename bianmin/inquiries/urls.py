"""Work-order pages (staff) and the public web form, follow-up and 常见问题."""

from django.urls import path

from bianmin.inquiries import views

app_name = "inquiries"
urlpatterns = [
    path("inquiries/", views.order_list, name="list"),
    path("inquiries/new/", views.register, name="new"),
    path("inquiries/export.xlsx", views.export, name="export"),
    path("inquiries/<str:number>/", views.order_page, name="order"),
    path("inquiries/<str:number>/reveal/", views.reveal, name="reveal"),
    path("inquiries/<str:number>/act/<slug:action>/", views.order_action, name="act"),
    path("inquiries/<str:number>/files/<int:file_id>/", views.order_file, name="file"),
    path("ask/", views.ask, name="ask"),
    path("ask/track/", views.track, name="track"),
    path("faq/", views.faq, name="faq"),
]
