from django.apps import AppConfig

from tongcheng.lib import lookups


class LibConfig(AppConfig):
    name = "tongcheng.lib"
    label = "lib"

    def ready(self) -> None:
        lookups.register()
