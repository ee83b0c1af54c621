from django.urls import path, re_path

from bianmin.duty import views

app_name = "duty"
urlpatterns = [
    path("duty/sign/", views.sign, name="sign"),
    path("duty/whereabouts/", views.whereabouts, name="whereabouts"),
    path("duty/centers/", views.centers, name="centers"),
    path("duty/centers/<str:code>/people/", views.people, name="people"),
    path("duty/centers/<str:code>/roster/<str:month>/", views.roster, name="roster"),
    path("duty/centers/<str:code>/qr/", views.wall_qr, name="qr"),
    path("duty/centers/<str:code>/posts/", views.posts, name="posts"),
    path("centers/<str:code>/", views.public_center, name="public_center"),
    path("open-data/", views.open_data, name="open_data"),
    path("open-data/index.json", views.open_data_index, name="open_index"),
    re_path(
        r"^open-data/centers/(?P<code>[^/]{1,20})/(?P<month>[^/]{1,10})\.csv$",
        views.open_data_csv,
        name="open_csv",
    ),
    re_path(
        r"^open-data/centers/(?P<code>[^/]{1,20})/(?P<month>[^/]{1,10})\.json$",
        views.open_data_json,
        name="open_json",
    ),
]
