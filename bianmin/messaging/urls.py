"""Messaging pages: templates (/manage/messages/templates/), the log (/messages/) and notices (/notices/)."""

from django.urls import path

from bianmin.messaging import views

app_name = "messaging"
urlpatterns = [
    path("manage/messages/templates/", views.template_list, name="templates"),
    path("manage/messages/templates/new/", views.template_edit, name="template_new"),
    path("manage/messages/templates/<int:pk>/", views.template_edit, name="template_edit"),
    path("messages/", views.message_log, name="log"),
    path("messages/<int:pk>/retry/", views.message_retry, name="retry"),
    path("notices/", views.notice_list, name="notices"),
    path("notices/read-all/", views.notice_read_all, name="read_all"),
    path("notices/<int:pk>/read/", views.notice_read, name="read"),
]
