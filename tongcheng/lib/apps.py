from django.apps import AppConfig


class LibConfig(AppConfig):
    name = "tongcheng.lib"
    label = "lib"

    def ready(self) -> None:
        from tongcheng.lib import lookups

        lookups.register()
