from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "tongcheng.audit"
    label = "audit"
