"""The audit screen (namespace `audit`): read-only, for the audit administrator."""

from django.urls import path

from tongcheng.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("object/<str:object_type>/<str:object_id>/", views.object_history, name="object_history"),
]
