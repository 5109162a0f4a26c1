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


def register_action_labels(labels: Mapping[str, str | Promise]) -> None:
    """Add labels of action codes; registering the same label again is harmless.

    A code given a second, different label is a mistake of two apps using one code.
    """
    for code, label in labels.items():
        known = _labels.setdefault(code, label)
        if known is not label:
            raise ImproperlyConfigured(f"the audit action {code!r} has two labels")


def action_label(code: str) -> str:
    """The label of an action code in the current language (the code itself if none)."""
    if code.startswith(DENIAL_PREFIX):
        return str(_("Access denied"))
    return str(_labels.get(code, code))


AUDIT_ACTION_LABELS: dict[str, str | Promise] = {
    "audit.view": _("Viewed audit trail"),
    "audit.purge": _("Purged expired audit events"),
}
