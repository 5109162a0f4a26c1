from django.apps import AppConfig
from django.utils.module_loading import import_string

from tongcheng.audit.labels import register_action_labels
from tongcheng.cases.labels import CASE_ACTION_LABELS, CASE_OBJECT_LABELS, CASE_REASON_LABELS
from tongcheng.notify.kinds import register_kinds


class CasesConfig(AppConfig):
    name = "tongcheng.cases"
    label = "cases"

    def ready(self) -> None:
        register_action_labels(CASE_ACTION_LABELS, CASE_OBJECT_LABELS, CASE_REASON_LABELS)
        # By dotted path: the models are ready only now, after this module was imported.
        register_kinds(import_string("tongcheng.cases.notices.KINDS"))
        calendar_changed = import_string("tongcheng.org.workcalendar.calendar_changed")
        calendar_changed.connect(
            import_string("tongcheng.cases.actions.deadlines.recompute_provisional"),
            dispatch_uid="cases.recompute_provisional",
            weak=False,
        )
