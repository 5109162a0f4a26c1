from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "tongcheng.org"
    label = "org"
