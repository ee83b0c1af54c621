from django.urls import path

from bianmin.stats import views

app_name = "stats"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("cases/", views.case_list, name="cases"),
    path("report/", views.report, name="report"),
    path("ledger/", views.ledger, name="ledger"),
    path("assessment/", views.assessment, name="assessment"),
]
