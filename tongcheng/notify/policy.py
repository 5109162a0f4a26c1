"""The notifications' policy entries: every account reads and settles only its own."""

from tongcheng.lib.contributions import PolicyEntries, Scope, everyone

POLICY: PolicyEntries = {
    "notify:list": everyone(scope=Scope.SELF),
    "notify:bell": everyone(scope=Scope.SELF),
    # Marking one's own notifications read changes no record: read-only roles do it too.
    "notify:open": everyone(scope=Scope.SELF),
    "notify:read_all": everyone(scope=Scope.SELF),
    "notify:preferences": everyone(scope=Scope.SELF),
}
