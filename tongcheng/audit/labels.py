"""What people read on screens for an audit action code: each app brings the labels of its codes.

An app registers its labels from its AppConfig.ready (`register_action_labels`), so the trail
knows nothing of the apps above it. Codes stay as they are in the trail (they are what filters
match); a code nobody registered is shown as it is.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Every refused request is written as "deny:<view name>" (the access policy, the access helpers).
DENIAL_PREFIX = "deny:"

_labels: dict[str, str | Promise] = {}
_object_labels: dict[str, str | Promise] = {}
_reason_labels: dict[str, str | Promise] = {}


def register_action_labels(
    labels: Mapping[str, str | Promise],
    objects: Mapping[str, str | Promise] | None = None,
    reasons: Mapping[str, str | Promise] | None = None,
) -> None:
    """Add labels of action codes (and of object types and system reasons); registering the
    same label again is harmless.

    A code given a second, different label is a mistake of two apps using one code.
    """
    given_all = (
        (_labels, labels),
        (_object_labels, objects or {}),
        (_reason_labels, reasons or {}),
    )
    for registry, given in given_all:
        for code, label in given.items():
            known = registry.setdefault(code, label)
            if known is not label:
                raise ImproperlyConfigured(f"the audit code {code!r} has two labels")


def action_label(code: str) -> str:
    """The label of an action code in the current language (the code itself if none)."""
    if code.startswith(DENIAL_PREFIX):
        return str(_("Access denied"))
    return str(_labels.get(code, code))


def object_label(object_type: str) -> str:
    """What an object type is called on screen ("user" → 账户); the type itself if unknown."""
    return str(_object_labels.get(object_type, object_type))


def reason_words(reason: str) -> str:
    """An event's reason for people: a system's reason code in words, a typed reason as typed."""
    return str(_reason_labels.get(reason, reason))


def object_words(object_type: str, object_id: str) -> str:
    """An event's object for people: its kind in words and its number ("账户 #24")."""
    if not object_type:
        return ""
    label = object_label(object_type)
    return f"{label} #{object_id}" if object_id else label


AUDIT_OBJECT_LABELS: dict[str, str | Promise] = {
    "audit_trail": _("Audit trail"),
    "api_path": _("API path"),
}

# Reasons written by the system itself (denials, failed logins); a person's reason is shown as
# typed.
AUDIT_REASON_LABELS: dict[str, str | Promise] = {
    "out of scope": _("Outside the account's area"),
    "read-only": _("Read-only for this account"),
    "role not allowed": _("Not allowed for the account's roles"),
    "no policy entry": _("Page not open to anyone"),
    "csrf": _("Form sent without a valid security token"),
}

AUDIT_ACTION_LABELS: dict[str, str | Promise] = {
    "audit.view": _("Viewed audit trail"),
    "audit.purge": _("Purged expired audit events"),
    # Refusals before any app's view runs (tongcheng.views.csrf_failure, org.apiauth).
    "security.csrf_refused": _("Form refused by the security check"),
    "api.unauthenticated": _("API call without credentials"),
}
