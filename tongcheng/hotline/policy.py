"""The hotline's policy entries."""

from tongcheng.lib.contributions import PUBLIC, PolicyEntries

POLICY: PolicyEntries = {
    # The platform's webhook: no account; every request is signed with the platform's secret
    # (hotline/signing.py), checked before anything else.
    "api:hotline_platform_event": PUBLIC,
}
