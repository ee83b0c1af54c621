"""Case pages: public tracking, staff intake, queues, the case page with its actions, scans and documents."""

from django.urls import path

from bianmin.cases import pages, views

app_name = "cases"
urlpatterns = [
    path("track/", views.track_lookup, name="track_lookup"),
    path("track/<str:number>/", views.track, name="track"),
    path("cases/new/", pages.intake, name="new"),
    path("cases/new/items/", pages.intake_items, name="intake_items"),
    path("cases/new/id-check/", pages.intake_id_check, name="intake_id_check"),
    path("cases/queue/<slug:key>/", pages.queue, name="queue"),
    path("cases/search/", pages.search, name="search"),
    path("cases/<str:number>/", pages.case_page, name="case"),
    path("cases/<str:number>/actions/<slug:action>/", pages.case_action, name="action"),
    path("cases/<str:number>/reveal/", pages.reveal, name="reveal"),
    path("cases/<str:number>/files/<int:file_id>/", pages.case_file, name="file"),
    path("cases/<str:number>/documents/<slug:kind>/", views.document_page, name="document"),
    path("cases/<str:number>/documents/<slug:kind>.pdf", views.document_pdf, name="document_pdf"),
]
