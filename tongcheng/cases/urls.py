from django.urls import path

from tongcheng.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("inbox/", views.inbox, name="inbox"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/move/<slug:move>/", views.case_move, name="case_move"),
    path("new/file/<int:pk>/", views.case_create, name="case_create"),
]
