from django.urls import path

from bianmin.cases import views

app_name = "cases"
urlpatterns = [
    path("track/<str:number>/", views.track, name="track"),
    path("cases/<str:number>/documents/<slug:kind>/", views.document_page, name="document"),
    path("cases/<str:number>/documents/<slug:kind>.pdf", views.document_pdf, name="document_pdf"),
]
