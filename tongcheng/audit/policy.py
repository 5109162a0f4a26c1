"""The audit screen's policy entries."""

from __future__ import annotations

from tongcheng.lib.contributions import PolicyEntries, Scope, only
from tongcheng.lib.roles import Role

POLICY: PolicyEntries = {
    # Audit (三员: the audit administrator reads the trail; nobody edits it)
    # Personal: the trail says which account read which file, and when.
    "audit:event_list": only(Role.AUDIT_ADMIN, scope=Scope.CITY, personal=True),
    "audit:object_history": only(Role.AUDIT_ADMIN, scope=Scope.CITY, personal=True),
}
