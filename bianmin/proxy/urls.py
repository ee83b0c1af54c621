from django.urls import path

from bianmin.proxy import pwa, views

app_name = "proxy"
urlpatterns = [
    path("", views.home, name="home"),
    path("app/", pwa.app_shell, name="app"),
    path("sw.js", pwa.service_worker, name="sw"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("new/", views.register_new, name="new"),
    path("new/items/", views.register_items, name="new_items"),
    path("handovers/", views.handover_list, name="handovers"),
    path("handovers/new/", views.handover_new, name="handover_new"),
    path("handovers/return/", views.return_new, name="return_new"),
    path("handovers/<int:handover_id>/", views.handover_page, name="handover"),
    path("handovers/<int:handover_id>/sheet/", views.handover_sheet, name="handover_sheet"),
    path("handovers/<int:handover_id>/sheet.pdf", views.handover_sheet_pdf, name="handover_sheet_pdf"),
    path("cases/<str:number>/", views.case_page, name="case"),
    path("cases/<str:number>/mandate/", views.mandate_page, name="mandate"),
    path("cases/<str:number>/query-code/", views.send_query_code, name="send_query_code"),
    path("cases/<str:number>/deliver/", views.deliver_page, name="deliver"),
    path("register/", views.register_page, name="register"),
    path("register.xlsx", views.register_xlsx, name="register_xlsx"),
]
