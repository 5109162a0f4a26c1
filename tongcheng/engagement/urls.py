from django.urls import path

from tongcheng.engagement.views import contacts, figures, representatives

app_name = "engagement"

urlpatterns = [
    path("", representatives.representative_list, name="representative_list"),
    path("new/", representatives.representative_new, name="representative_create"),
    path(
        "new/file/<int:pk>/",
        representatives.representative_new_for_file,
        name="representative_create_for_file",
    ),
    path("<int:pk>/", representatives.representative_detail, name="representative_detail"),
    path("<int:pk>/edit/", representatives.representative_change, name="representative_edit"),
    path("<int:pk>/end/", representatives.representative_end_view, name="representative_end"),
    path("<int:pk>/letter/", representatives.letter_pdf, name="letter_pdf"),
    path("<int:pk>/talks/new/", contacts.contact_new, name="contact_create"),
    path("talks/<int:pk>/delete/", contacts.contact_remove, name="contact_delete"),
    path("mine/", representatives.my_appointment, name="my_appointment"),
    path("due/", contacts.due_list, name="due_list"),
    path("missed/", contacts.missed_list, name="missed_list"),
    path("compliance/", figures.compliance, name="compliance"),
    path("festivals/", figures.festival_list, name="festival_list"),
    path("festivals/<int:year>/", figures.festival_edit, name="festival_edit"),
]
