from django.apps import AppConfig

from tongcheng.audit.labels import register_action_labels
from tongcheng.notify.labels import NOTIFY_ACTION_LABELS


class NotifyConfig(AppConfig):
    name = "tongcheng.notify"
    label = "notify"

    def ready(self) -> None:
        register_action_labels(NOTIFY_ACTION_LABELS)
