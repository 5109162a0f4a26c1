from django.urls import path

from tongcheng.hotline import views

app_name = "hotline"
urlpatterns = [
    path("console/", views.console, name="console"),
    path("console/calls/", views.call_list, name="call_list"),
    path("console/communities/", views.community_options, name="community_options"),
    path("console/intake/", views.intake, name="intake"),
    path("follow-ups/", views.follow_up_queue, name="follow_up_queue"),
    path("follow-ups/told/<int:pk>/", views.caller_told, name="caller_told"),
    path("knowledge/", views.article_list, name="article_list"),
    path("knowledge/new/", views.article_edit, name="article_create"),
    path("knowledge/<int:pk>/", views.article_edit, name="article_edit"),
    path("track/", views.track, name="track"),
]
