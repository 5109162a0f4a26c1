from django.apps import AppConfig

from tongcheng.audit.labels import register_action_labels
from tongcheng.org.labels import ORG_ACTION_LABELS, ORG_OBJECT_LABELS, ORG_REASON_LABELS


class OrgConfig(AppConfig):
    name = "tongcheng.org"
    label = "org"

    def ready(self) -> None:
        register_action_labels(ORG_ACTION_LABELS, ORG_OBJECT_LABELS, ORG_REASON_LABELS)
