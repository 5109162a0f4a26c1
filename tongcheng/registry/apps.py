from django.apps import AppConfig

from tongcheng.audit.labels import register_action_labels
from tongcheng.audit.lookups import register_lookup_hashes
from tongcheng.registry.labels import (
    REGISTRY_ACTION_LABELS,
    REGISTRY_OBJECT_LABELS,
    REGISTRY_REASON_LABELS,
)


class RegistryConfig(AppConfig):
    name = "tongcheng.registry"
    label = "registry"

    def ready(self) -> None:
        register_action_labels(
            REGISTRY_ACTION_LABELS, REGISTRY_OBJECT_LABELS, REGISTRY_REASON_LABELS
        )
        register_lookup_hashes("tongcheng.registry.search.lookup_hashes")
