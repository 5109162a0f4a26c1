"""My account: profile, password, two-factor enrolment (namespace `account`)."""

from django.urls import path

from tongcheng.org import auth_views

app_name = "account"
urlpatterns = [
    path("", auth_views.profile, name="profile"),
    path("password/", auth_views.password_change, name="password_change"),
    path("two-factor/", auth_views.two_factor_setup, name="two_factor_setup"),
]
