from django.urls import path

from tongcheng.meetings.views import items, meetings

app_name = "meetings"
urlpatterns = [
    path("", meetings.meeting_list, name="meeting_list"),
    path("new/", meetings.meeting_create, name="meeting_create"),
    path("setting/", meetings.meeting_setting, name="meeting_setting"),
    path("<int:pk>/", meetings.meeting_detail, name="meeting_detail"),
    path("<int:pk>/answer/", meetings.meeting_answer, name="meeting_answer"),
    path("<int:pk>/report/", meetings.meeting_report, name="meeting_report"),
    path("<int:pk>/minutes/", meetings.meeting_minutes, name="meeting_minutes"),
    path("<int:pk>/attendance/", meetings.meeting_attendance, name="meeting_attendance"),
    path("<int:pk>/items/new/", meetings.item_create, name="item_create"),
    path(
        "<int:pk>/<str:document>.<str:kind>",
        meetings.meeting_document,
        name="meeting_document",
    ),
    path("items/", items.item_list, name="item_list"),
    path("items/<int:pk>/", items.item_detail, name="item_detail"),
    path("items/<int:pk>/report/", items.item_report, name="item_report"),
    path("items/<int:pk>/supervise/", items.item_supervise, name="item_supervise"),
    path("mine/", items.mine, name="mine"),
    path("compliance/", items.compliance, name="compliance"),
]
