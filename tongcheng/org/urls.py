from django.urls import path

from tongcheng.org.views import accounts, areas, calendar, departments

app_name = "org"
urlpatterns = [
    path("areas/", areas.area_list, name="area_list"),
    path("areas/<str:code>/", areas.area_detail, name="area_detail"),
    path("areas/<str:code>/rollout/", areas.area_rollout_edit, name="area_rollout_edit"),
    path(
        "areas/<str:code>/service-point/<slug:kind>/",
        areas.service_point_edit,
        name="service_point_edit",
    ),
    path("departments/", departments.department_list, name="department_list"),
    path("departments/<slug:code>/", departments.department_detail, name="department_detail"),
    path("leading-group/", departments.leading_group, name="leading_group"),
    path("calendar/", calendar.calendar_years, name="calendar_years"),
    path("calendar/<int:year>/", calendar.calendar_year_edit, name="calendar_year_edit"),
    path("users/", accounts.user_list, name="user_list"),
    path("users/new/", accounts.user_create, name="user_create"),
    path("users/<int:pk>/", accounts.user_detail, name="user_detail"),
    path("users/<int:pk>/edit/", accounts.user_edit, name="user_edit"),
    path("users/<int:pk>/active/", accounts.user_set_active, name="user_set_active"),
    path(
        "users/<int:pk>/two-factor/reset/",
        accounts.user_reset_two_factor,
        name="user_reset_two_factor",
    ),
    path("users/<int:pk>/memberships/", accounts.membership_add, name="membership_add"),
    path(
        "users/<int:pk>/memberships/<int:membership_pk>/remove/",
        accounts.membership_remove,
        name="membership_remove",
    ),
]
