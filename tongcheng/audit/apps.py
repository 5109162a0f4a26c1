from django.apps import AppConfig

from tongcheng.audit.labels import (
    AUDIT_ACTION_LABELS,
    AUDIT_OBJECT_LABELS,
    AUDIT_REASON_LABELS,
    register_action_labels,
)


class AuditConfig(AppConfig):
    name = "tongcheng.audit"
    label = "audit"

    def ready(self) -> None:
        register_action_labels(AUDIT_ACTION_LABELS, AUDIT_OBJECT_LABELS, AUDIT_REASON_LABELS)
