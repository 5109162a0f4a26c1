"""The words for org's audit action codes (registered with the trail by OrgConfig.ready)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ORG_ACTION_LABELS: dict[str, str | Promise] = {
    "login.success": _("Logged in"),
    "login.failure": _("Failed login"),
    "login.locked": _("Login locked"),
    "login.refused_demo": _("Demo account refused"),
    "logout": _("Logged out"),
    "session.expired": _("Session expired"),
    "two_factor.enrol": _("Enrolled two-factor"),
    "password.change": _("Changed password"),
    "user.list": _("Viewed account list"),
    "user.view": _("Viewed account"),
    "user.create": _("Created account"),
    "user.update": _("Edited account"),
    "user.enable": _("Enabled account"),
    "user.disable": _("Disabled account"),
    "user.reset_two_factor": _("Reset two-factor"),
    "membership.grant": _("Granted role"),
    "membership.revoke": _("Removed role"),
    "area.rollout_set": _("Set rollout stage"),
    "area.rollout_clear": _("Cleared rollout stage"),
    "service_point.create": _("Created service point"),
    "service_point.update": _("Edited service point"),
    "calendar_year.create": _("Entered calendar year"),
    "calendar_year.update": _("Edited calendar year"),
    "api_token.create": _("Created API token"),
    "api_token.revoke": _("Revoked API token"),
    "demo.seed": _("Loaded demo data"),
}

ORG_OBJECT_LABELS: dict[str, str | Promise] = {
    "user": _("Account"),
    "area": _("Area"),
    "service_point": _("Service point"),
    "api_token": _("API token"),
    "membership": _("Role"),
    "department": _("Member unit"),
    "calendar_year": _("Calendar year"),
}

# The reasons org writes into the trail (denials, failed logins), in words.
ORG_REASON_LABELS: dict[str, str | Promise] = {
    "holds roles the actor cannot grant": _("The account holds roles you cannot grant"),
    "disabled": _("Account disabled"),
    "wrong password": _("Wrong password"),
    "unknown account": _("Unknown account"),
    "wrong code": _("Wrong two-factor code"),
    "locked": _("Too many failed logins: locked"),
    "address throttled": _("Too many logins from this address"),
    "demo accounts not allowed": _("Demo accounts are refused here"),
    "no credentials": _("No login or token"),
}
