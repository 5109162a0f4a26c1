"""The words for the cases' audit action codes (registered by CasesConfig.ready)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

CASE_ACTION_LABELS: dict[str, str | Promise] = {
    "case.create": _("Opened case"),
    "case.view": _("Viewed case"),
    "case.open_form": _("Opened the form opening a case for a file"),
    "case.reveal": _("Showed a case's contact phone in full"),
    "case.time_limit": _("Set time limits"),
    "case.time_limit_remove": _("Removed a service's own time limits"),
    "case.list": _("Viewed case list"),
    "case.dispatch": _("Dispatched case"),
    "case.sign": _("Signed for case"),
    "case.return": _("Returned case"),
    "case.redispatch": _("Dispatched returned case elsewhere"),
    "case.uphold": _("Upheld dispatch of returned case"),
    "case.reply": _("Replied to case"),
    "case.follow_up": _("Recorded follow-up call"),
    "case.close_direct": _("Closed case answered during the call"),
    "case.request_extension": _("Asked for more time"),
    "case.decide_extension": _("Decided on more time"),
    "case.supervise": _("Put case under supervision"),
    "case.urge": _("Raised reminder on overdue case"),
    "case.report": _("Listed overdue case for circulation"),
    "case.deadlines_recomputed": _("Recomputed provisional deadlines"),
    # The call that tells the caller an approved new deadline (actions/extensions.py).
    "case.caller_told": _("Told the caller the new deadline"),
    "case.caller_not_reached": _("Could not reach the caller to tell the new deadline"),
    # The services beyond dispatch.
    "case.grant": _("Granted hardship certification"),
    "case.revoke": _("Revoked hardship certification"),
    "case.waiver": _("Recorded fee waiver"),
    "case.relief": _("Recorded relief payment"),
    "case.employment": _("Recorded employment outcome"),
    "case.assign": _("Gave case to legal-aid volunteer"),
    "certification.view": _("Viewed certification"),
    "certification.print": _("Printed certificate"),
    "certification.verify": _("Checked certificate"),
    "proactive.list": _("Viewed proactive list"),
    "volunteer.create": _("Put volunteer on team"),
    "volunteer.update": _("Changed volunteer on team"),
    "attachment.upload": _("Attached file to case"),
    "attachment.download": _("Opened case attachment"),
    "attachment.list": _("Viewed case attachments"),
    "attachment.remove": _("Removed case attachment"),
    "attachment.sweep": _("Erased files of no attachment"),
}
CASE_OBJECT_LABELS: dict[str, str | Promise] = {
    "case": _("Case"),
    "certification": _("Hardship certification"),
    "legal_volunteer": _("Legal-aid volunteer"),
    "case_attachment": _("Case attachment"),
}
CASE_REASON_LABELS: dict[str, str | Promise] = {}
