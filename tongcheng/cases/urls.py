from django.urls import path

from tongcheng.cases import deskviews, limitviews, officeviews, serviceviews, views
from tongcheng.cases.attachments import views as attachment_views
from tongcheng.cases.kpi import views as kpi_views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/sign/", views.inbox_sign, name="inbox_sign"),
    path("kpi/", kpi_views.kpi, name="kpi"),
    path("time-limits/", limitviews.time_limits, name="time_limits"),
    path("time-limits/<int:pk>/remove/", limitviews.time_limit_delete, name="time_limit_delete"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/move/<slug:move>/", views.case_move, name="case_move"),
    path("<int:pk>/reveal/", views.case_reveal, name="case_reveal"),
    path("new/file/<int:pk>/", views.case_create, name="case_create"),
    # The services beyond dispatch (serviceviews, officeviews).
    path("<int:pk>/service/<slug:step>/", serviceviews.case_service, name="case_service"),
    path("certificates/<int:pk>/", serviceviews.certificate, name="certificate"),
    path(
        "certificates/<int:pk>/pdf/", serviceviews.certificate_pdf_download, name="certificate_pdf"
    ),
    path("certificates/verify/", serviceviews.certificate_verify, name="certificate_verify"),
    path("relief/", officeviews.relief_sums, name="relief_sums"),
    path("proactive/", officeviews.proactive, name="proactive"),
    path("volunteers/", officeviews.volunteer_list, name="volunteer_list"),
    path("volunteers/new/", officeviews.volunteer_new, name="volunteer_create"),
    path("volunteers/<int:pk>/", officeviews.volunteer_edit, name="volunteer_edit"),
    # The dispatching offices' desk, the 通报 list, the provisional deadlines (deskviews).
    path("desk/", deskviews.desk, name="desk"),
    path("desk/circulation/", deskviews.circulation_list, name="circulation"),
    path("desk/circulation/pdf/", deskviews.circulation_pdf, name="circulation_pdf"),
    path("provisional/", deskviews.provisional, name="provisional"),
    # A case's attachments (cases/attachments/views.py).
    path("<int:pk>/attachments/", attachment_views.attachment_upload, name="attachment_upload"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        attachment_views.attachment_download,
        name="attachment_download",
    ),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/remove/",
        attachment_views.attachment_remove,
        name="attachment_remove",
    ),
]
