from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "tongcheng.registry"
    label = "registry"
