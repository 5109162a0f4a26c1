from django.urls import include, path
from django.views.i18n import set_language

from tongcheng import views
from tongcheng.api import api
from tongcheng.org import auth_views
from tongcheng.org.views.home import home

urlpatterns = [
    path("", home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("login/", auth_views.login_view, name="login"),
    path("login/verify/", auth_views.login_two_factor, name="login_two_factor"),
    path("logout/", auth_views.logout_view, name="logout"),
    path("account/", include("tongcheng.org.account_urls")),
    path("org/", include("tongcheng.org.urls")),
    path("audit/", include("tongcheng.audit.urls")),
    path("notifications/", include("tongcheng.notify.urls")),
    path("registry/", include("tongcheng.registry.urls")),
    path("cases/", include("tongcheng.cases.urls")),
    path("hotline/", include("tongcheng.hotline.urls")),
    path("engagement/", include("tongcheng.engagement.urls")),
    path("meetings/", include("tongcheng.meetings.urls")),
    path("api/v1/", api.urls),
]

handler500 = "tongcheng.views.server_error"
