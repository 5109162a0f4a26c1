from django.apps import AppConfig


class LibConfig(AppConfig):
    name = "tongcheng.lib"
    label = "lib"
