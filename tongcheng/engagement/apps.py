from django.apps import AppConfig
from django.utils.module_loading import import_string

from tongcheng.audit.labels import register_action_labels
from tongcheng.engagement.labels import (
    ENGAGEMENT_ACTION_LABELS,
    ENGAGEMENT_OBJECT_LABELS,
    ENGAGEMENT_REASON_LABELS,
)
from tongcheng.notify.kinds import register_kinds


class EngagementConfig(AppConfig):
    name = "tongcheng.engagement"
    label = "engagement"

    def ready(self) -> None:
        register_action_labels(
            ENGAGEMENT_ACTION_LABELS, ENGAGEMENT_OBJECT_LABELS, ENGAGEMENT_REASON_LABELS
        )
        # By dotted path: the models are ready only now, after this module was imported.
        register_kinds(import_string("tongcheng.engagement.notices.KINDS"))
