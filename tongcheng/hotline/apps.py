from django.apps import AppConfig
from django.utils.module_loading import import_string

from tongcheng.audit.labels import register_action_labels
from tongcheng.hotline.labels import HOTLINE_ACTION_LABELS, HOTLINE_OBJECT_LABELS


class HotlineConfig(AppConfig):
    name = "tongcheng.hotline"
    label = "hotline"

    def ready(self) -> None:
        register_action_labels(HOTLINE_ACTION_LABELS, HOTLINE_OBJECT_LABELS)
        # By dotted path: the models are ready only now, after this module was imported.
        case_stepped = import_string("tongcheng.cases.signals.case_stepped")
        case_stepped.connect(
            import_string("tongcheng.hotline.actions.outbox.outbox_on_step"),
            dispatch_uid="hotline.outbox_on_step",
            weak=False,
        )
